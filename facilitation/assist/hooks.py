"""A note's vector is computed after its commit, in the background, never before the ack.

When a note is posted or its text edited, its id waits in the session; once the
transaction commits, it joins the app's queue of notes to check, and one background
task (a greenlet under gevent) drains that queue: the notes posted meanwhile are checked
together, one order to the similarity process per area. That process keeps the vectors
it has seen, so an area's notes travel as texts only (services.read_for_check); it
returns the new notes' vectors, stored here, and the notes they repeat, flagged to the
staff. The command's ack left before any of it; the loop only waits on a pipe
meanwhile. A rollback forgets the ids.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, object_session

from ..extensions import db, socketio
from ..logs import failure
from ..notes.models import WRITTEN_KEY, Note
from ..realtime import eventlog
from ..realtime.runtime import runtime
from . import services

log = logging.getLogger(__name__)
PENDING_KEY = WRITTEN_KEY  # a note posted by a plain INSERT is put there by its service
QUEUE_KEY = "fabrique.assist.queue"


class _Queue:
    """The notes of one app waiting for their check, and whether a task drains them."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.draining = False
        self.lock = threading.Lock()


def install() -> None:
    """Listen to notes' writes and sessions' commits (once per process)."""
    if not event.contains(Note, "after_insert", _written):
        event.listen(Note, "after_insert", _written)
        event.listen(Note, "after_update", _edited)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", _after_rollback)


def _written(_mapper: Any, _connection: Any, note: Note) -> None:
    session = object_session(note)
    if session is not None:
        session.info.setdefault(PENDING_KEY, set()).add(note.id)


def _edited(mapper: Any, connection: Any, note: Note) -> None:
    if inspect(note).attrs.text.history.has_changes():
        _written(mapper, connection, note)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING_KEY, None)
    if ids and current_app.config["NOTE_VECTORS"]:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        queue = app.extensions.setdefault(QUEUE_KEY, _Queue())
        with queue.lock:
            queue.ids.update(ids)
            start, queue.draining = not queue.draining, True
        if start:
            socketio.start_background_task(_drain, app, queue)


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING_KEY, None)


def _drain(app: Flask, queue: _Queue) -> None:
    """Check the queued notes, those posted meanwhile together, until none is left."""
    with app.app_context():
        while True:
            with queue.lock:
                ids, queue.ids = sorted(queue.ids), set()
                if not ids:
                    queue.draining = False
                    return
            try:
                check(ids)
            except Exception as error:  # a vector is a convenience: log, never raise
                db.session.rollback()
                log.warning("notes %s: no vector or duplicate check: %s", ids, failure(error))
            finally:
                db.session.remove()


def check(note_ids: list[int]) -> None:
    """These notes' vectors, stored; then the notes each repeats, flagged to the staff.
    One order to the similarity process per area; no transaction stays open while it
    works."""
    news = services.posted_items(note_ids)
    areas: dict[tuple[int, str], list[services.Item]] = {}
    for item in news:
        areas.setdefault((item.workshop_id, item.area), []).append(item)
    db.session.commit()
    for (workshop_id, area), items in areas.items():
        notes = services.area_notes(workshop_id, area)
        sent = services.read_for_check(notes)
        db.session.commit()
        fresh, flagged = services.checked(items, notes, sent)
        services.store(items, fresh)
        db.session.commit()
        if not flagged:
            continue
        with runtime().writer(workshop_id):
            eventlog.take_turn(workshop_id)
            for note_id, found in flagged.items():
                services.flag(workshop_id, note_id, found)
            db.session.commit()
