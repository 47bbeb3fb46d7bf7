"""Appending to a workshop's event log and reading it back, as its audience may see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..auth import Actor
from ..database import utcnow
from ..extensions import db
from . import publish
from .models import Event, Stream
from .protocol import Audience, EventType, rooms_for

Payload = dict[str, Any]
TURNS_KEY = "fabrique.turns"  # in Session.info: (transaction, workshops whose turn it holds)


class OutOfTurn(RuntimeError):
    """A change recorded without its workshop's turn: a bug in an edge, never the user's."""


def take_turn(*workshop_ids: int) -> None:
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
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise OutOfTurn("A workshop's turn is taken before anything changes.")
    session.rollback()  # ends a transaction that read: its objects are read again
    ids = sorted(set(workshop_ids))
    session.execute(
        select(Stream.workshop_id)
        .where(Stream.workshop_id.in_(ids))
        .order_by(Stream.workshop_id)
        .with_for_update()
    )
    _turns(session).update(ids)


def _turns(session: Session) -> set[int]:
    """The workshops whose turn the session's current transaction holds."""
    transaction = session.get_transaction()
    held = session.info.get(TURNS_KEY)
    if held is None or held[0] is not transaction:
        held = session.info[TURNS_KEY] = (transaction, set())
    return held[1]


def open_stream(workshop_id: int) -> None:
    """A new workshop's log; its creating transaction holds its turn (nobody else can see
    the workshop before it commits)."""
    db.session.add(Stream(workshop_id=workshop_id))
    _turns(db.session()).add(workshop_id)


def _next_seq(workshop_id: int, public: bool) -> int:
    """Take the next number (the transaction holds the row's lock since its turn began)."""
    statement = (
        update(Stream)
        .where(Stream.workshop_id == workshop_id)
        .values(
            head=Stream.head + 1,
            # Both sides read the row's old values, on SQLite as on PostgreSQL.
            public_head=Stream.head + 1 if public else Stream.public_head,
        )
        .returning(Stream.head)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).scalar_one()


def append(
    workshop_id: int,
    type_: EventType,
    audience: Audience,
    data: Payload | Callable[[int], Payload],
    participant_id: int | None = None,
) -> Event:
    """Record a change with the next sequence number; it is broadcast once committed.

    ``data`` may be a callable taking the sequence number, for entities that carry the
    number of their last change. The transaction must hold the workshop's turn
    (``take_turn``): what the change was checked against must not have moved since.
    """
    if workshop_id not in _turns(db.session()):
        raise OutOfTurn(f"Workshop {workshop_id} changed outside its turn: take_turn first.")
    seq = _next_seq(workshop_id, public=audience is Audience.ALL)
    payload = data(seq) if callable(data) else data
    event = Event(
        workshop_id=workshop_id,
        seq=seq,
        type=type_.value,
        audience=audience.value,
        participant_id=participant_id if audience is Audience.PARTICIPANT else None,
        data=payload,
        created_at=utcnow(),
    )
    db.session.add(event)
    publish.queue(db.session, rooms_for(workshop_id, audience, participant_id), event.wire())
    return event


def heads(workshop_id: int) -> tuple[int, int]:
    """The workshop's last sequence number, and the last one everybody may see."""
    stream = db.session.get(Stream, workshop_id)
    return (stream.head, stream.public_head) if stream else (0, 0)


def heads_of(workshop_ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Stream.workshop_id, Stream.head, Stream.public_head).where(
            Stream.workshop_id.in_(workshop_ids)
        )
    )
    return {row.workshop_id: (row.head, row.public_head) for row in rows}


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
