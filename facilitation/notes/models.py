"""A sticky note. Deleting or merging keeps the row: no word typed is ever lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db

# session.info: the ids of the notes whose text the transaction wrote (posted, or edited
# through the unit of work); what checks new texts reads it as the transaction commits.
WRITTEN_KEY = "fabrique.notes.written"


class Note(db.Model):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_workshop_area", "workshop_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    area: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(String(7))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    hidden: Mapped[bool] = mapped_column(default=False)
    # Indexed: deleting a note looks for the notes merged into it (ON DELETE SET NULL).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("notes.id", ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dots: Mapped[int] = mapped_column(default=0)  # tallied incrementally by votes
    seq: Mapped[int] = mapped_column(default=0)  # sequence number of its last change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def live(self) -> bool:
        """Shown somewhere: neither deleted nor merged into another note."""
        return self.deleted_at is None and self.merged_into_id is None

    def __repr__(self) -> str:
        return f"<Note {self.id} in {self.area}>"
