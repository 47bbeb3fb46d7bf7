"""Column types and helpers shared by every feature's models."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Table, insert
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import manager_of_class
from sqlalchemy.orm.util import identity_key
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")
M = TypeVar("M")
T = TypeVar("T")


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


def as_loaded(session: Session, model: type[M], values: dict[str, Any]) -> M:
    """An object of ``model`` put in ``session`` as the ORM puts a row it has just read:
    made without its constructor (which sets each attribute through its events), holding
    ``values`` (every column) as they are, unchanged. What the caller did not read back
    from the database must be what the row holds."""
    instance: M = manager_of_class(model).new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def per_transaction(session: Session, key: str, make: Callable[[], T]) -> T:
    """A value kept in ``session.info[key]`` for the session's current transaction: made
    again (``make``) once that transaction has ended, committed or rolled back."""
    transaction = session.get_transaction()
    held = session.info.get(key)
    if held is None or held[0] is not transaction:
        held = session.info[key] = (transaction, make())
    return held[1]  # type: ignore[no-any-return]


def inserted(session: Session, model: type[M], values: dict[str, Any]) -> M:
    """A new row of ``model`` written by one plain INSERT on the session's connection, as
    a loaded object: the unit of work's flush (change tracking, dependency sorting, the
    mapper's events) was the largest share of a note's time. ``values`` need not name
    the columns with a default given in Python (a constant); the id comes back from the
    INSERT. No mapper event fires: what listens for the model's inserts must be told."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    row = {**_column_defaults(table), **values}
    row["id"] = session.connection().execute(_returning_id(table), row).scalar_one()
    stale = session.identity_map.get(identity_key(model, row["id"]))
    if stale is not None:  # a deleted row's object: SQLite hands out its id again
        session.expunge(stale)
    return as_loaded(session, model, row)


_DEFAULTS: dict[str, dict[str, Any]] = {}
_INSERTS: dict[str, Any] = {}


def _column_defaults(table: Table) -> dict[str, Any]:
    """Each column but the id, with its constant default (None where it has none)."""
    defaults = _DEFAULTS.get(table.name)
    if defaults is None:
        defaults = _DEFAULTS[table.name] = {
            column.key: column.default.arg
            if column.default is not None and column.default.is_scalar
            else None
            for column in table.columns
            if column.key != "id"
        }
    return defaults


def _returning_id(table: Table) -> Any:
    statement = _INSERTS.get(table.name)
    if statement is None:
        statement = _INSERTS[table.name] = insert(table).returning(table.c.id)
    return statement


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
