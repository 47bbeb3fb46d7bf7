"""Group payloads: the facilitator's commands, and what screens receive."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..notes.schemas import NoteIds
from ..realtime.schemas import CommandSchema, Id, Position
from ..text import UserText

TITLE = {"max_length": 120, "multiline": False}


class CreateGroupSchema(CommandSchema):
    title = UserText(load_default="", allow_empty=True, **TITLE)
    area = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40))
    note_ids = NoteIds(fewest=0, load_default=list)  # the notes it starts with


class UpdateGroupSchema(CommandSchema):
    id = Id(required=True)
    title = UserText(load_default=None, allow_none=True, allow_empty=True, **TITLE)
    position = Position(load_default=None, allow_none=True)


class GroupRefSchema(CommandSchema):
    id = Id(required=True)


class GroupSchema(Schema):
    id = fields.Integer()
    area = fields.String()
    title = fields.String()
    position = fields.Integer()
    pledges = fields.Integer()
    seq = fields.Integer()


class NewGroupSchema(Schema):
    title = UserText(load_default="", allow_empty=True, **TITLE)
    area = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40))
