"""Payloads of the facilitator's assistance queries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..realtime.schemas import Id


class SuggestSchema(Schema):
    area = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40))


class SimilarSchema(Schema):
    group_id = Id(required=True)
    limit = fields.Integer(strict=True, load_default=12, validate=validate.Range(1, 50))
