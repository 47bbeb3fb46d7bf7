"""A participant: no account, one signed identity per workshop, an optional nickname."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Participant(db.Model):
    __tablename__ = "participants"
    # One look-alike nickname per workshop, even when two joins race on two processes.
    __table_args__ = (
        Index(
            "uq_participants_workshop_id_nickname_key", "workshop_id", "nickname_key", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    secret: Mapped[str] = mapped_column(String(64))  # in the signed cookie, never shown
    # User text is bounded by its schema in characters (grapheme clusters); varchar(n) would
    # count code points, and a family emoji is seven of them.
    nickname: Mapped[str | None] = mapped_column(Text)
    # Its look-alike key (facilitation.text): two participants never read as the same name.
    nickname_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Participant {self.id} of workshop {self.workshop_id}>"
