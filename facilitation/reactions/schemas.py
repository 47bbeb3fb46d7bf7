"""Reaction payloads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..realtime.schemas import CommandSchema, Id, StrictBoolean


class ReactSchema(CommandSchema):
    note_id = Id(required=True)
    value = fields.Integer(required=True, strict=True, validate=validate.OneOf((-1, 0, 1)))


class OpinionsRevealSchema(CommandSchema):
    revealed = StrictBoolean(required=True)


# --- REST: each note's counts and the revealed opinion map (docs/protocol.md, "Opinions") --


class CountSchema(Schema):
    agree = fields.Integer(required=True)
    disagree = fields.Integer(required=True)
    pass_ = fields.Integer(required=True, data_key="pass")


class CountsSchema(Schema):
    items = fields.Dict(keys=fields.String(), values=fields.Nested(CountSchema), required=True)
    participants = fields.Integer(required=True)


class RepresentativeSchema(Schema):
    note_id = fields.Integer(required=True)
    text = fields.String(required=True)
    side = fields.String(required=True, validate=validate.OneOf(("agree", "disagree")))
    rate = fields.Float(required=True)


class OpinionGroupSchema(Schema):
    id = fields.Integer(required=True)
    members = fields.Integer(required=True)
    representative = fields.List(fields.Nested(RepresentativeSchema), required=True)


class RatedNoteSchema(Schema):
    note_id = fields.Integer(required=True)
    text = fields.String(required=True)
    agree_rates = fields.List(fields.Float(allow_none=True), required=True)
    score = fields.Float()
    most = fields.Integer()
    least = fields.Integer()


class DotSchema(Schema):
    x = fields.Float(required=True)
    y = fields.Float(required=True)
    group = fields.Integer(required=True)


class OpinionMapSchema(Schema):
    enough = fields.Boolean(required=True)
    reason = fields.String(
        validate=validate.OneOf(("too-few-items", "too-few-participants", "no-groups"))
    )
    participants = fields.Integer(required=True)
    clear = fields.Boolean()
    groups = fields.List(fields.Nested(OpinionGroupSchema))
    consensus = fields.List(fields.Nested(RatedNoteSchema))
    divisive = fields.List(fields.Nested(RatedNoteSchema))
    dots = fields.List(fields.Nested(DotSchema))


class OpinionsOutSchema(Schema):
    """What the staff read of the answers: each note's counts (keyed by note id), how many
    participants answered, and the opinion map as revealed (null while it is not)."""

    counts = fields.Nested(CountsSchema, required=True)
    opinions = fields.Nested(OpinionMapSchema, allow_none=True, required=True)
