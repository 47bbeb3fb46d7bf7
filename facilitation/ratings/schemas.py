"""Rating payloads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

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


# --- REST: the counts and each rating phase's results (docs/protocol.md, "Ratings") -----


class PhaseCountsSchema(Schema):
    items = fields.Dict(
        keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer())
    )
    participants = fields.Integer(required=True)


class CriterionResultSchema(Schema):
    n = fields.Integer(required=True)
    distribution = fields.List(fields.Integer(), required=True)
    median = fields.Float(allow_none=True, required=True)
    q1 = fields.Float(allow_none=True, required=True)
    q3 = fields.Float(allow_none=True, required=True)


class ItemResultSchema(Schema):
    item = fields.String(required=True)
    criteria = fields.Dict(
        keys=fields.String(), values=fields.Nested(CriterionResultSchema), required=True
    )


class PhaseResultsSchema(Schema):
    phase = fields.String(required=True)
    target = fields.String(required=True)
    participants = fields.Integer(required=True)
    revealed = fields.Boolean(required=True)
    items = fields.List(fields.Nested(ItemResultSchema), required=True)


class RatingsOutSchema(Schema):
    """What the staff read of the ratings: the counts per rating phase, item and criterion,
    and every rating phase's results with whether the screens show them."""

    counts = fields.Dict(keys=fields.String(), values=fields.Nested(PhaseCountsSchema))
    phases = fields.List(fields.Nested(PhaseResultsSchema), required=True)
