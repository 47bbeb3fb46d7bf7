"""Appending to a workshop's event log and reading it back, as its audience may see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select, update

from ..auth import Actor
from ..database import utcnow
from ..extensions import db
from . import publish
from .models import Event, Stream
from .protocol import Audience, EventType, rooms_for

Payload = dict[str, Any]


def open_stream(workshop_id: int) -> None:
    db.session.add(Stream(workshop_id=workshop_id))


def _next_seq(workshop_id: int, public: bool) -> int:
    """Take the next number; the row lock it takes orders this workshop's transactions."""
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
    number of their last change.
    """
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
