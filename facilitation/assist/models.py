"""A note's sentence vector, stored once computed (never on the live channel's loop)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class NoteVector(db.Model):
    """The vector of a note's text as it was when computed (``digest`` names that text:
    an edit makes it stale, and it is computed again)."""

    __tablename__ = "note_vectors"

    note_id: Mapped[int] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True
    )
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # 512 little-endian float32
