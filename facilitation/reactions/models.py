"""A participant's answer to one note (agree 1, disagree -1, pass 0), and the opinion map
the facilitator last published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, UTCDateTime, utcnow
from ..extensions import db


class Reaction(db.Model):
    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("participant_id", "note_id"),
        CheckConstraint("value IN (-1, 0, 1)", name="ck_reactions_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OpinionMap(db.Model):
    """The map computed when the facilitator last revealed it: note ids and anonymous dots
    only (texts are added when it is sent, from the notes as they are then)."""

    __tablename__ = "opinion_maps"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    revealed: Mapped[bool] = mapped_column(default=False)
    map: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
