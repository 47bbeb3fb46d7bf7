"""A coalition proposal — a diagnostic, an impact aimed at within two years, a coalition of
actors who carry it, levers and a path, an evaluation — its members and its history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, UTCDateTime, utcnow
from ..extensions import db


class Status(enum.StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    FORMING = "forming"
    ACTIVE = "active"
    CLOSED = "closed"


# The seven qualities #Reset asks of a chosen digital world.
QUALITIES = (
    "inclusive",
    "frugal",
    "democratic",
    "protective",
    "innovative",
    "capacitating",
    "equitable",
)


class Coalition(db.Model):
    __tablename__ = "coalitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int | None] = mapped_column()  # "#7" in a registry such as #Reset's
    title: Mapped[str] = mapped_column(Text)  # bounded by its schema, in characters
    diagnostic: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    impact_date: Mapped[date | None] = mapped_column(Date)
    actors: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # [{name, kind, role}]
    levers: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # [{step, when}]
    evaluation: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # [str]
    themes: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # [str]
    qualities: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # ⊂ QUALITIES
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT, index=True)
    source_note: Mapped[str] = mapped_column(Text, default="")  # where a registry entry came from
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Origin(db.Model):
    """A workshop (and the group or note within it) a coalition came from."""

    __tablename__ = "coalition_origins"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="SET NULL"))


class Member(db.Model):
    """Someone who pledged to join a coalition, from a phone or from the web."""

    __tablename__ = "coalition_members"
    # One person is one member: a participant once per coalition (web sign-ups have none).
    __table_args__ = (
        Index("uq_coalition_members_participant", "coalition_id", "participant_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    # Bounded by their schemas, in characters (grapheme clusters).
    name: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    via: Mapped[str] = mapped_column(String(16), default="web")  # web | workshop
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Revision(db.Model):
    """One change to a coalition: who, when, which fields from what to what."""

    __tablename__ = "coalition_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType)  # {field: [before, after]}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
