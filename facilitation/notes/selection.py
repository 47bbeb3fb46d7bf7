"""The facilitator's actions on a selection of notes, each one command: into a group (or
back to the loose notes), hidden or restored, merged into one note. A selection is
carried out whole or not at all: one note that cannot take the action refuses it all."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth import Actor
from ..database import utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..groups.models import Group
from ..realtime.protocol import EventType
from ..rules import item_changed, require_open
from ..workshops.models import Workshop
from .models import Note
from .services import get_note, next_position, record, removed


def selected(workshop: Workshop, ids: Sequence[int]) -> list[Note]:
    """The live notes of the workshop with these ids, in the order given (not_found when
    any of them is deleted, merged, or not the workshop's)."""
    rows = db.session.scalars(
        select(Note).where(
            Note.workshop_id == workshop.id,
            Note.id.in_(ids),
            Note.deleted_at.is_(None),
            Note.merged_into_id.is_(None),
        )
    )
    found = {note.id: note for note in rows}
    missing = sum(1 for note_id in ids if note_id not in found)
    if missing:
        raise NotFound(_l("%(n)s of these notes no longer exist.", n=missing))
    return [found[note_id] for note_id in ids]


def _group(workshop: Workshop, group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if group is None or group.workshop_id != workshop.id or group.deleted_at is not None:
        raise NotFound(_l("This group does not exist."))
    return group


def place_notes(
    actor: Actor, workshop: Workshop, ids: Sequence[int], group_id: int | None
) -> list[Note]:
    """Into a group, after its notes and in the order given (a group of one area takes
    only that area's notes), or back to the loose notes. Notes already there stay where
    they are. Returns the notes that moved."""
    actor.require_facilitator()
    require_open(workshop, actor)
    notes = selected(workshop, ids)
    if group_id is not None:
        area = _group(workshop, group_id).area
        strangers = sum(1 for note in notes if area is not None and note.area != area)
        if strangers:
            message = _l("%(n)s of these notes belong to another area than the group.", n=strangers)
            raise InvalidInput(message)
    moving = [note for note in notes if note.group_id != group_id]
    position, now = next_position(workshop, group_id), utcnow()
    for offset, note in enumerate(moving):
        note.group_id, note.position, note.updated_at = group_id, position + offset, now
        record(workshop, note, EventType.NOTE_UPDATED)
    return moving


def moderate_notes(
    actor: Actor, workshop: Workshop, ids: Sequence[int], hidden: bool
) -> list[Note]:
    """Hide these notes from the phones and the board, or restore them. Returns those
    that changed."""
    actor.require_facilitator()
    changing = [note for note in selected(workshop, ids) if note.hidden != hidden]
    now = utcnow()
    for note in changing:
        note.hidden, note.updated_at = hidden, now
        record(workshop, note, EventType.NOTE_UPDATED)
        item_changed(workshop, note)
    return changing


def merge_notes(actor: Actor, workshop: Workshop, ids: Sequence[int], into: int) -> Note:
    """Fold these duplicates into one note: they leave every screen, kept in the record
    as merged into it. Refused once any of them has dots (merge before voting)."""
    actor.require_facilitator()
    if into in ids:
        raise InvalidInput(fields={"into": [str(_l("A note cannot be merged into itself."))]})
    target = get_note(actor, into)
    notes = selected(workshop, ids)
    voted = sum(1 for note in notes if note.dots)
    if voted:
        message = _l(
            "%(n)s of these notes already have dots: merge duplicates before voting.", n=voted
        )
        raise Conflict(message)
    now = utcnow()
    for note in notes:
        note.merged_into_id, note.updated_at = target.id, now
        removed(workshop, note, merged_into=target.id)
    return target
