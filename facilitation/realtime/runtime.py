"""The live channel's per-process machinery: connections, presence, heartbeat, broadcaster."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from redis import BlockingConnectionPool, Redis

from .. import metrics
from ..auth import Actor
from ..extensions import db
from ..logs import failure
from . import admission, eventlog, limits, publish
from .busy import Pace, Turn
from .limits import SocketLimits
from .presence import Connections, MemoryPresence, RedisPresence
from .protocol import ServerMessage, staff_room, workshop_room

log = logging.getLogger(__name__)

RUNTIME_KEY = "fabrique.realtime"
TICK_SECONDS = 1.0


# Checks a feature adds on this process's joined sockets at every heartbeat: each takes
# the sockets and their actors and names those that may no longer be there (a staff
# screen whose sign-in ended: workshops/events.py). Those sockets are disconnected.
Sweep = Callable[[dict[str, Actor]], list[str]]
SWEEPS: list[Sweep] = []


def sweep(check: Sweep) -> Sweep:
    SWEEPS.append(check)
    return check


class Runtime:
    """Joins and leaves, presence counts, and the heartbeat that lets clients spot gaps."""

    def __init__(self, app: Flask, socketio: Any) -> None:
        self.app, self.socketio = app, socketio
        self.connections = Connections()
        url = app.config.get("REDIS_URL")
        # A crowd joining at once must wait for a connection, not fail for want of one
        # (the default pool raised "Too many connections" and presence went wrong).
        max_connections = int(app.config.get("REDIS_MAX_CONNECTIONS", 64))
        self.redis = (
            Redis(
                connection_pool=BlockingConnectionPool.from_url(
                    url,
                    max_connections=max_connections,
                    timeout=5,
                    socket_timeout=5,
                    socket_connect_timeout=5,
                )
            )
            if url
            else None
        )
        self.prefix = f"fabrique:{app.config['SOCKETIO_CHANNEL']}"
        self.presence: MemoryPresence | RedisPresence = (
            RedisPresence(self.redis, self.prefix, self.connections)
            if self.redis
            else MemoryPresence(self.connections)
        )
        self.limits = SocketLimits(
            # A pool of their own, with a short timeout: a group's budgets are checked
            # while its workshop's turn is held, and a Redis that hangs must not hold it
            # for the 5 s that presence and pages may wait (limits.py, TIMEOUT_SECONDS).
            limits.redis_client(url, max_connections) if url else None,
            self.prefix,
            app.config["SOCKET_COMMAND_LIMITS"],
            app.config["SOCKET_QUERY_LIMITS"],
            app.config["SOCKET_PAGE_LIMITS"],
        )
        self.admission = admission.Admission(
            float(app.config["SOCKET_JOIN_SECONDS"]), int(app.config["SOCKET_UNJOINED_PER_ADDRESS"])
        )
        self.heartbeat_seconds = float(app.config["HEARTBEAT_SECONDS"])
        self._dirty: set[int] = set()
        self.queue_limit = float(app.config["COMMAND_QUEUE_MS"]) / 1000
        self.pace = Pace()
        self.gather = gathering_pause(app.config)
        self._turns: dict[int, Turn] = {}
        self._started = False
        self._lock = threading.Lock()
        self._last_heartbeat = 0.0

    def turn(self, workshop_id: int) -> Turn:
        """This process's turn to change a workshop, and its queue."""
        with self._lock:
            turn = self._turns.get(workshop_id)
            if turn is None:
                turn = self._turns[workshop_id] = Turn(
                    workshop_id, self.queue_limit, self.pace, self.socketio.sleep, self.gather
                )
            return turn

    def writer(self, workshop_id: int) -> contextlib.AbstractContextManager[None]:
        """Hold a workshop's turn in this process, never refused (work of the server's
        own, which no screen would send again)."""
        return self.turn(workshop_id).taken(refusable=False)

    def eio_sid(self, sid: str) -> str:
        """The Engine.IO session under a Socket.IO one ("" once it is gone)."""
        return self.socketio.server.manager.eio_sid_from_sid(sid, "/") or ""

    def joined(self, sid: str, actor: Actor) -> None:
        self.connections.add(sid, actor)
        if actor.participant_id is not None:
            self.presence.touch({actor.workshop_id: {actor.participant_id}})
            self._dirty.add(actor.workshop_id)
        self.ensure_background()

    def left(self, sid: str) -> None:
        actor = self.connections.remove(sid)
        if actor and actor.participant_id is not None:
            self.presence.forget(actor.workshop_id, actor.participant_id)
            self._dirty.add(actor.workshop_id)

    def actor(self, sid: str) -> Actor | None:
        return self.connections.get(sid)

    def participant_count(self, workshop_id: int) -> int:
        return self.presence.count(workshop_id)

    def ensure_background(self) -> None:
        if not self.app.config["REALTIME_BACKGROUND"]:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
        self.socketio.start_background_task(self._loop)
        self.socketio.start_background_task(self.pace.watch, self.socketio.sleep)

    def _loop(self) -> None:
        with self.app.app_context():
            while True:
                self.socketio.sleep(TICK_SECONDS)
                try:  # first, and apart: it must go on while the database or Redis is away
                    admission.cut_overdue(self.socketio.server, self.admission)
                except Exception as error:
                    log.error("cutting idle connections failed: %s", failure(error))
                try:
                    self.tick()
                except Exception as error:  # a bad tick must not end the heartbeat
                    log.error("realtime tick failed: %s", failure(error))
                finally:
                    db.session.remove()

    def tick(self, now: float | None = None) -> None:
        """Refresh presence, announce changed counts, and beat when it is time."""
        now = time.monotonic() if now is None else now
        self.presence.touch(self.connections.participants())
        dirty, self._dirty = self._dirty, set()
        for workshop_id in dirty:
            self.emit_presence(workshop_id)
        if now - self._last_heartbeat >= self.heartbeat_seconds:
            self._last_heartbeat = now
            self.sweep()
            self.beat(sorted(self.connections.workshops()))

    def sweep(self) -> None:
        """Disconnect the sockets a feature's sweep names: their screen reconnects, and its
        ``join`` is refused if it may no longer be there. Until then it receives nothing."""
        joined = self.connections.all()
        gone = {sid for check in SWEEPS for sid in check(joined)} if joined else set()
        db.session.remove()
        for sid in gone:
            self.left(sid)
            self.socketio.server.disconnect(sid, namespace="/")

    def emit_presence(self, workshop_id: int) -> None:
        """The new count, at once, to the staff screens (board, control page). Phones read
        it from the next heartbeat: sent to the whole room, a crowd joining or phones
        waking made every phone receive a message a second (2,000 frames a second
        written by a plenary's process for a figure in a phone's corner)."""
        payload = {"participants": self.participant_count(workshop_id)}
        self.socketio.emit(ServerMessage.PRESENCE, payload, to=staff_room(workshop_id))

    def beat(self, workshop_ids: list[int]) -> None:
        """Tell this process's screens each workshop's head sequence numbers.

        Each process beats for its own sockets, straight to them: the beat must not
        travel through Redis, since it is how screens notice what Redis failed to carry.
        """
        if not workshop_ids:
            return
        heads = eventlog.heads_of(workshop_ids)
        db.session.remove()
        for workshop_id, (head, public_head) in heads.items():
            payload = {
                "head": head,
                "public_head": public_head,
                "participants": self.participant_count(workshop_id),
                "now": time.time(),
            }
            self.socketio.emit(
                ServerMessage.HEARTBEAT, payload, to=workshop_room(workshop_id), ignore_queue=True
            )


def gathering_pause(config: Any) -> float:
    """The longest the first of a workshop's close commands waits for the next ones
    (``COMMAND_GATHER_MS``; unset: 25 ms, on SQLite as on PostgreSQL: realtime/busy.py,
    Turn._pause), in seconds."""
    gather = config["COMMAND_GATHER_MS"]
    return (25.0 if gather is None else float(gather)) / 1000


def init_app(app: Flask, socketio: Any) -> None:
    publish.install(FlaskSession)
    live = app.extensions[RUNTIME_KEY] = Runtime(app, socketio)
    admission.install(socketio.server, live.admission, live.ensure_background)
    app.wsgi_app = admission.middleware(app.wsgi_app, live.admission)  # type: ignore[method-assign]
    app.extensions[publish.EXTENSION_KEY] = publish.Broadcaster(socketio, app.config["COALESCE_MS"])
    metrics.watch(live.connections.all, socketio.server.manager)


def runtime() -> Runtime:
    return current_app.extensions[RUNTIME_KEY]
