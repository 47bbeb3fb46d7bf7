"""Grouping assistance: note vectors, suggested groups, a group's nearest loose notes,
duplicates flagged to the staff. Every answer is a suggestion; nothing here moves,
groups or merges a note.

The similarity process may take seconds (the model loads on first use): no database
transaction may stay open while it works (on SQLite, a writer waiting for the lock
would stall the whole process). So the work comes in three steps the edges run with a
commit between them: read the notes (``Item``) and their stored vectors, compute the
missing vectors and the answer without the database, then store the vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Select, select
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
from ..similarity.worker import digest
from ..workshops.models import Workshop
from .models import NoteVector

# The most loose notes one suggestion reads (per area): 2,000 take a few seconds.
MAX_NOTES = 2000


@dataclass(frozen=True)
class Item:
    """A note as the engine needs it, read once: no database object crosses the wait."""

    id: int
    workshop_id: int
    area: str
    text: str


def _items(query: Select[Any]) -> list[Item]:
    return [Item(n.id, n.workshop_id, n.area, n.text) for n in db.session.scalars(query)]


def _live() -> Select[Any]:
    return select(Note).where(Note.deleted_at.is_(None), Note.merged_into_id.is_(None))


def stored_vectors(items: list[Item]) -> dict[int, np.ndarray]:
    """The vectors stored for these notes' current texts."""
    if not items:
        return {}
    texts = {item.id: item.text for item in items}
    rows = db.session.scalars(select(NoteVector).where(NoteVector.note_id.in_(texts)))
    return {r.note_id: from_bytes(r.vector) for r in rows if r.digest == digest(texts[r.note_id])}


def current(items: list[Item]) -> set[int]:
    """The notes whose stored vector is of their current text (digests read, not vectors)."""
    if not items:
        return set()
    texts = {item.id: item.text for item in items}
    rows = db.session.execute(
        select(NoteVector.note_id, NoteVector.digest).where(NoteVector.note_id.in_(texts))
    )
    return {note_id for note_id, key in rows if key == digest(texts[note_id])}


def to_send(items: list[Item]) -> tuple[dict[str, np.ndarray], list[Item]]:
    """What the similarity process needs besides the texts: the stored vectors of texts it
    has not seen (by digest), and the notes with no vector stored for their text (to be
    computed and stored: ``compute``, ``store``). Read in the caller's transaction."""
    stored_ids = current(items)
    unknown = engine().unknown([item.text for item in items])
    wanted = [i for i in items if i.id in stored_ids and digest(i.text) in unknown]
    stored = stored_vectors(wanted)
    sent = {digest(item.text): stored[item.id] for item in wanted if item.id in stored}
    return sent, [item for item in items if item.id not in stored_ids]


def compute(items: list[Item], stored: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """The missing vectors, from the similarity process (no database here)."""
    missing = [item for item in items if item.id not in stored]
    vectors = engine().embed([item.text for item in missing])
    return dict(zip((item.id for item in missing), vectors, strict=True))


def store(items: list[Item], fresh: dict[int, np.ndarray]) -> None:
    rows = [
        {
            "note_id": item.id,
            "workshop_id": item.workshop_id,
            "digest": digest(item.text),
            "vector": to_bytes(fresh[item.id]),
        }
        for item in items
        if item.id in fresh
    ]
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(NoteVector).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[NoteVector.note_id],
        set_={"digest": statement.excluded.digest, "vector": statement.excluded.vector},
    )
    db.session.execute(statement)


def loose_items(actor: Actor, workshop: Workshop, area: str | None) -> list[Item]:
    """The loose notes (live, shown, in no group), of one area or all."""
    actor.require_facilitator()
    query = _live().where(
        Note.workshop_id == workshop.id, Note.hidden.is_(False), Note.group_id.is_(None)
    )
    if area is not None:
        query = query.where(Note.area == area)
    return _items(query.order_by(Note.id).limit(MAX_NOTES))


def group_items(actor: Actor, workshop: Workshop, group_id: int) -> tuple[list[Item], list[Item]]:
    """A group's shown notes, and the loose notes of its area."""
    actor.require_facilitator()
    group = get_group(actor, group_id)
    members = _items(_live().where(Note.group_id == group.id, Note.hidden.is_(False)))
    return members, loose_items(actor, workshop, group.area)


def suggest(items: list[Item], sent: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Suggested groups of these loose notes, per area: each names its notes (the most
    central first, whose text names the group), its key words, and its area. ``sent``:
    the vectors the similarity process may lack (``to_send``)."""
    by_area: dict[str, list[Item]] = {}
    for item in items:
        by_area.setdefault(item.area, []).append(item)
    found = []
    for key, notes in by_area.items():
        if len(notes) < 2:
            continue
        texts = [n.text for n in notes]
        for cluster in engine().suggest(texts, _among(texts, sent)):
            found.append(
                {
                    "area": key,
                    "notes": [notes[i].id for i in cluster["members"]],
                    "title": notes[cluster["central"]].text,
                    "terms": cluster["terms"],
                    "cohesion": cluster["cohesion"],
                }
            )
    return found


def similar(
    members: list[Item], candidates: list[Item], sent: dict[str, np.ndarray], limit: int
) -> list[dict[str, Any]]:
    """The candidates most like the group's notes, best first."""
    if not members or not candidates:
        return []
    notes = members + candidates
    texts = [n.text for n in notes]
    neighbours = engine().nearest(
        texts,
        _among(texts, sent),
        list(range(len(members))),
        list(range(len(members), len(notes))),
    )
    return [{"id": notes[n["index"]].id, "score": n["score"]} for n in neighbours][:limit]


def _among(texts: list[str], sent: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    keys = set(map(digest, texts))
    return {key: vector for key, vector in sent.items() if key in keys}


def posted_items(note_ids: list[int]) -> list[Item]:
    """Notes just posted or edited that are still live, the oldest first."""
    return _items(_live().where(Note.id.in_(note_ids)).order_by(Note.id))


def area_notes(workshop_id: int, area: str) -> list[Item]:
    """The live notes of an area, the oldest first: the latest ``MAX_NOTES`` of them.
    Only the columns the check needs are read (no note object is built)."""
    query = (
        select(Note.id, Note.workshop_id, Note.area, Note.text)
        .where(
            Note.workshop_id == workshop_id,
            Note.area == area,
            Note.deleted_at.is_(None),
            Note.merged_into_id.is_(None),
        )
        .order_by(Note.id.desc())
        .limit(MAX_NOTES)
    )
    return [Item(*row) for row in reversed(db.session.execute(query).all())]


def read_for_check(area: list[Item]) -> dict[str, np.ndarray]:
    """The stored vectors of the area's texts the similarity process has not seen."""
    unknown = engine().unknown([item.text for item in area])
    wanted = [item for item in area if digest(item.text) in unknown]
    stored = stored_vectors(wanted)
    return {digest(item.text): stored[item.id] for item in wanted if item.id in stored}


def checked(
    news: list[Item], area: list[Item], vectors: dict[str, np.ndarray]
) -> tuple[dict[int, np.ndarray], dict[int, list[dict[str, Any]]]]:
    """Asked of the similarity process (no database here): the new notes' vectors, and
    for each new note that repeats others, those others (``{id, score}``, best first)."""
    index = {item.id: i for i, item in enumerate(area)}
    new = sorted(index[item.id] for item in news if item.id in index)
    if not new:
        return {}, {}
    rows, found = engine().check([item.text for item in area], vectors, new)
    fresh = {area[i].id: rows[k] for k, i in enumerate(new)}
    flagged = {
        area[i].id: [{"id": area[d["index"]].id, "score": d["score"]} for d in duplicates]
        for i, duplicates in zip(new, found, strict=True)
        if duplicates
    }
    return fresh, flagged


def flag(workshop_id: int, note_id: int, found: list[dict[str, Any]]) -> None:
    """Tell the staff (never the participants) that the note says what others said.
    The transaction holds the workshop's turn."""
    note = db.session.get(Note, note_id)
    if note is not None and note.live:
        eventlog.append(
            workshop_id, EventType.DUPLICATE_FLAGGED, Audience.STAFF, {"id": note_id, "of": found}
        )
