"""Rating payloads."""

from __future__ import annotations

from marshmallow import fields, validate

from ..formats.schemas import KEY
from ..realtime.schemas import CommandSchema, StrictBoolean

ITEM = validate.Regexp(
    r"^(note|group|proposal):[0-9]{1,10}$",
    error='An item is "note:<id>", "group:<id>" or "proposal:<id>".',
)


class RateSchema(CommandSchema):
    item = fields.String(required=True, validate=ITEM)
    criterion = fields.String(required=True, validate=KEY)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(-10, 10))


class RatingsRevealSchema(CommandSchema):
    revealed = StrictBoolean(required=True)
    phase = fields.String(validate=KEY)  # the rating phase; by default the current or latest
