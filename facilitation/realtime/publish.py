"""Publish after commit, through one function: events wait in the session until it commits.

Events queued during a transaction are handed to the broadcaster when it commits and
dropped if it rolls back. The broadcaster coalesces bursts: events for the same rooms
within a short window leave as one ``events`` message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from ..logs import failure
from .protocol import ServerMessage

log = logging.getLogger(__name__)

PENDING_KEY = "fabrique.pending_events"
EXTENSION_KEY = "fabrique.broadcaster"

Rooms = tuple[str, ...]
Item = tuple[Rooms, dict[str, Any]]


def queue(
    session: Session | scoped_session[Any], rooms: Iterable[str], wire: dict[str, Any]
) -> None:
    session.info.setdefault(PENDING_KEY, []).append((tuple(rooms), wire))


def install(session_class: type[Session]) -> None:
    """Hook the commit and rollback of every session of this class (done once)."""
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_soft_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    items = session.info.pop(PENDING_KEY, None)
    if items:
        current_app.extensions[EXTENSION_KEY].publish(items)


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING_KEY, None)


def pending(session: Session | scoped_session[Any], room: str) -> list[dict[str, Any]]:
    """The events queued in the current transaction for ``room``, as they will go out."""
    return [wire for rooms, wire in session.info.get(PENDING_KEY) or [] if room in rooms]


def pending_head(session: Session | scoped_session[Any]) -> int | None:
    """The highest sequence number queued in the current transaction, if any."""
    items = session.info.get(PENDING_KEY) or []
    return max((wire["seq"] for _, wire in items), default=None)


class Broadcaster:
    """Emits committed events to their rooms, coalescing those that arrive together."""

    def __init__(self, socketio: Any, window_ms: int) -> None:
        self.socketio = socketio
        self.window = window_ms / 1000
        self._buffer: list[Item] = []
        self._lock = threading.Lock()
        self._scheduled = False

    def publish(self, items: list[Item]) -> None:
        if self.window <= 0:
            self._emit(items)
            return
        with self._lock:
            self._buffer.extend(items)
            if self._scheduled:
                return
            self._scheduled = True
        self.socketio.start_background_task(self._flush_later)

    def _flush_later(self) -> None:
        self.socketio.sleep(self.window)
        with self._lock:
            items, self._buffer, self._scheduled = self._buffer, [], False
        self._emit(items)

    def _emit(self, items: list[Item]) -> None:
        by_rooms: dict[Rooms, list[dict[str, Any]]] = {}
        for rooms, group in groupby(items, key=lambda item: item[0]):
            by_rooms.setdefault(rooms, []).extend(wire for _, wire in group)
        for rooms, events in by_rooms.items():
            events.sort(key=lambda wire: wire["seq"])
            try:
                self.socketio.emit(ServerMessage.EVENTS, {"events": events}, to=list(rooms))
            except Exception as error:  # the log is the truth: clients heal through heartbeats
                log.error(
                    "could not publish %d events to %s: %s", len(events), rooms, failure(error)
                )
