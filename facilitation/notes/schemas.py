"""Note payloads: what a phone sends, what every screen receives."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from ..realtime.schemas import CommandSchema, Id, Position, StrictBoolean
from ..text import UserText

NOTE_MAX_LENGTH = 280
COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="Use a #rrggbb colour.")


class PostNoteSchema(CommandSchema):
    area = fields.String(required=True, validate=validate.Length(1, 40))
    text = UserText(required=True, max_length=NOTE_MAX_LENGTH)
    color = fields.String(load_default=None, allow_none=True, validate=COLOR)


class EditNoteSchema(CommandSchema):
    id = Id(required=True)
    text = UserText(required=True, max_length=NOTE_MAX_LENGTH)


class NoteRefSchema(CommandSchema):
    id = Id(required=True)


class NoteSchema(Schema):
    """A note as screens show it (the author is added by the service, per anonymity)."""

    id = fields.Integer()
    area = fields.String()
    text = fields.String()
    color = fields.String()
    group_id = fields.Integer()
    position = fields.Integer()
    hidden = fields.Boolean()
    seq = fields.Integer()
    created_at = fields.DateTime()


def wire(note: Any) -> dict[str, Any]:
    """``NoteSchema().dump(note)``, written out: a note is dumped for every event, ack,
    snapshot and page, and marshmallow's field by field walk was half of a 500-note
    board snapshot (21 of 42 ms). tests/notes/test_wire.py keeps the two equal."""
    created = note.created_at
    hidden = note.hidden
    return {
        "id": note.id,
        "area": note.area,
        "text": note.text,
        "color": note.color,
        "group_id": note.group_id,
        "position": note.position,
        "hidden": None if hidden is None else bool(hidden),
        "seq": note.seq,
        "created_at": None if created is None else created.isoformat(),
    }


class ModerateNoteSchema(CommandSchema):
    id = Id(required=True)
    hidden = StrictBoolean(required=True)


class MergeNoteSchema(CommandSchema):
    id = Id(required=True)
    into = Id(required=True)


class PlaceNoteSchema(CommandSchema):
    id = Id(required=True)
    group_id = Id(required=True, allow_none=True)
    position = Position(load_default=None, allow_none=True)


MAX_SELECTION = 200  # notes in one command (selection.py)


def _each_once(ids: list[int]) -> None:
    if len(set(ids)) != len(ids):
        raise ValidationError("Name each note once.")


class NoteIds(fields.List):
    """A selection of notes: from `fewest` (1) to MAX_SELECTION ids, each once."""

    def __init__(self, fewest: int = 1, **kwargs: Any) -> None:
        checks = [validate.Length(fewest, MAX_SELECTION), _each_once]
        super().__init__(Id(), validate=checks, **kwargs)


class PlaceNotesSchema(CommandSchema):
    ids = NoteIds(required=True)
    group_id = Id(required=True, allow_none=True)


class ModerateNotesSchema(CommandSchema):
    ids = NoteIds(required=True)
    hidden = StrictBoolean(required=True)


class MergeNotesSchema(CommandSchema):
    ids = NoteIds(required=True)
    into = Id(required=True)


class NewNoteSchema(Schema):
    """A note posted through the API (by a facilitator)."""

    area = fields.String(required=True, validate=validate.Length(1, 40))
    text = UserText(required=True, max_length=NOTE_MAX_LENGTH)
    color = fields.String(load_default=None, allow_none=True, validate=COLOR)


class NoteChangeSchema(Schema):
    """A facilitator's change to a note: its text (a typo), or hiding it."""

    text = UserText(load_default=None, allow_none=True, max_length=NOTE_MAX_LENGTH)
    hidden = StrictBoolean(load_default=None, allow_none=True)


class StaffNoteSchema(NoteSchema):
    """A note as staff see it, with its dots and author."""

    dots = fields.Integer()
    author = fields.String(allow_none=True)
