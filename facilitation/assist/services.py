"""Grouping assistance: note vectors, suggested groups, a group's nearest loose notes,
duplicates flagged to the staff. Every answer is a suggestion; nothing here moves,
groups or merges a note."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..auth import Actor
from ..extensions import db
from ..groups.services import get_group
from ..notes.models import Note
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..similarity.client import engine
from ..similarity.encoder import from_bytes, to_bytes
from ..workshops.models import Workshop
from .models import NoteVector

# The most loose notes one suggestion reads (per area): 2,000 take a few seconds.
MAX_NOTES = 2000


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def vectors_for(notes: list[Note]) -> np.ndarray:
    """The notes' vectors, in their order: those stored for their current text, and the
    missing or stale ones computed now (by the similarity process) and stored."""
    if not notes:
        return np.zeros((0, 512), dtype=np.float32)
    ids = [note.id for note in notes]
    stored = {
        row.note_id: row
        for row in db.session.scalars(select(NoteVector).where(NoteVector.note_id.in_(ids)))
    }
    missing = [n for n in notes if n.id not in stored or stored[n.id].digest != digest(n.text)]
    fresh = dict(
        zip((n.id for n in missing), engine().embed([n.text for n in missing]), strict=True)
    )
    _store(missing, fresh)
    return np.vstack(
        [fresh[n.id] if n.id in fresh else from_bytes(stored[n.id].vector) for n in notes]
    )


def _store(notes: list[Note], vectors: dict[int, np.ndarray]) -> None:
    if not notes:
        return
    rows = [
        {
            "note_id": n.id,
            "workshop_id": n.workshop_id,
            "digest": digest(n.text),
            "vector": to_bytes(vectors[n.id]),
        }
        for n in notes
    ]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(NoteVector).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[NoteVector.note_id],
        set_={"digest": statement.excluded.digest, "vector": statement.excluded.vector},
    )
    db.session.execute(statement)


def _loose(workshop: Workshop, area: str | None) -> list[Note]:
    query = select(Note).where(
        Note.workshop_id == workshop.id,
        Note.deleted_at.is_(None),
        Note.merged_into_id.is_(None),
        Note.hidden.is_(False),
        Note.group_id.is_(None),
    )
    if area is not None:
        query = query.where(Note.area == area)
    return list(db.session.scalars(query.order_by(Note.id).limit(MAX_NOTES)))


def suggest(actor: Actor, workshop: Workshop, area: str | None) -> list[dict[str, Any]]:
    """Suggested groups of the loose notes, per area: each names its notes (the most
    central first, whose text names the group), its key words, and its area."""
    actor.require_facilitator()
    by_area: dict[str, list[Note]] = {}
    for note in _loose(workshop, area):
        by_area.setdefault(note.area, []).append(note)
    found = []
    for key, notes in by_area.items():
        if len(notes) < 2:
            continue
        texts = [n.text for n in notes]
        for cluster in engine().suggest(texts, vectors_for(notes)):
            members = [notes[i].id for i in cluster["members"]]
            found.append(
                {
                    "area": key,
                    "notes": members,
                    "title": notes[cluster["central"]].text,
                    "terms": cluster["terms"],
                    "cohesion": cluster["cohesion"],
                }
            )
    return found


def similar(actor: Actor, workshop: Workshop, group_id: int, limit: int) -> list[dict[str, Any]]:
    """The loose notes most like the group's notes (of its area), best first."""
    actor.require_facilitator()
    group = get_group(actor, group_id)
    members = list(
        db.session.scalars(
            select(Note).where(
                Note.group_id == group.id,
                Note.deleted_at.is_(None),
                Note.merged_into_id.is_(None),
                Note.hidden.is_(False),
            )
        )
    )
    candidates = _loose(workshop, group.area)
    if not members or not candidates:
        return []
    notes = members + candidates
    neighbours = engine().nearest(
        [n.text for n in notes],
        vectors_for(notes),
        list(range(len(members))),
        list(range(len(members), len(notes))),
    )
    return [{"id": notes[n["index"]].id, "score": n["score"]} for n in neighbours][:limit]


def compute_vectors(note_ids: Iterable[int]) -> list[Note]:
    """Vectors for these notes (those still live); the caller commits."""
    notes = [note for note in (db.session.get(Note, i) for i in note_ids) if note and note.live]
    vectors_for(notes)
    return notes


def duplicates_of(note: Note) -> list[dict[str, Any]]:
    """The earlier live notes of its area that say the same (a trivial edit, a rewording,
    a translation)."""
    others = list(
        db.session.scalars(
            select(Note)
            .where(
                Note.workshop_id == note.workshop_id,
                Note.area == note.area,
                Note.id != note.id,
                Note.deleted_at.is_(None),
                Note.merged_into_id.is_(None),
            )
            .order_by(Note.id.desc())
            .limit(MAX_NOTES)
        )
    )
    if not others:
        return []
    vectors = vectors_for([note, *others])
    found = engine().duplicates(note.text, vectors[0], [n.text for n in others], vectors[1:])
    return [{"id": others[d["index"]].id, "score": d["score"]} for d in found]


def flag(workshop_id: int, note: Note, duplicates: list[dict[str, Any]]) -> None:
    """Tell the staff (never the participants) that the note says what others said.
    The transaction holds the workshop's turn."""
    data = {"id": note.id, "of": duplicates}
    eventlog.append(workshop_id, EventType.DUPLICATE_FLAGGED, Audience.STAFF, data)
