"""Appending to a workshop's event log and reading it back, as its audience may see it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Integer, Table, bindparam, event, insert, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from ..auth import Actor
from ..database import (
    Carried,
    Changed,
    Inserted,
    ids_taken,
    named,
    next_ids,
    per_transaction,
    unwritten_by,
    utcnow,
)
from ..extensions import db
from . import publish
from .models import Event, Stream
from .protocol import RESHAPING, Audience, EventType, rooms_for

Payload = dict[str, Any]
# In Session.info: (transaction, ({workshop whose turn it holds: its workshop_version},
# {the same workshop: its Heads})).
TURNS_KEY = "fabrique.turns"


class OutOfTurn(RuntimeError):
    """A change recorded without its workshop's turn: a bug in an edge, never the user's."""


def take_turn(*workshop_ids: int, new_rows: Mapping[Table, int] | None = None) -> None:
    """Wait for these workshops' turn to change, first thing in a fresh transaction.

    The one rule of every change (docs/architecture.md, "How a change flows"): the
    transaction locks its workshop's stream row before it reads anything, so what it
    checks (a note still live, a group without dots, a stored ack) stays true until it
    commits, whichever process the other writers run in. Anything the session read
    before is forgotten, and read again in the turn. On PostgreSQL this is a row lock
    (each later statement, under READ COMMITTED, sees every change committed before it
    was granted); SQLite has no row locks, and the transaction begins with the
    database's write lock instead (extensions.py, WRITE_INTENT). Several workshops are
    locked in the order of their ids, so two such transactions cannot deadlock.

    ``new_rows``: how many rows of each table the transaction will insert (the notes of
    the commands it carries out). Where the database hands ids out from sequences, the
    turn's statement takes theirs too (``database.ids_taken``), and the rows are written
    with the transaction's last statement: a note alone costs no statement of its own.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise OutOfTurn("A workshop's turn is taken before anything changes.")
    session.rollback()  # ends a transaction that read: its objects are read again
    ids = sorted(set(workshop_ids))
    connection = session.connection()
    wanted = {table: n for table, n in (new_rows or {}).items() if n > 0}
    if len(ids) == 1 and wanted and connection.dialect.supports_sequences:
        tables = tuple(sorted(wanted, key=lambda table: table.name))
        counts = {f"new_{table.name}": wanted[table] for table in tables}
        found = connection.execute(_turn_taking(tables), {"stream_id": ids[0], **counts}).first()
        rows: Any = []
        if found is not None:  # none: the workshop is gone, and its command refused after
            for table, taken in zip(tables, found[4:], strict=True):
                ids_taken(session, table, list(taken))
            rows = [found[:4]]
    elif len(ids) == 1:  # every command: the statement built once
        rows = connection.execute(_TURN_OF_ONE, {"stream_id": ids[0]})
    else:
        rows = session.connection().execute(
            _turn_of(_STREAMS.c.workshop_id.in_(ids)).order_by(_STREAMS.c.workshop_id)
        )
    turns, heads = _held(session)
    turns.update(dict.fromkeys(ids))
    for workshop_id, version, head, public_head in rows:
        turns[workshop_id] = version
        heads[workshop_id] = Heads(head, public_head)


# Statements every command runs, built once: building them again for each command (an
# IN list, a SET with expressions) cost about as much as running them.
_STREAMS = Stream.__table__


def _turn_of(where: Any) -> Any:
    """Lock the streams' rows, reading their workshop's version and their heads."""
    columns = (_STREAMS.c.workshop_id, _STREAMS.c.workshop_version)
    return select(*columns, _STREAMS.c.head, _STREAMS.c.public_head).where(where).with_for_update()


_TURN_OF_ONE = _turn_of(_STREAMS.c.workshop_id == bindparam("stream_id"))
_TURNS_TAKING: dict[tuple[str, ...], Any] = {}


def _turn_taking(tables: tuple[Table, ...]) -> Any:
    """The turn of one workshop, taking ids for new rows of ``tables`` (PostgreSQL)."""
    key = tuple(table.name for table in tables)
    statement = _TURNS_TAKING.get(key)
    if statement is None:
        taking = [next_ids(table, f"new_{table.name}") for table in tables]
        statement = _TURNS_TAKING[key] = _TURN_OF_ONE.add_columns(*taking)
    return statement


class Heads:
    """A workshop's heads as its turn read them, moved by the numbers the transaction
    takes, and written back to the stream's row once, before the transaction commits
    (``write_heads``): the row is locked since the turn began, so nobody else moves it."""

    __slots__ = ("head", "moved", "public_head", "read")

    def __init__(self, head: int, public_head: int) -> None:
        self.head, self.public_head, self.moved = head, public_head, False
        self.read = head  # as the turn read it

    def next(self, public: bool) -> int:
        self.head += 1
        if public:
            self.public_head = self.head
        self.moved = True
        return self.head


def _numbering(public: bool) -> Any:
    """Take the next number; an event everybody may see moves the public head with it.
    Both sides read the row's old values, on SQLite as on PostgreSQL."""
    return (
        update(_STREAMS)
        .where(_STREAMS.c.workshop_id == bindparam("stream_id"))
        .values(
            head=_STREAMS.c.head + 1,
            public_head=_STREAMS.c.head + 1 if public else _STREAMS.c.public_head,
        )
        .returning(_STREAMS.c.head)
    )


_NUMBER = {True: _numbering(True), False: _numbering(False)}


def _held(session: Session) -> tuple[dict[int, int | None], dict[int, Heads]]:
    """The workshops whose turn the session's current transaction holds, with the version
    of their row read with the turn (None for a workshop made in this transaction); and
    their heads (none for a workshop made in this transaction: its stream is numbered
    by statements, ``number``)."""
    return per_transaction(session, TURNS_KEY, lambda: ({}, {}))


def _turns(session: Session) -> dict[int, int | None]:
    return _held(session)[0]


def _held_now(session: Session) -> tuple[dict[int, int | None], dict[int, Heads]]:
    """As ``_held``, without keeping anything for a transaction that took no turn."""
    held = session.info.get(TURNS_KEY)
    if held is None or held[0] is not session.get_transaction():
        return {}, {}
    return held[1]  # type: ignore[no-any-return]


def _moved_heads(session: Session, workshop_id: int) -> Heads | None:
    """The workshop's heads as this transaction moved them, if it holds its turn."""
    return _held_now(session)[1].get(workshop_id)


def turn_heads(session: Session, workshop_id: int) -> tuple[tuple[int, int], int] | None:
    """The workshop's version and head as this transaction's turn read them, and its
    head as the transaction moved it since; None if it does not hold the workshop's
    turn, made the workshop, or changed its row. Nothing changed the workshop in
    between, in any process, when the version and head a transaction read are those an
    earlier transaction left: what that one knew still holds. (A new workshop's version
    starts at random: a reused id never meets what an older one left.)"""
    versions, heads = _held_now(session)
    version, moved = versions.get(workshop_id), heads.get(workshop_id)
    if version is None or moved is None:
        return None
    return (version, moved.read), moved.head


def forget_versions(session: Session, workshop_ids: list[int]) -> None:
    """These workshops' rows changed in this transaction: their turn's version is past."""
    turns = _turns(session)
    for workshop_id in workshop_ids:
        if workshop_id in turns:
            turns[workshop_id] = None


def turn_version(workshop_id: int) -> int | None:
    """The workshop's version as its turn found it, if this transaction holds its turn."""
    return _held_now(db.session())[0].get(workshop_id)


def open_stream(workshop_id: int) -> None:
    """A new workshop's log; its creating transaction holds its turn (nobody else can see
    the workshop before it commits)."""
    db.session.add(Stream(workshop_id=workshop_id))
    _turns(db.session())[workshop_id] = None


def number(workshop_id: int, audience: Audience) -> int:
    """Take the workshop's next sequence number (the transaction holds the stream row's
    lock since its turn began), before what it numbers is written: an entity inserted
    with its number needs no second statement to set it. The turn read the heads, so the
    number is counted here, and the row written once before the commit (``Heads``)."""
    turns, heads = _held(db.session())
    if workshop_id not in turns:
        raise OutOfTurn(f"Workshop {workshop_id} changed outside its turn: take_turn first.")
    if workshop_id in heads:
        return heads[workshop_id].next(audience is Audience.ALL)
    statement, values = _NUMBER[audience is Audience.ALL], {"stream_id": workshop_id}
    seq = db.session.connection().execute(statement, values).scalar_one_or_none()
    if seq is None:  # a workshop created in this transaction: its stream is not written yet
        db.session.flush()
        seq = db.session.connection().execute(statement, values).scalar_one()
    return seq


def append(
    workshop_id: int,
    type_: EventType,
    audience: Audience,
    data: Payload | Callable[[int], Payload],
    participant_id: int | None = None,
    *,
    seq: int | None = None,
    at: datetime | None = None,
) -> int:
    """Record a change with the next sequence number (or the one ``number`` gave it);
    it is broadcast once committed. Returns its sequence number.

    ``data`` may be a callable taking the sequence number, for entities that carry the
    number of their last change. The transaction must hold the workshop's turn
    (``take_turn``): what the change was checked against must not have moved since.
    The row is kept in the session and inserted with the transaction's other events,
    in one plain statement, when it commits or before it reads the log (``write_events``):
    an event is never read back as an object in the transaction that makes it.
    """
    if workshop_id not in _turns(db.session()):
        raise OutOfTurn(f"Workshop {workshop_id} changed outside its turn: take_turn first.")
    if seq is None:
        seq = number(workshop_id, audience)
    payload = data(seq) if callable(data) else data
    created_at = at or utcnow()
    db.session.info.setdefault(UNWRITTEN_KEY, []).append(
        {
            "workshop_id": workshop_id,
            "seq": seq,
            "type": type_.value,
            "audience": audience.value,
            "participant_id": participant_id if audience is Audience.PARTICIPANT else None,
            "data": payload,
            "created_at": created_at,
        }
    )
    if type_ in RESHAPING:
        db.session.connection().execute(
            update(Stream.__table__)
            .where(Stream.__table__.c.workshop_id == workshop_id)
            .values(reshaped=seq)
        )
    wire = Event.wire_of(seq, type_.value, audience.value, payload, created_at)
    publish.queue(db.session, rooms_for(workshop_id, audience, participant_id), wire)
    return seq


_INSERT_EVENT = insert(Event.__table__)

# The transaction's events not written yet: a burst of commands in one turn writes its
# events in one statement when it commits (one round trip to PostgreSQL for the burst,
# not one a command). Anything that reads the log, or changes rows through the session,
# writes them first, so the transaction always reads its own events.
UNWRITTEN_KEY = "fabrique.unwritten_events"


def write_events(session: Session) -> None:
    """Write the events this transaction appended and has not written yet."""
    rows = session.info.pop(UNWRITTEN_KEY, None)
    if rows:
        session.connection().execute(_INSERT_EVENT, rows)


def write_heads(session: Session) -> None:
    """Write the heads this transaction moved to their streams' rows."""
    moved = _heads_moved(session)
    if moved:
        session.connection().execute(_WRITE_HEADS, moved)


def _heads_moved(session: Session) -> list[dict[str, Any]]:
    """The heads this transaction moved and has not written yet, as rows to write (they
    count as written from now on)."""
    moved = []
    for workshop_id, heads in _held_now(session)[1].items():
        if heads.moved:
            moved.append(
                {"stream_id": workshop_id, "head": heads.head, "public_head": heads.public_head}
            )
            heads.moved = False
    return moved


def _write_heads(row: Any) -> Any:
    """The statement writing a stream's heads (database.Changed)."""
    return (
        update(_STREAMS)
        .where(_STREAMS.c.workshop_id == row["stream_id"])
        .values(head=row["head"], public_head=row["public_head"])
    )


_MOVED_HEADS = {
    "stream_id": Integer(),
    "head": _STREAMS.c.head.type,
    "public_head": _STREAMS.c.public_head.type,
}
_WRITE_HEADS = _write_heads(named(*_MOVED_HEADS))


@unwritten_by
def _unwritten(session: Session) -> list[Carried]:
    """The events and heads this transaction has not written yet, for its last statement
    to carry (database.carrying)."""
    rows = session.info.pop(UNWRITTEN_KEY, None)
    carried: list[Carried] = [Inserted(Event.__table__, rows)] if rows else []
    heads = _heads_moved(session)
    if heads:
        carried.append(Changed("event_streams.heads", _write_heads, _MOVED_HEADS, heads))
    return carried


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_events(session)
    write_heads(session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    write_events(session)  # a row it refers to may be deleted by this flush


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    if UNWRITTEN_KEY in state.session.info and (
        not state.is_select or Event.__mapper__ in state.all_mappers
    ):
        write_events(state.session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(UNWRITTEN_KEY, None)


def heads(workshop_id: int) -> tuple[int, int]:
    """The workshop's last sequence number, and the last one everybody may see (a plain
    row: loading the stream as an object cost a mass join 2% of its time)."""
    moved = _moved_heads(db.session(), workshop_id)
    if moved is not None:  # this transaction's numbers: the row is written at its commit
        return moved.head, moved.public_head
    row = db.session.execute(_HEADS, {"stream_id": workshop_id}).one_or_none()
    return (row.head, row.public_head) if row is not None else (0, 0)


_HEADS = select(_STREAMS.c.head, _STREAMS.c.public_head).where(
    _STREAMS.c.workshop_id == bindparam("stream_id")
)


class Position(NamedTuple):
    """Where a workshop's stream is, read in one statement outside its turn."""

    head: int
    public_head: int
    reshaped: int  # the last event that changed what participants may see
    workshop_version: int | None  # the workshop row's (workshops/cache.py); None: no stream


def position(workshop_id: int) -> Position:
    """The workshop's heads, its last reshaping event (a phone behind it needs a snapshot,
    and no event need be read to know it) and its row's version, at once: a screen
    catching up reads the stream once, and this process's copy of the workshop, if taken
    at that version, spares reading the workshop too."""
    stream = Stream.__table__.c
    row = db.session.execute(
        select(stream.head, stream.public_head, stream.reshaped, stream.workshop_version).where(
            stream.workshop_id == workshop_id
        )
    ).one_or_none()
    if row is None:
        return Position(0, 0, 0, None)
    moved = _moved_heads(db.session(), workshop_id)
    if moved is not None:  # this transaction's numbers (``heads``)
        return Position(moved.head, moved.public_head, row.reshaped, row.workshop_version)
    return Position(*row)


def heads_of(workshop_ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Stream.workshop_id, Stream.head, Stream.public_head).where(
            Stream.workshop_id.in_(workshop_ids)
        )
    )
    found = {row.workshop_id: (row.head, row.public_head) for row in rows}
    for workshop_id in found:
        moved = _moved_heads(db.session(), workshop_id)
        if moved is not None:  # this transaction's numbers (``heads``)
            found[workshop_id] = (moved.head, moved.public_head)
    return found


def events_since(actor: Actor, since: int, limit: int) -> list[Event]:
    """The events after ``since`` that the actor may see, oldest first (at most ``limit``)."""
    query = select(Event).where(Event.workshop_id == actor.workshop_id, Event.seq > since)
    if not actor.is_staff:
        query = query.where(
            or_(
                Event.audience == Audience.ALL.value,
                (Event.audience == Audience.PARTICIPANT.value)
                & (Event.participant_id == actor.participant_id),
            )
        )
    return list(db.session.scalars(query.order_by(Event.seq).limit(limit)))
