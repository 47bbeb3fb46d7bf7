"""Poll payloads."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..realtime.schemas import CommandSchema, Id, StrictBoolean
from ..text import UserText

MAX_OPTIONS = 10


class PollAnswerSchema(CommandSchema):
    poll_id = Id(required=True)
    choices = fields.List(
        fields.Integer(strict=True, validate=validate.Range(0, MAX_OPTIONS - 1)),
        required=True,
        validate=validate.Length(1, MAX_OPTIONS),
    )


class PollCreateSchema(CommandSchema):
    """A poll asked live: typed in the workshop's language, opened at once."""

    question = UserText(required=True, max_length=300)
    options = fields.List(
        UserText(max_length=120, multiline=False),
        required=True,
        validate=validate.Length(2, MAX_OPTIONS),
    )
    multiple = StrictBoolean(load_default=False)
    max_choices = fields.Integer(strict=True, validate=validate.Range(2, MAX_OPTIONS))

    @validates_schema
    def options_fit(self, data: dict[str, object], **_: object) -> None:
        options = data.get("options")
        if isinstance(options, list):
            seen: set[str] = set()
            for index, option in enumerate(options):
                if str(option).casefold() in seen:
                    raise ValidationError({index: ["This option repeats another."]}, "options")
                seen.add(str(option).casefold())
        chosen = data.get("max_choices")
        if chosen is not None:
            if not data.get("multiple"):
                raise ValidationError("Only a multiple choice poll has max_choices.", "max_choices")
            if isinstance(options, list) and isinstance(chosen, int) and chosen > len(options):
                raise ValidationError("More choices than options.", "max_choices")


class PollSchema(CommandSchema):
    poll_id = Id(required=True)


class PollRevealSchema(CommandSchema):
    poll_id = Id(required=True)
    revealed = StrictBoolean(required=True)


class PollCountsSchema(Schema):
    poll_id = Id(required=True)


# --- REST: every poll with its counts, revealed or not (docs/protocol.md, "Quick polls") --


class TallySchema(Schema):
    counts = fields.List(fields.Integer(), required=True)
    answered = fields.Integer(required=True)


class PollOutSchema(Schema):
    id = fields.Integer(required=True)
    phase = fields.String(allow_none=True, required=True)
    question = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    options = fields.List(fields.Dict(keys=fields.String(), values=fields.String()), required=True)
    multiple = fields.Boolean(required=True)
    max_choices = fields.Integer(required=True)
    open = fields.Boolean(required=True)
    shown = fields.Boolean(required=True)
    revealed = fields.Boolean(required=True)
    tally = fields.Nested(TallySchema, required=True)


class PollsOutSchema(Schema):
    """What the staff read of the polls: each poll, and its counts whether or not the
    facilitator revealed them (the synthesis has them too)."""

    polls = fields.List(fields.Nested(PollOutSchema), required=True)
