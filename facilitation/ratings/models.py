"""A participant's answer on one criterion for one item in one rating phase, which rating
phases' results the facilitator revealed, and the ratings a coalition proposal gets from
its page after the workshop."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("participant_id", "phase", "item", "criterion"),
        Index("ix_ratings_workshop_phase_item", "workshop_id", "phase", "item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(40))  # the rating phase's key
    item: Mapped[str] = mapped_column(String(24))  # "note:12", "group:3", "proposal:7"
    criterion: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(SmallInteger)  # within the criterion's scale
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RatingReveal(db.Model):
    """A rating phase whose results the facilitator revealed (a row per phase touched)."""

    __tablename__ = "rating_reveals"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(40), primary_key=True)
    revealed: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalRating(db.Model):
    """A signed-in team member's value for a coalition proposal on one criterion of a
    lens (formats/lenses.py), from the proposal's page, outside any workshop."""

    __tablename__ = "proposal_ratings"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id", "lens", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lens: Mapped[str] = mapped_column(String(40))
    criterion: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
