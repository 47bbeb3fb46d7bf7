"""Column types and helpers shared by every feature's models."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    cast,
    column,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql
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


NAIVE = "Naive datetimes are not stored; use facilitation.database.utcnow()."


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(NAIVE)
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


def inserted_ahead(session: Session, model: type[M], values: dict[str, Any], expected: int) -> M:
    """As ``inserted``, for one of the ``expected`` rows of ``model`` this transaction
    is to insert in all (a burst of notes carried out together). Where the database has
    sequences, the ids of the rows still to come are taken at once, in one statement,
    and the rows are written together, in one statement, just before the connection's
    next statement, whatever it is, ORM or plain (so nothing reads or changes the table
    without them), or as the transaction commits: n rows cost two round trips, not n.
    Elsewhere (SQLite, in the process: a statement costs no round trip), and for the
    last row expected, the row is inserted at once."""
    connection = session.connection()
    if not connection.dialect.supports_sequences:
        return inserted(session, model, values)
    table: Table = model.__table__  # type: ignore[attr-defined]
    ahead = _ahead_of(connection)
    ids = ahead.ids.setdefault(table.name, [])
    if not ids:
        count = expected - ahead.taken.get(table.name, 0)
        if count <= 1:
            return inserted(session, model, values)
        taken = connection.execute(_next_ids(table), {"count": count}).scalars()
        ids.extend(sorted(taken, reverse=True))  # handed out in order, the lowest first
    ahead.taken[table.name] = ahead.taken.get(table.name, 0) + 1
    row = {**_column_defaults(table), **values, "id": ids.pop()}
    ahead.rows.setdefault(table, []).append(row)
    instance = as_loaded(session, model, row)
    ahead.held.append(instance)  # the identity map is weak: the object is the row for now
    session.info[AHEAD_KEY] = connection
    return instance


def next_ids(table: Table, count: str) -> Any:
    """A column of ids the table's sequence hands out, as many as the parameter ``count``
    says, in one array: a statement that has to run anyway (a workshop's turn) takes the
    ids of the rows its transaction will insert (``ids_taken``)."""
    nextval, series = _numbering(table, count)
    return select(func.array_agg(nextval)).select_from(series).scalar_subquery()


def _numbering(table: Table, count: str) -> tuple[Any, Any]:
    """The table's next id, and a series as long as the parameter ``count``."""
    sequence = func.pg_get_serial_sequence(table.name, "id")
    return func.nextval(sequence), func.generate_series(1, bindparam(count))


def ids_taken(session: Session, table: Table, ids: list[int]) -> None:
    """Ids of ``table``'s sequence taken for this transaction: the rows it inserts ahead
    (``inserted_ahead``) take them, the lowest first, before asking for more."""
    ahead = _ahead_of(session.connection())
    ahead.ids.setdefault(table.name, []).extend(sorted(ids, reverse=True))


AHEAD_KEY = "fabrique.rows_ahead"


class _Ahead:
    """A transaction's rows inserted ahead of their statement (``inserted_ahead``), kept
    with its connection."""

    def __init__(self, transaction: Any) -> None:
        self.transaction = transaction
        self.ids: dict[str, list[int]] = {}  # taken from the sequence, not handed out yet
        self.taken: dict[str, int] = {}  # handed out in this transaction
        self.rows: dict[Table, list[dict[str, Any]]] = {}  # not written yet
        self.held: list[Any] = []

    def write(self, connection: Connection) -> None:
        for table, values in self.take().items():
            connection.execute(_plain_insert(table), values)

    def take(self) -> dict[Table, list[dict[str, Any]]]:
        """The rows not written yet, which the caller writes now."""
        rows, self.rows, self.held = self.rows, {}, []
        return rows


def _ahead_of(connection: Connection) -> _Ahead:
    transaction = connection.get_transaction()
    ahead = connection.info.get(AHEAD_KEY)
    if ahead is None or ahead.transaction is not transaction:
        ahead = connection.info[AHEAD_KEY] = _Ahead(transaction)
    return ahead  # type: ignore[no-any-return]


_NEXT_IDS: dict[str, Any] = {}
_PLAIN_INSERTS: dict[str, Any] = {}


def _plain_insert(table: Table) -> Any:
    statement = _PLAIN_INSERTS.get(table.name)
    if statement is None:
        statement = _PLAIN_INSERTS[table.name] = insert(table)
    return statement


def _next_ids(table: Table) -> Any:
    statement = _NEXT_IDS.get(table.name)
    if statement is None:
        nextval, series = _numbering(table, "count")
        statement = _NEXT_IDS[table.name] = select(nextval).select_from(series)
    return statement


@event.listens_for(Engine, "before_execute")
def _write_ahead(connection: Connection, *_: Any) -> None:
    """The rows inserted ahead are written before any other statement runs."""
    ahead = None if connection.closed or connection.invalidated else connection.info.get(AHEAD_KEY)
    if ahead is not None and ahead.rows:
        if ahead.transaction is connection.get_transaction():
            ahead.write(connection)
        else:  # left by a transaction that ended without them: never written
            del connection.info[AHEAD_KEY]


@event.listens_for(Session, "before_commit")
def _write_ahead_before_commit(session: Session) -> None:
    connection = session.info.pop(AHEAD_KEY, None)
    if connection is not None:
        ahead = connection.info.get(AHEAD_KEY)
        if ahead is not None and ahead.rows:
            ahead.write(connection)


def _rows_ahead(session: Session) -> list[Carried]:
    """The rows this transaction inserted ahead and has not written yet."""
    connection = session.info.pop(AHEAD_KEY, None)
    ahead = None if connection is None else connection.info.get(AHEAD_KEY)
    if ahead is None or ahead.transaction is not connection.get_transaction():
        return []
    return [Inserted(table, rows) for table, rows in ahead.take().items()]


@event.listens_for(Session, "after_soft_rollback")
def _forget_ahead_of_session(session: Session, _previous: Any) -> None:
    session.info.pop(AHEAD_KEY, None)


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


# A transaction's last writes carried by its last statement. On PostgreSQL a statement
# may carry others (data-modifying WITH: each runs once, to completion, whether or not
# the statement reads it): a command's own row, its events, its workshop's heads and the
# notes inserted ahead cost one round trip, not one a table. Each write takes its rows
# as one JSON parameter (``json_to_recordset``), so the statement for a set of writes is
# the same whatever the number of rows (SQLAlchemy compiles it once, psycopg parses it
# once, PostgreSQL prepares it once), and its values cost one JSON encoding, not a
# parameter each (with a parameter a value: a statement for each size of group, of 60
# to 140 parameters, parsed again by psycopg at each execution; at 300 dots a second
# a quarter of the worker's processor went to it).


class Carried(Protocol):
    """Writes a statement can carry: ``statement`` names its parameters from ``prefix``,
    ``parameters`` gives their values; ``shape`` tells which statement it is."""

    @property
    def shape(self) -> Hashable: ...

    def statement(self, prefix: str) -> Any: ...

    def parameters(self, prefix: str) -> dict[str, Any]: ...


def recordset(prefix: str, types: dict[str, Any]) -> Any:
    """Rows as a query of one JSON parameter (``json_to_recordset``), named
    ``{prefix}rows``: its columns are the names of ``types``, of those types, each one
    that JSON gives as it is (``_AS_GIVEN``)."""
    for name, type_ in types.items():
        if not isinstance(type_, _AS_GIVEN):
            raise TypeError(f"{name}: a {type_!r} is not carried as JSON")
    rows = cast(bindparam(f"{prefix}rows", type_=Text()), postgresql.JSON())
    return (
        func.json_to_recordset(rows)
        .table_valued(*(column(name, type_) for name, type_ in types.items()))
        .render_derived(name=f"{prefix}rows", with_types=True)
    )


# The column types whose values JSON carries as they are (no bind processing of their
# own but UTCDateTime's, which ``_as_json`` does).
_AS_GIVEN = (Integer, String, Boolean, JSON, UTCDateTime)


def _rows(prefix: str, types: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameter of ``recordset(prefix, types)`` for these rows (their values of the
    names of ``types``), encoded by orjson: the standard library's encoder, called back
    for each datetime, was a twentieth of a note's time on PostgreSQL. Datetimes go as
    RFC 3339 with their offset; a naive one is refused, as ``UTCDateTime`` refuses it."""
    names = tuple(types)
    values = [{name: row[name] for name in names} for row in rows]
    for name, type_ in types.items():
        if isinstance(type_, UTCDateTime):
            for value in values:
                stamp = value[name]
                if stamp is not None and stamp.tzinfo is None:
                    raise ValueError(NAIVE)
    return {f"{prefix}rows": orjson.dumps(values, option=orjson.OPT_NON_STR_KEYS).decode()}


def named(*names: str) -> dict[str, Any]:
    """A row's values as the parameters of those names: for a statement that a
    ``Changed`` builder makes, run once a row (``Connection.execute`` with a list)."""
    return {name: bindparam(name) for name in names}


class Changed:
    """Rows changed by the statement ``build(row)`` makes, ``row`` their values by name:
    here the columns of a query of all of them (``recordset``, a column for each of
    ``types``; ``named`` where the statement is run once a row). A row of the table is
    changed by one of them at most. ``name`` tells which statement it is."""

    def __init__(
        self,
        name: str,
        build: Callable[[Any], Any],
        types: dict[str, Any],
        rows: list[dict[str, Any]],
    ) -> None:
        self.shape: Hashable = name
        self.build, self.types, self.rows = build, types, rows

    def statement(self, prefix: str) -> Any:
        return self.build(recordset(prefix, self.types).c)

    def parameters(self, prefix: str) -> dict[str, Any]:
        return _rows(prefix, self.types, self.rows)


class Inserted:
    """Rows inserted into one table, each naming the same columns (the first row's):
    every column but those the database fills (the id)."""

    def __init__(self, table: Table, rows: list[dict[str, Any]]) -> None:
        self.table, self.rows, self.names = table, rows, tuple(rows[0])
        self.shape: Hashable = (table.name, self.names)

    def statement(self, prefix: str) -> Any:
        return insert(self.table).from_select(list(self.names), self.source(prefix))

    def source(self, prefix: str) -> Any:
        """The rows as a query of the statement's parameters: INSERT … SELECT … FROM
        json_to_recordset(…), the same statement whatever the number of rows."""
        rows = recordset(prefix, {name: self.table.c[name].type for name in self.names})
        return select(*rows.c)

    def parameters(self, prefix: str) -> dict[str, Any]:
        return _rows(prefix, {name: self.table.c[name].type for name in self.names}, self.rows)


# What writes a transaction keeps for later (each feature's, registered with
# ``unwritten_by``): each gives them up for a statement to carry, and counts them as
# written from then on.
_UNWRITTEN: list[Callable[[Session], list[Carried]]] = [_rows_ahead]


def unwritten_by(source: Callable[[Session], list[Carried]]) -> Callable[[Session], list[Carried]]:
    """Register a source of writes a transaction keeps for later (a decorator)."""
    _UNWRITTEN.append(source)
    return source


def unwritten(session: Session) -> list[Carried]:
    """Every write this transaction kept for later, for its last statement to carry
    (``carrying``): none of them is written again as it commits."""
    return [carried for source in _UNWRITTEN for carried in source(session)]


_CARRYING: dict[Hashable, Any] = {}
CARRYING_SHAPES = 256  # statements kept; past that, the oldest built is forgotten


def carrying(main: Carried, carried: list[Carried]) -> tuple[Any, dict[str, Any]]:
    """``main``'s statement carrying the others (PostgreSQL only), and its parameters:
    what ``main`` returns is what the statement returns."""
    shape = (main.shape, *(part.shape for part in carried))
    statement = _CARRYING.get(shape)
    if statement is None:
        statement = main.statement("m")
        for n, part in enumerate(carried):
            statement = statement.add_cte(part.statement(f"c{n}_").cte(f"carried_{n}"))
        if len(_CARRYING) >= CARRYING_SHAPES:
            del _CARRYING[next(iter(_CARRYING))]
        _CARRYING[shape] = statement
    parameters = main.parameters("m")
    for n, part in enumerate(carried):
        parameters.update(part.parameters(f"c{n}_"))
    return statement, parameters
