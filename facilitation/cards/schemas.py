"""Card payloads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..formats.kinds import CARD_SLOTS
from ..realtime.schemas import CommandSchema, Id
from ..text import UserText

CARD_MAX_LENGTH = 500


class AddCardSchema(CommandSchema):
    kind = fields.String(required=True, validate=validate.OneOf(sorted(CARD_SLOTS)))
    slot = fields.String(required=True, validate=validate.Length(1, 24))
    text = UserText(required=True, max_length=CARD_MAX_LENGTH)
    group_id = Id(load_default=None, allow_none=True)
    links = fields.List(
        fields.String(validate=validate.Length(1, 24)),
        load_default=list,
        validate=validate.Length(max=10),
    )


class EditCardSchema(CommandSchema):
    id = Id(required=True)
    text = UserText(required=True, max_length=CARD_MAX_LENGTH)


class CardRefSchema(CommandSchema):
    id = Id(required=True)


class CanvasGroupsSchema(CommandSchema):
    group_ids = fields.List(Id(), required=True, validate=validate.Length(max=12))


class CardSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    slot = fields.String()
    group_id = fields.Integer()
    text = fields.String()
    links = fields.List(fields.String())
    seq = fields.Integer()
    created_at = fields.DateTime()
