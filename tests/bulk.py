"""A big workshop in a second: many notes written straight into the table, as if posted
before the workshop's head. For tests about size; live posting is other tests' business."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert

from facilitation.database import utcnow
from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.realtime.models import Stream

# About 280 characters once numbered, with the accents a French room types.
TEXT = (
    "Ouvrir les cours d'école le week-end, végétaliser les toits des équipements publics, "
    "créer une ressourcerie de quartier où l'on répare, prête et échange les outils ; "
    "et que chaque habitant puisse proposer, débattre et décider ensemble des priorités "
    "du budget participatif, sans jargon ni réunion à rallonge."
)


def note_text(index: int) -> str:
    return f"Idée n°{index} : {TEXT}"[:280]


def insert_notes(
    workshop_id: int, count: int, authors: Sequence[int | None] = (None,), area: str = "ideas"
) -> list[int]:
    """``count`` notes by ``authors`` in turn (participant ids; None: the facilitator);
    returns their ids."""
    head = db.session.get(Stream, workshop_id).head
    now = utcnow()
    rows = [
        {
            "workshop_id": workshop_id,
            "participant_id": authors[index % len(authors)],
            "area": area,
            "text": note_text(index),
            "seq": head,
            "created_at": now,
            "updated_at": now,
        }
        for index in range(count)
    ]
    ids = db.session.scalars(insert(Note).returning(Note.id), rows).all()
    db.session.commit()
    return sorted(ids)
