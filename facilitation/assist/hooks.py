"""A note's vector is computed after its commit, in the background, never before the ack.

When a note is posted or its text edited, its id waits in the session; once the
transaction commits, a background task (a greenlet under gevent) asks the similarity
process for the vector, stores it, looks for the notes it duplicates and, if any, flags
them to the staff. The command's ack left before any of it; the loop only waits on a
pipe meanwhile. A rollback forgets the ids.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, object_session

from ..extensions import db, socketio
from ..logs import failure
from ..notes.models import Note
from ..realtime import eventlog
from ..realtime.runtime import runtime
from . import services
from .events import vectors_of

log = logging.getLogger(__name__)
PENDING_KEY = "fabrique.assist.notes"


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
        socketio.start_background_task(_work, app, sorted(ids))


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING_KEY, None)


def _work(app: Flask, note_ids: Iterable[int]) -> None:
    with app.app_context():
        for note_id in note_ids:
            try:
                embed_and_flag(note_id)
            except Exception as error:  # a vector is a convenience: log, never raise
                db.session.rollback()
                log.warning("note %s: no vector or duplicate check: %s", note_id, failure(error))
            finally:
                db.session.remove()


def embed_and_flag(note_id: int) -> None:
    """The note's vector, stored; then its duplicates, flagged to the staff. No
    transaction stays open while the similarity process works."""
    item = services.posted_item(note_id)
    others = services.area_items(item) if item is not None else []
    if item is None:
        db.session.commit()
        return
    vectors = vectors_of([item, *others])
    found = services.duplicates(item, others, vectors)
    if not found:
        return
    with runtime().writer(item.workshop_id):
        eventlog.take_turn(item.workshop_id)
        services.flag(item.workshop_id, note_id, found)
        db.session.commit()
