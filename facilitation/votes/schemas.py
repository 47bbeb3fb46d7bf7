"""Voting payloads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..realtime.schemas import CommandSchema, StrictBoolean

TARGET = validate.Regexp(r"^(note|group):[0-9]{1,10}$", error="note:<id> or group:<id>.")


class VoteSchema(CommandSchema):
    target = fields.String(required=True, validate=TARGET)


class VoteRulesSchema(CommandSchema):
    budget = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))
    max_per_item = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))


class RevealSchema(CommandSchema):
    revealed = StrictBoolean(required=True)


class ResultSchema(Schema):
    target = fields.String()
    kind = fields.String()
    id = fields.Integer()
    label = fields.String()
    area = fields.String(allow_none=True)
    dots = fields.Integer()
    rank = fields.Integer()
    tied = fields.Boolean()


class ResultsSchema(Schema):
    total = fields.Integer()
    voters = fields.Integer()
    results = fields.List(fields.Nested(ResultSchema))
