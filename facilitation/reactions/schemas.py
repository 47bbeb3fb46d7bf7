"""Reaction payloads."""

from __future__ import annotations

from marshmallow import fields, validate

from ..realtime.schemas import CommandSchema, Id, StrictBoolean


class ReactSchema(CommandSchema):
    note_id = Id(required=True)
    value = fields.Integer(required=True, strict=True, validate=validate.OneOf((-1, 0, 1)))


class OpinionsRevealSchema(CommandSchema):
    revealed = StrictBoolean(required=True)
