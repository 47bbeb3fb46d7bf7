"""A quick poll of a workshop, and each participant's answer to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Poll(db.Model):
    """A question with 2 to 10 options. ``phase`` names the format's `poll` phase that
    declared it, or is null for a poll the facilitator asked live. Texts are
    ``{language: text}``: French and English for a declared poll, the workshop's language
    for a live one."""

    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_workshop", "workshop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    phase: Mapped[str | None] = mapped_column(String(40), default=None)
    question: Mapped[dict[str, Any]] = mapped_column(JSON)
    options: Mapped[list[Any]] = mapped_column(JSON)  # a list of {language: text}
    multiple: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    open: Mapped[bool] = mapped_column(default=False)
    shown: Mapped[bool] = mapped_column(default=False)  # on screens, above the phase
    revealed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def choice_limit(self) -> int:
        """How many options an answer may hold."""
        if not self.multiple:
            return 1
        return self.max_choices or len(self.options)


class PollAnswer(db.Model):
    """A participant's choices in one poll: option indexes, in increasing order."""

    __tablename__ = "poll_answers"
    __table_args__ = (
        UniqueConstraint("poll_id", "participant_id"),
        Index("ix_poll_answers_workshop", "workshop_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    choices: Mapped[list[int]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
