"""The event log: per-workshop streams, their events, and the commands already handled."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, UTCDateTime, utcnow
from ..extensions import db


class Stream(db.Model):  # type: ignore[name-defined]  # mypy cannot follow db.Model
    """A workshop's sequence counter; its row lock orders the workshop's changes."""

    __tablename__ = "event_streams"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    head: Mapped[int] = mapped_column(default=0)
    public_head: Mapped[int] = mapped_column(default=0)
    # The last event that changed what participants may see (a phase or visibility
    # change): a phone that was before it needs a snapshot, whatever else it missed.
    reshaped: Mapped[int] = mapped_column(default=0, server_default="0")
    # Moves whenever the workshop's own row changes (workshops/cache.py): read with the
    # turn, it tells a process whether the workshop it keeps in memory is still true. A
    # new workshop's starts at random: an id SQLite reuses never meets an older entry.
    workshop_version: Mapped[int] = mapped_column(
        BigInteger, default=lambda: secrets.randbits(52), server_default="0"
    )


class Event(db.Model):  # type: ignore[name-defined]  # mypy cannot follow db.Model
    """One change to a workshop, append-only, numbered in the transaction that made it."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("workshop_id", "seq"),
        Index("ix_events_workshop_seq_audience", "workshop_id", "seq", "audience"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(16))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def wire(self) -> dict[str, Any]:
        """The event as clients receive it."""
        return self.wire_of(self.seq, self.type, self.audience, self.data, self.created_at)

    @staticmethod
    def wire_of(
        seq: int, type_: str, audience: str, data: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
        return {"seq": seq, "type": type_, "audience": audience, "data": data, "at": at.isoformat()}


class Command(db.Model):  # type: ignore[name-defined]  # mypy cannot follow db.Model
    """A client command already carried out, with the ack it got: resends replay the ack."""

    __tablename__ = "commands"
    __table_args__ = (UniqueConstraint("actor", "command_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    command_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(40))
    # sha256 of the loaded payload: an id reused for another command is a conflict.
    digest: Mapped[str | None] = mapped_column(String(64))
    ack: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
