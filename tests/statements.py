"""The SQL statements a block of a test sends to the database, as the driver gets them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from facilitation.extensions import db


@contextmanager
def statements() -> Iterator[list[str]]:
    """The statements sent while the block runs (filled as they go)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
