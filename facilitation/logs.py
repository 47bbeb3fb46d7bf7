"""What the logs may say about a failure: its type and where it happened, never its
message — a database error's message can quote the row someone typed. And the request id
every line of a request carries (gunicorn.conf.py formats the lines)."""

from __future__ import annotations

import hashlib
import re
import traceback
import uuid

from flask import Flask, Response, g, has_request_context, request


def failure(error: BaseException) -> str:
    """'sqlalchemy.exc.IntegrityError (from psycopg.errors.NotNullViolation) at
    services.py:88 post_note <- events.py:25 post_note <- …' — no message, no values."""
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    cause = error.__cause__ or error.__context__
    if cause is not None:
        kind += f" (from {type(cause).__module__}.{type(cause).__qualname__})"
    frames = traceback.extract_tb(error.__traceback__)[-8:]
    where = " <- ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(frames)
    )
    return f"{kind} at {where}" if where else kind


# nginx's $request_id (32 hex digits), or any id of that shape a proxy passes on.
GIVEN_ID = re.compile(r"[0-9a-fA-F]{16,64}")


def request_id() -> str:
    """The id the log's lines of this request carry (gunicorn.conf.py): the HTTP request's,
    or for a socket's events a digest of its session id (the id itself opens the session)."""
    if not has_request_context():
        return "-"
    sid = getattr(request, "sid", None)
    if sid:
        return "s-" + hashlib.sha256(str(sid).encode()).hexdigest()[:16]
    return str(g.get("request_id", "-"))


def init_app(app: Flask) -> None:
    @app.before_request
    def name_request() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if GIVEN_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def tell_request(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        return response
