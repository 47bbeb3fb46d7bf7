"""Dots a participant put on one note or group (one row per participant and target)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("participant_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(24))  # "note:12" or "group:3"
    area: Mapped[str | None] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(40))
    dots: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoteTotals(db.Model):
    """A workshop's dots out and how many participants have any, moved with each dot in
    the workshop's turn: a dot's tally reads one row, where it summed every vote of the
    room (1.5 ms a dot at 6,000 votes, and growing). No row until the workshop's next
    dot reads its totals from its votes (a workshop voted on before this table, or
    imported)."""

    __tablename__ = "vote_totals"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    dots: Mapped[int] = mapped_column(default=0)
    voters: Mapped[int] = mapped_column(default=0)
