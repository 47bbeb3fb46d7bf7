"""Column types and helpers shared by every feature's models."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are not stored; use facilitation.database.utcnow().")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@contextmanager
def unit_of_work(*workshop_ids: int) -> Iterator[None]:
    """One transaction for one command outside the socket edge (HTTP API, forms, CLI):
    committed if the block succeeds, rolled back if it raises. It begins with the turn of
    the workshops it changes, as socket commands do (realtime/eventlog.py: take_turn):
    what the edge read before is read again in the turn. On SQLite it takes the write
    lock when it begins (see extensions.py)."""
    from .extensions import WRITE_INTENT, db
    from .realtime.eventlog import take_turn

    token = WRITE_INTENT.set(True)
    try:
        if workshop_ids:
            take_turn(*workshop_ids)
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        WRITE_INTENT.reset(token)
