"""What the logs may say about a failure: its type and where it happened, never its
message — a database error's message can quote the row someone typed."""

from __future__ import annotations

import traceback


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
