"""Reactions: each participant agrees with, disagrees with or passes on the notes, one
answer per note, changeable while a phase allows ``react``. Staff follow the counts live;
nobody ever learns who answered what. When the facilitator reveals the opinion map
(opinions/maths.py), it is computed from the answers on the notes shown then, stored and
sent to every screen; it is computed again only when the facilitator reveals it again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from ..auth import Actor
from ..database import utcnow
from ..extensions import db
from ..notes.models import Note
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import item_follower, require_participant_action
from ..targets import resolve
from ..workshops.models import Workshop
from . import mapping
from .models import OpinionMap, Reaction

VALUES = {1: "agree", -1: "disagree", 0: "pass"}


def react(actor: Actor, workshop: Workshop, note_id: int, value: int) -> dict[str, Any]:
    """A participant's answer on a note shown to everyone: a first one, or a change."""
    actor.require_participant()
    require_participant_action(workshop, actor, "react")
    note = resolve(workshop.id, f"note:{note_id}", ("note",))
    reaction = db.session.scalar(
        select(Reaction).where(
            Reaction.participant_id == actor.participant_id, Reaction.note_id == note.id
        )
    ) or Reaction(workshop_id=workshop.id, participant_id=actor.participant_id, note_id=note.id)
    reaction.value, reaction.updated_at = value, utcnow()
    db.session.add(reaction)
    db.session.flush()
    eventlog.append(
        workshop.id, EventType.REACTIONS_COUNTED, Audience.STAFF, counted(workshop, note.id)
    )
    mapping.warm()  # the room is answering: its map will be asked for soon
    return {"reaction": {"note_id": note.id, "value": value}}


def _counts(workshop: Workshop, note_id: int | None = None) -> dict[int, dict[str, int]]:
    query = (
        select(Reaction.note_id, Reaction.value, func.count())
        .where(Reaction.workshop_id == workshop.id)
        .group_by(Reaction.note_id, Reaction.value)
    )
    if note_id is not None:
        query = query.where(Reaction.note_id == note_id)
    counts: dict[int, dict[str, int]] = {}
    for note, value, number in db.session.execute(query):
        counts.setdefault(note, dict.fromkeys(VALUES.values(), 0))[VALUES[value]] = number
    return counts


def _reactors(workshop: Workshop) -> int:
    query = select(func.count(distinct(Reaction.participant_id))).where(
        Reaction.workshop_id == workshop.id
    )
    return db.session.scalar(query) or 0


def counted(workshop: Workshop, note_id: int) -> dict[str, Any]:
    """One note's counts, and how many participants reacted at all (``reactions.counted``)."""
    counts = _counts(workshop, note_id).get(note_id, dict.fromkeys(VALUES.values(), 0))
    return {"note_id": note_id, **counts, "participants": _reactors(workshop)}


def counts(workshop: Workshop) -> dict[str, Any]:
    """Every note's counts, for staff screens' snapshots."""
    items = {str(note): count for note, count in _counts(workshop).items()}
    return {"items": items, "participants": _reactors(workshop)}


def reactions_of(participant_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each participant's own answers by note, in one query for many participants."""
    rows = db.session.execute(
        select(Reaction.participant_id, Reaction.note_id, Reaction.value).where(
            Reaction.participant_id.in_(participant_ids)
        )
    )
    found: dict[int, dict[str, int]] = {participant: {} for participant in participant_ids}
    for participant, note, value in rows:
        found[participant][str(note)] = value
    return found


# --- The opinion map ---------------------------------------------------------------------


def _shown(workshop: Workshop) -> list[int]:
    """The notes every screen shows: live and not hidden."""
    return list(
        db.session.scalars(
            select(Note.id)
            .where(
                Note.workshop_id == workshop.id,
                Note.deleted_at.is_(None),
                Note.merged_into_id.is_(None),
                Note.hidden.is_(False),
            )
            .order_by(Note.id)
        )
    )


def compute(workshop: Workshop) -> dict[str, Any]:
    """The room's opinion map as stored: notes by id, participants as anonymous dots.

    Computed on the facilitator's reveal only, in a process of its own (mapping.py): the
    maths holds the GIL for 0.01 s (12 × 10 notes) to 0.2 s (2,000 × 100), and its first
    run imports scikit-learn and SciPy (about a second and 95 MB), which the serving
    process never pays (docs/performance.md)."""
    rows = db.session.execute(
        select(Reaction.participant_id, Reaction.note_id, Reaction.value)
        .where(Reaction.workshop_id == workshop.id)
        .order_by(Reaction.participant_id, Reaction.note_id)
    )
    answers = [[participant, note, value] for participant, note, value in rows]
    return mapping.compute(answers, _shown(workshop))


# The workshops' stored maps read in the current transaction, None for those without one:
# a bulk moderation of 200 notes asks for the same row 200 times (follow_item).
READ = "fabrique.opinion_maps"


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    session.info.pop(READ, None)


def _stored(workshop: Workshop) -> OpinionMap | None:
    read = db.session.info.setdefault(READ, {})
    if workshop.id not in read:
        read[workshop.id] = db.session.get(OpinionMap, workshop.id)
    return read[workshop.id]


def published(workshop: Workshop) -> dict[str, Any] | None:
    """The revealed map as screens get it, each note with its text as shown now; a note
    hidden or removed since is left out. None while the map is not revealed."""
    stored = _stored(workshop)
    if stored is None or not stored.revealed or stored.map is None:
        return None
    found = stored.map
    if not found["enough"]:
        return found
    ids = {entry["note_id"] for key in ("consensus", "divisive") for entry in found[key]} | {
        entry["note_id"] for group in found["groups"] for entry in group["representative"]
    }
    texts = dict(
        db.session.execute(
            select(Note.id, Note.text).where(
                Note.id.in_(ids),
                Note.deleted_at.is_(None),
                Note.merged_into_id.is_(None),
                Note.hidden.is_(False),
            )
        ).all()
    )

    def named(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e | {"text": texts[e["note_id"]]} for e in entries if e["note_id"] in texts]

    return found | {
        "consensus": named(found["consensus"]),
        "divisive": named(found["divisive"]),
        "groups": [g | {"representative": named(g["representative"])} for g in found["groups"]],
    }


def publish(workshop: Workshop) -> None:
    """Every screen gets the map as it is now (null while it is not revealed)."""
    data = {"opinions": published(workshop)}
    eventlog.append(workshop.id, EventType.OPINIONS_PUBLISHED, Audience.ALL, data)


def reveal(actor: Actor, workshop: Workshop, revealed: bool) -> bool:
    """Reveal the opinion map, computed from the answers as they are now (revealing it
    again computes it again), or hide it."""
    actor.require_facilitator()
    stored = _stored(workshop) or OpinionMap(workshop_id=workshop.id)
    if not revealed and not stored.revealed:
        return False
    if revealed:
        stored.map, stored.computed_at = compute(workshop), utcnow()
    stored.revealed = revealed
    db.session.add(stored)
    db.session.flush()
    db.session.info.setdefault(READ, {})[workshop.id] = stored
    publish(workshop)
    return revealed


@item_follower
def follow_item(workshop: Workshop, item: Any) -> None:
    """The revealed map names notes by their text and leaves hidden and removed ones out:
    when one of its notes changes so, every screen gets it anew (not computed again)."""
    if not isinstance(item, Note):
        return
    stored = _stored(workshop)
    if stored is None or not stored.revealed or not stored.map or not stored.map["enough"]:
        return
    found = stored.map
    named = {e["note_id"] for key in ("consensus", "divisive") for e in found[key]} | {
        e["note_id"] for group in found["groups"] for e in group["representative"]
    }
    if item.id in named:
        db.session.flush()
        publish(workshop)
