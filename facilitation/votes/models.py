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
