"""Every WebSocket write completes: the WebSocket layer gets a socket whose ``send`` sends
every byte.

python-engineio serves WebSockets with simple-websocket when gevent-websocket is absent
(under gevent, and under threading in tests). simple-websocket 1.1.0 writes each frame with
one ``self.sock.send(frame)`` and ignores the count it returns (upstream issue
miguelgrinberg/simple-websocket#45; its main branch still does). Under gevent the socket is
non-blocking underneath: ``send`` writes what the kernel's buffer takes — a few hundred
kilobytes on a fast link, a few on a slow one — and returns. The rest of the frame is
lost, the next frame's header lands inside its payload, and the client sees a corrupt
stream: a big snapshot never arrived whole, and a slow reader lost messages.

Every write simple-websocket makes (frames, pongs, close frames) goes through the socket it
takes from the WSGI environ (``gunicorn.socket``, or ``werkzeug.socket`` on the development
server). So the fix sits there, outside the library and without patching it: for a
WebSocket upgrade, the environ carries the same socket wrapped so that ``send`` is
``sendall``. Writes take a lock, one frame at a time: simple-websocket's reading thread
answers pings while Engine.IO's writer sends frames, and a ``sendall`` that yields halfway
must not let a pong land inside a frame. If simple-websocket loops on partial sends one
day, this stays correct (``send`` reports every byte sent) and can go.

The same layer declines the WebSocket's compression (permessage-deflate): it drops the
``Sec-WebSocket-Extensions`` offer from the upgrade's environ, so simple-websocket, which
accepts whatever the client offers, answers without it. What a socket carries is small
events (a note, a tally, a presence count: a few hundred bytes each); what is big for a
phone (the room's notes after a phase change) goes over HTTP, compressed once for the
whole room. A staff screen's snapshot still comes over its socket, once per join (about
260 KB for 500 notes), on the venue's network. Per
socket, the compression kept a deflate state (a worker with 2,000 phones held 542 MB,
316 MB without) and compressed every message on its own, to save a few hundred bytes:
7 % of the server's time a note in silent writing (docs/performance.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

SOCKET_KEYS = ("gunicorn.socket", "werkzeug.socket")
EXTENSIONS_OFFER = "HTTP_SEC_WEBSOCKET_EXTENSIONS"


class CompleteWrites:
    """A socket whose ``send`` returns only once every byte is written, one call at a time."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        # Looked up now, not at import: under gunicorn's gevent worker, a cooperative lock.
        self._lock = threading.Lock()

    def send(self, data: bytes, flags: int = 0) -> int:
        with self._lock:
            self._sock.sendall(data, flags)
        return len(data)

    def sendall(self, data: bytes, flags: int = 0) -> None:
        self.send(data, flags)

    def __getattr__(self, name: str) -> Any:  # recv, close, fileno…: the socket's own
        return getattr(self._sock, name)


class CompleteWebSocketWrites:
    """WSGI middleware: a WebSocket upgrade's socket, as the WebSocket layer finds it in the
    environ, writes completely, and the upgrade offers no compression."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            environ = dict(environ)
            environ.pop(EXTENSIONS_OFFER, None)
            for key in SOCKET_KEYS:
                if key in environ:
                    environ[key] = CompleteWrites(environ[key])
        return self.app(environ, start_response)
