"""Sticky notes: who may post, edit or delete them, and who gets to see them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth import Actor, ActorKind
from ..database import utcnow
from ..errors import Forbidden, InvalidInput, NotFound, PhaseClosed
from ..extensions import db
from ..participants.models import Participant
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..workshops.models import Status, Workshop
from ..workshops.services import format_of, phase_of
from .models import Note
from .schemas import NoteSchema

MAX_NOTES_PER_PARTICIPANT = 200


def _require_open(workshop: Workshop, actor: Actor) -> None:
    if workshop.status == Status.ENDED:
        raise PhaseClosed(_l("The workshop has ended."))
    if workshop.locked and not actor.is_facilitator:
        raise PhaseClosed(_l("The board is locked for now."))


def _require_capability(workshop: Workshop, actor: Actor, capability: str) -> None:
    if actor.kind is ActorKind.BOARD:
        raise Forbidden()
    if not actor.is_facilitator and not phase_of(workshop).permits(capability):
        raise PhaseClosed()


def _check_area(workshop: Workshop, area: str) -> None:
    fmt, phase = format_of(workshop), phase_of(workshop)
    if fmt.area(area) is None or (phase.areas and area not in phase.areas):
        raise InvalidInput(fields={"area": [str(_l("This area is not open."))]})


def notes_public(workshop: Workshop) -> bool:
    """Whether participants currently see each other's notes."""
    return phase_of(workshop).permits("see_all")


def audience_of(workshop: Workshop, note: Note) -> Audience:
    return Audience.ALL if notes_public(workshop) else Audience.PARTICIPANT


def payload(workshop: Workshop, note: Note) -> dict[str, Any]:
    nickname = None
    if not workshop.anonymous and note.participant_id is not None:
        participant = db.session.get(Participant, note.participant_id)
        nickname = participant.nickname if participant else None
    return NoteSchema().dump(note) | {"author": nickname}


def record(workshop: Workshop, note: Note, type_: EventType) -> int:
    """Log a note's new state for those who may see it; returns its sequence number."""

    def data(seq: int) -> dict[str, Any]:
        note.seq = seq
        return payload(workshop, note)

    event = eventlog.append(
        workshop.id, type_, audience_of(workshop, note), data, note.participant_id
    )
    return event.seq


def post_note(actor: Actor, workshop: Workshop, area: str, text: str, color: str | None) -> Note:
    """A participant (or facilitator) posts a note into one of the format's areas."""
    _require_open(workshop, actor)
    _require_capability(workshop, actor, "post")
    _check_area(workshop, area)
    if actor.participant_id is not None and _count_of(actor) >= MAX_NOTES_PER_PARTICIPANT:
        raise Forbidden(_l("You have posted the maximum number of notes."))
    note = Note(
        workshop_id=workshop.id,
        participant_id=actor.participant_id,
        author_user_id=actor.user_id if actor.is_facilitator else None,
        area=area,
        text=text,
        color=color,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(note)
    db.session.flush()
    record(workshop, note, EventType.NOTE_POSTED)
    return note


def _count_of(actor: Actor) -> int:
    query = select(db.func.count(Note.id)).where(Note.participant_id == actor.participant_id)
    return db.session.scalar(query) or 0


def get_note(actor: Actor, note_id: int) -> Note:
    """A live note of the actor's workshop that the actor may see."""
    note = db.session.get(Note, note_id)
    if note is None or note.workshop_id != actor.workshop_id or not note.live:
        raise NotFound(_l("This note does not exist."))
    return note


def _require_author_or_facilitator(actor: Actor, workshop: Workshop, note: Note) -> None:
    if actor.is_facilitator:
        return
    if actor.participant_id is None or note.participant_id != actor.participant_id:
        raise Forbidden(_l("You can only change your own notes."))
    _require_open(workshop, actor)
    _require_capability(workshop, actor, "edit_own")


def edit_note(actor: Actor, workshop: Workshop, note_id: int, text: str) -> Note:
    """The author edits while the phase allows it; a facilitator fixes a typo any time."""
    note = get_note(actor, note_id)
    _require_author_or_facilitator(actor, workshop, note)
    if note.text != text:
        note.text, note.updated_at = text, utcnow()
        record(workshop, note, EventType.NOTE_UPDATED)
    return note


def delete_note(actor: Actor, workshop: Workshop, note_id: int) -> Note:
    """Remove a note from the board; the row is kept for the record."""
    note = get_note(actor, note_id)
    _require_author_or_facilitator(actor, workshop, note)
    note.deleted_at = utcnow()
    eventlog.append(
        workshop.id,
        EventType.NOTE_DELETED,
        audience_of(workshop, note),
        {"id": note.id},
        note.participant_id,
    )
    return note


def visible_notes(actor: Actor, workshop: Workshop) -> list[Note]:
    """The notes this actor may see now: all for staff, else the public ones and one's own."""
    query = select(Note).where(
        Note.workshop_id == workshop.id, Note.deleted_at.is_(None), Note.merged_into_id.is_(None)
    )
    if not actor.is_staff:
        own = Note.participant_id == actor.participant_id
        query = query.where((own | ~Note.hidden) if notes_public(workshop) else own)
    return list(db.session.scalars(query.order_by(Note.id)))
