"""A workshop: one run of a format, with its join code, phase and live settings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ..database import JSONType, UTCDateTime, utcnow
from ..extensions import db


class Status(enum.StrEnum):
    RUNNING = "running"
    ENDED = "ended"
    # Its rows are being written from an archive (syntheses/imports.py); one left so by a
    # stopped import is removed by the next.
    IMPORTING = "importing"


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    board_key: Mapped[str] = mapped_column(String(64))
    format_key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)  # bounded by its schema, in characters
    question: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="fr")
    status: Mapped[str] = mapped_column(String(16), default=Status.RUNNING)
    phase_index: Mapped[int] = mapped_column(default=0)
    anonymous: Mapped[bool] = mapped_column(default=True)
    locked: Mapped[bool] = mapped_column(default=False)
    # Set while the facilitator keeps newcomers out; who joined before keeps their seat.
    joining_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_revealed: Mapped[bool] = mapped_column(default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_remaining: Mapped[int | None] = mapped_column()  # seconds left while paused
    spotlight: Mapped[str | None] = mapped_column(String(40))  # "note:12" or "group:3"
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Written by the facilitator before export; plain text, bounded by its schema.
    synthesis_introduction: Mapped[str] = mapped_column(Text, default="", server_default="")
    synthesis_conclusions: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Published at a signed link naming this version: publishing again makes a new one.
    synthesis_published: Mapped[bool] = mapped_column(default=False, server_default=false())
    synthesis_version: Mapped[int] = mapped_column(default=0, server_default="0")
    seq: Mapped[int] = mapped_column(default=0)  # sequence number of its last change
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def joining_open(self) -> bool:
        return self.joining_closed_at is None

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.code} {self.format_key}>"
