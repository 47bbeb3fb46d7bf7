"""Publish after commit, through one function: events wait in the session until it commits.

Events queued during a transaction are handed to the broadcaster when it commits and
dropped if it rolls back. The broadcaster coalesces bursts: events for the same rooms
within a short window leave as one ``events`` message.

Scaled out, each process's batch crosses Redis to every process, and each process
coalesces again what reaches its own sockets (``QueueManager``): a phone receives one
message a window however many processes published in it, where it received one from
each. The windows are slots of the clock: a process publishes at the slot's start and
delivers half a window later, once its peers' batches of that slot have arrived.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import socketio
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


def pending_count(session: Session | scoped_session[Any]) -> int:
    """How many events the current transaction has queued so far."""
    return len(session.info.get(PENDING_KEY) or ())


def pending_types(session: Session | scoped_session[Any]) -> Counter[str]:
    """How many events of each type the current transaction has queued so far."""
    return Counter(wire["type"] for _, wire in session.info.get(PENDING_KEY) or ())


def pending_head(session: Session | scoped_session[Any], since: int = 0) -> int | None:
    """The highest sequence number queued in the current transaction, if any; of the
    events queued after the first ``since`` only (one command's, among others')."""
    items = (session.info.get(PENDING_KEY) or [])[since:]
    return max((wire["seq"] for _, wire in items), default=None)


def until_slot(window: float, offset: float = 0.0, now: float | None = None) -> float:
    """Seconds until the clock next reads ``offset`` past a multiple of ``window``: every
    process of a deployment cuts time into the same slots."""
    now = time.time() if now is None else now
    return (offset - now) % window


class Coalescer:
    """Holds items for a window, then hands them over together (to ``emit``)."""

    def __init__(
        self,
        emit: Callable[[list[Item]], None],
        window_ms: float,
        start: Callable[..., Any],
        sleep: Callable[[float], Any],
        delay: Callable[[], float] | None = None,
    ) -> None:
        self.emit, self.start, self.sleep = emit, start, sleep
        self.window = window_ms / 1000
        self.delay = delay or (lambda: self.window)
        self._buffer: list[Item] = []
        self._lock = threading.Lock()
        self._scheduled = False

    def add(self, items: Iterable[Item]) -> None:
        if self.window <= 0:
            self.emit(list(items))
            return
        with self._lock:
            self._buffer.extend(items)
            if self._scheduled:
                return
            self._scheduled = True
        self.start(self._flush_later)

    def _flush_later(self) -> None:
        self.sleep(self.delay())
        with self._lock:
            items, self._buffer, self._scheduled = self._buffer, [], False
        self.emit(items)


def deliver(manager: Any, items: list[Item]) -> None:
    """Send each socket of this process, in one ``events`` message, every event of
    ``items`` addressed to any of its rooms, in ``seq`` order.

    A board is in the staff room, which every note of silent writing is addressed to
    with its author's room: one message per set of rooms sent the board one message a
    note. Here the sockets of the largest room that are in no other room addressed
    receive its events as one message, encoded once; the others (few: a board, the
    authors) are gathered by the rooms they are in, one message encoded per gathering.
    """
    by_room: dict[str, dict[int, dict[str, Any]]] = {}
    for rooms, wire in items:
        for room in rooms:
            by_room.setdefault(room, {})[wire["seq"]] = wire
    namespace = manager.rooms.get("/", {})
    # Each room as python-socketio keeps it (sid -> Engine.IO sid): the crowd's is only
    # looked into, never copied, unless some of its sockets are elsewhere too.
    present = {room: namespace[room] for room in by_room if namespace.get(room)}
    if not present:
        return
    largest = max(present, key=lambda room: len(present[room]))
    crowd = present[largest]
    elsewhere: dict[str, list[str]] = {}  # a socket of the other rooms: its rooms addressed
    for room, sockets in present.items():
        if room != largest:
            for sid in list(sockets):
                elsewhere.setdefault(sid, []).append(room)
    gatherings: dict[tuple[str, ...], list[str]] = {}
    for sid, addressed in elsewhere.items():
        if sid in crowd:
            addressed.append(largest)
        gatherings.setdefault(tuple(sorted(addressed)), []).append(sid)
    if not any(sid in crowd for sid in elsewhere):
        _send(manager, by_room[largest].values(), largest)
    else:
        alone = [sid for sid in list(crowd) if sid not in elsewhere]
        _send(manager, by_room[largest].values(), alone)
    for rooms, sids in gatherings.items():
        merged = {seq: wire for room in rooms for seq, wire in by_room[room].items()}
        _send(manager, merged.values(), sids)


def _send(manager: Any, events: Iterable[dict[str, Any]], to: str | list[str]) -> None:
    if not to:
        return
    ordered = sorted(events, key=lambda wire: wire["seq"])
    try:
        manager.emit(
            ServerMessage.EVENTS, {"events": ordered}, namespace="/", room=to, ignore_queue=True
        )
    except Exception as error:  # the log is the truth: clients heal through heartbeats
        log.error("could not send %d events: %s", len(ordered), failure(error))


class Broadcaster:
    """Hands committed events to their sockets, coalescing those that arrive together.

    Without a queue they go straight to this process's sockets (``deliver``). Scaled
    out, the window ends at the clock's next slot, when every process publishes its
    batch through Redis, one message for all its rooms (``QueueManager``)."""

    def __init__(self, socketio: Any, window_ms: int) -> None:
        manager = socketio.server.manager
        queued = isinstance(manager, QueueManager)
        window = window_ms / 1000
        self._coalescer = Coalescer(
            manager.publish_batch if queued else functools.partial(deliver, manager),
            window_ms,
            socketio.start_background_task,
            socketio.sleep,
            (lambda: until_slot(window) or window) if queued else None,
        )

    def publish(self, items: list[Item]) -> None:
        self._coalescer.add(items)


# The room no socket is ever in that a process's batch is published to: a process that
# does not know batches (a rolling upgrade) sends it to no one.
BATCH_ROOM = "fabrique:batch"


class QueueManager(socketio.RedisManager):  # type: ignore[misc]
    """Redis as the message queue, with this process's deliveries of events coalesced.

    python-socketio hands each message from Redis (and each of this process's own) to
    this process's sockets as it comes: with two processes publishing, a phone received
    a message from each a window, and a board one per note. Here each process publishes
    its window's events as one message (``publish_batch``); every process gathers the
    batches of a slot until half a window past it, then ``deliver``s them to its own
    sockets. Every other message passes as before."""

    def __init__(self, url: str, channel: str, window_ms: int) -> None:
        super().__init__(url, channel=channel)
        self.window_ms = window_ms
        self._delivery: Coalescer | None = None

    def delivery(self) -> Coalescer:
        if self._delivery is None:
            window = self.window_ms / 1000
            self._delivery = Coalescer(
                functools.partial(deliver, self),
                self.window_ms,
                self.server.start_background_task,
                self.server.sleep,
                lambda: until_slot(window, window / 2),
            )
        return self._delivery

    def publish_batch(self, items: list[Item]) -> None:
        self.delivery().add(items)
        message = {
            "method": "emit",
            "event": ServerMessage.EVENTS.value,
            "data": [{"items": [[list(rooms), wire] for rooms, wire in items]}],
            "namespace": "/",
            "room": BATCH_ROOM,
            "skip_sid": None,
            "callback": None,
            "host_id": self.host_id,
        }
        self._publish(message)

    def _handle_emit(self, message: dict[str, Any]) -> None:
        if message.get("room") != BATCH_ROOM:
            super()._handle_emit(message)
            return
        items = _batch_items(message.get("data"))
        if items:
            self.delivery().add(items)


def _batch_items(data: Any) -> list[Item]:
    """The items of a batch as ``publish_batch`` sends them (anything else: none)."""
    if not (isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)):
        return []
    items: list[Item] = []
    for entry in data[0].get("items") or []:
        if not (isinstance(entry, list) and len(entry) == 2):
            return []
        rooms, wire = entry
        if not (isinstance(rooms, list) and all(isinstance(room, str) for room in rooms)):
            return []
        if not (isinstance(wire, dict) and isinstance(wire.get("seq"), int)):
            return []
        items.append((tuple(rooms), wire))
    return items
