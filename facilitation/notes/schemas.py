"""Note payloads: what a phone sends, what every screen receives."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..realtime.schemas import CommandSchema, StrictBoolean
from ..text import UserText

NOTE_MAX_LENGTH = 280
COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="Use a #rrggbb colour.")


class PostNoteSchema(CommandSchema):
    area = fields.String(required=True, validate=validate.Length(1, 40))
    text = UserText(required=True, max_length=NOTE_MAX_LENGTH)
    color = fields.String(load_default=None, allow_none=True, validate=COLOR)


class EditNoteSchema(CommandSchema):
    id = fields.Integer(required=True, strict=True)
    text = UserText(required=True, max_length=NOTE_MAX_LENGTH)


class NoteRefSchema(CommandSchema):
    id = fields.Integer(required=True, strict=True)


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


class ModerateNoteSchema(CommandSchema):
    id = fields.Integer(required=True, strict=True)
    hidden = StrictBoolean(required=True)


class MergeNoteSchema(CommandSchema):
    id = fields.Integer(required=True, strict=True)
    into = fields.Integer(required=True, strict=True)


class PlaceNoteSchema(CommandSchema):
    id = fields.Integer(required=True, strict=True)
    group_id = fields.Integer(required=True, strict=True, allow_none=True)
    position = fields.Integer(load_default=None, allow_none=True, strict=True)
