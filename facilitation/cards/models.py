"""A card in a slot: a TOWS strategy (SO, ST, WO, WT), a roadmap item (now, next, later)
or an entry of a group's coalition canvas (diagnostic, impact, actors, levers, evaluation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, UTCDateTime, utcnow
from ..extensions import db


class Card(db.Model):
    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_workshop_kind", "workshop_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # strategy | roadmap | canvas
    slot: Mapped[str] = mapped_column(String(24))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # note or card ids
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
