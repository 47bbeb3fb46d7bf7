"""Which connections the live channel keeps: a socket must join a workshop within a few
seconds, and one client address may hold only so many sockets that have not joined.

Sockets are counted from the Engine.IO handshake, before any Socket.IO packet, so a
client that opens connections and then says nothing is counted too. Joined sockets are
not counted against their address: a room of phones behind one Wi-Fi address joins
whole, while an idle flood from one address holds at most ``per_address`` sockets for at
most ``join_seconds`` each. A socket whose ``join`` is being answered is not cut.

Cutting a socket shuts its TCP connection down, not only its Engine.IO session: a client
that ignores the WebSocket closing handshake would otherwise keep the connection, and
its place in the worker, for as long as it likes.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from ..logs import failure

log = logging.getLogger(__name__)

# Where the WSGI servers we run under put a request's socket (gunicorn, werkzeug).
RAW_SOCKET_KEYS = ("gunicorn.socket", "werkzeug.socket")


@dataclass
class Waiting:
    """A connection that has not joined yet."""

    address: str
    deadline: float
    sockets: list[Any] = field(default_factory=list)  # its TCP connections, when known
    busy: int = 0  # joins being answered


class Admission:
    """Engine.IO sessions that have not joined yet, by address, with their deadlines."""

    def __init__(
        self, join_seconds: float, per_address: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.join_seconds, self.per_address, self.clock = join_seconds, per_address, clock
        self.waiting: dict[str, Waiting] = {}
        self.admitted: dict[str, Waiting] = {}  # joined, kept to rearm should they leave
        self.by_address: Counter[str] = Counter()
        self.lock = threading.Lock()

    def arrive(self, eio_sid: str, address: str, raw: Any = None) -> bool:
        """A new connection: False (refused) when its address holds enough unjoined ones."""
        with self.lock:
            if self.by_address[address] >= self.per_address:
                return False
            entry = Waiting(address, self.clock() + self.join_seconds)
            entry.sockets += [raw] if raw is not None else []
            self.waiting[eio_sid] = entry
            self.by_address[address] += 1
            return True

    def attach(self, eio_sid: str, raw: Any) -> None:
        """Another TCP connection of a waiting session (its WebSocket upgrade)."""
        with self.lock:
            entry = self.waiting.get(eio_sid) or self.admitted.get(eio_sid)
            if entry is not None:
                entry.sockets.append(raw)

    @contextlib.contextmanager
    def answering(self, eio_sid: str) -> Iterator[None]:
        """While a join is answered (a busy database may take a while), no deadline."""
        self._busy(eio_sid, +1)
        try:
            yield
        finally:
            self._busy(eio_sid, -1)

    def _busy(self, eio_sid: str, change: int) -> None:
        with self.lock:
            entry = self.waiting.get(eio_sid)
            if entry is not None:
                entry.busy += change

    def admit(self, eio_sid: str) -> None:
        """The connection joined a workshop: no deadline, and its address's place is free."""
        with self.lock:
            entry = self.waiting.pop(eio_sid, None)
            if entry is not None:
                self._release(entry.address)
                self.admitted[eio_sid] = entry

    def rearm(self, eio_sid: str) -> None:
        """A joined connection left its workshop (a new ``join`` begins, which may be
        refused): it waits again, with a new deadline, in its address's count."""
        with self.lock:
            entry = self.admitted.pop(eio_sid, None)
            if entry is not None:
                entry.deadline = self.clock() + self.join_seconds
                self.waiting[eio_sid] = entry
                self.by_address[entry.address] += 1

    def leave(self, eio_sid: str) -> None:
        """The connection is gone."""
        with self.lock:
            self.admitted.pop(eio_sid, None)
            entry = self.waiting.pop(eio_sid, None)
            if entry is not None:
                self._release(entry.address)

    def overdue(self) -> dict[str, Waiting]:
        """Idle connections past their deadline, forgotten here as they are returned."""
        now = self.clock()
        with self.lock:
            late = {
                sid: entry
                for sid, entry in self.waiting.items()
                if entry.deadline <= now and not entry.busy
            }
            for sid, entry in late.items():
                del self.waiting[sid]
                self._release(entry.address)
        return late

    def _release(self, address: str) -> None:
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]


def raw_socket(environ: dict[str, Any]) -> Any:
    return next((environ[key] for key in RAW_SOCKET_KEYS if key in environ), None)


def install(server: Any, admission: Admission, on_arrival: Callable[[], None]) -> None:
    """Put ``admission`` in front of a python-socketio server's Engine.IO events.

    Refusing in Engine.IO's ``connect`` handler answers the handshake with 401 (or closes
    the WebSocket) before any Socket.IO state exists. ``on_arrival`` runs for every
    accepted connection (it starts the loop that cuts the overdue ones).
    """
    eio = server.eio
    connect, disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

    def arrived(eio_sid: str, environ: dict[str, Any]) -> Any:
        direct = "transport=websocket" in environ.get("QUERY_STRING", "")
        raw = raw_socket(environ) if direct else None  # a polling request's socket is reused
        if not admission.arrive(eio_sid, environ.get("REMOTE_ADDR") or "", raw):
            return False
        on_arrival()
        return connect(eio_sid, environ)

    def left(eio_sid: str, *args: Any) -> Any:
        admission.leave(eio_sid)
        return disconnect(eio_sid, *args)

    eio.on("connect", arrived)
    eio.on("disconnect", left)


def middleware(wsgi_app: Callable[..., Any], admission: Admission) -> Callable[..., Any]:
    """Note the TCP connection of a waiting session's WebSocket upgrade (a request naming
    its Engine.IO session), so that cutting the session closes it too."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            sid = parse_qs(environ.get("QUERY_STRING", "")).get("sid")
            raw = raw_socket(environ)
            if sid and raw is not None:
                admission.attach(sid[0], raw)
        return wsgi_app(environ, start_response)

    return app


def cut_overdue(server: Any, admission: Admission) -> int:
    """Close every connection that has not joined in time; how many were cut."""
    late = admission.overdue()
    for eio_sid, entry in late.items():
        try:
            _cut(server.eio, eio_sid, entry)
        except Exception as error:  # one odd session must not spare the others
            log.warning("could not cut an idle connection: %s", failure(error))
    return len(late)


def _cut(eio: Any, eio_sid: str, entry: Waiting) -> None:
    session = eio.sockets.pop(eio_sid, None)
    if session is not None:  # never wait: a silent client would hold the caller
        session.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
    for raw in entry.sockets:
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_RDWR)
