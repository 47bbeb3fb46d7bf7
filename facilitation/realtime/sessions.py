"""The Flask session of a socket's events: opened from the cookie once per socket.

Flask opens the session cookie (its signature checked, its JSON decoded) for each
request context it pushes. Flask-SocketIO pushes one for every event of a socket, then
replaces that session with the socket's own copy, taken at its first event
(``manage_session``): every later event paid for a cookie it threw away — 3 % of a
note's time in the worker. Here an event whose socket already has its copy is given
that copy at once: what the handlers see is what they saw before.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface

# Where Flask-SocketIO keeps a socket's copy of the session, in the socket's WSGI environ.
SOCKET_SESSION = "saved_session"


class SocketSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a socket's copy for its events after the first."""

    def open_session(self, app: Flask, request: Request) -> Any:
        kept = request.environ.get(SOCKET_SESSION)
        if kept is not None:
            return kept
        return super().open_session(app, request)
