"""The request context of a socket's events: its session opened from the cookie once per
socket, and its address never matched against the app's routes.

Flask opens the session cookie (its signature checked, its JSON decoded) for each
request context it pushes. Flask-SocketIO pushes one for every event of a socket, then
replaces that session with the socket's own copy, taken at its first event
(``manage_session``): every later event paid for a cookie it threw away — 3 % of a
note's time in the worker. Here an event whose socket already has its copy is given
that copy at once: what the handlers see is what they saw before.

Flask also matches each context's address against the app's routes as it pushes it. A
socket's events all carry the Socket.IO address, which no route serves: each event paid
for a miss (3.4 % of a dot's time in the worker, py-spy) and an exception. An event whose
socket has its copy of the session is given the miss at once (``SocketEventContext``).
And it binds the app's routes to each context's address, for ``url_for``: a socket's
events share one environ, so they share the first one's binding (2 % of a note's time).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.ctx import RequestContext
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import NotFound
from werkzeug.routing import MapAdapter

# Where Flask-SocketIO keeps a socket's copy of the session, in the socket's WSGI environ.
SOCKET_SESSION = "saved_session"
# Where a request keeps the app's routes bound to its address, in its WSGI environ (a
# socket's: for all its events).
URL_ADAPTER = "fabrique.url_adapter"


class SocketSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a socket's copy for its events after the first."""

    def open_session(self, app: Flask, request: Request) -> Any:
        kept = request.environ.get(SOCKET_SESSION)
        if kept is not None:
            return kept
        return super().open_session(app, request)


class SocketEventContext(RequestContext):
    """Flask's request context, whose address is not matched for a socket's later events
    (no route serves the Socket.IO address: matching it gave ``NotFound``)."""

    def match_request(self) -> None:
        if SOCKET_SESSION in self.request.environ:
            self.request.routing_exception = NotFound()
            return
        super().match_request()


def install(app: Flask) -> None:
    """Give the app these sessions, and these contexts to every request of it (the pages'
    as the sockets': only a socket's later events skip the matching; the routes are bound
    once per environ, a page's or a socket's)."""
    app.session_interface = SocketSessions()
    app.request_context = lambda environ: SocketEventContext(app, environ)  # type: ignore[method-assign]
    bind = app.create_url_adapter

    def bound(request: Request | None) -> MapAdapter | None:
        if request is None:
            return bind(request)
        adapter: MapAdapter | None = request.environ.get(URL_ADAPTER)
        if adapter is None:
            adapter = request.environ[URL_ADAPTER] = bind(request)
        return adapter

    app.create_url_adapter = bound  # type: ignore[method-assign]
