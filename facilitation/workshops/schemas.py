"""What crosses the wire about a workshop: creation input, live state, format summary."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..formats import Format, Phase, RateRules
from ..formats.kinds import CARD_CAPABILITY, card_slots
from ..realtime.schemas import CommandSchema, StrictBoolean
from ..text import UserText
from .codes import display_code


class CreateWorkshopSchema(Schema):
    format = fields.String(required=True, validate=validate.Length(1, 40))
    title = UserText(required=True, max_length=200, multiline=False)
    question = UserText(load_default="", max_length=1000, allow_empty=True)
    language = fields.String(load_default="fr", validate=validate.OneOf(["fr", "en"]))


class TimerSchema(CommandSchema):
    seconds = fields.Integer(required=True, strict=True, validate=validate.Range(1, 4 * 3600))


class LockSchema(CommandSchema):
    locked = StrictBoolean(required=True)


class JoiningSchema(CommandSchema):
    open = StrictBoolean(required=True)


class PublishSchema(CommandSchema):
    published = StrictBoolean(required=True)


class SpotlightSchema(CommandSchema):
    target = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Regexp(r"^(note|group|card):[0-9]{1,10}$"),
    )


class BoardViewSchema(CommandSchema):
    """What the projected board shows: its stage or the join screen, zoomed onto one area
    or group or not, its pages turning by themselves (``page`` null) or held on one."""

    mode = fields.String(required=True, validate=validate.OneOf(["stage", "join", "opinions"]))
    focus = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Regexp(r"^(area:[a-z0-9_-]{1,40}|group:[0-9]{1,10})$"),
    )
    page = fields.Integer(
        required=True, allow_none=True, strict=True, validate=validate.Range(1, 999)
    )


class MovePhaseSchema(CommandSchema):
    index = fields.Integer(required=True, strict=True, validate=validate.Range(0, 29))


def phase_summary(phase: Phase, fmt: Format) -> dict[str, Any]:
    return {
        "key": phase.key,
        "kind": phase.kind,
        "label": phase.label.as_dict(),
        "instructions": phase.instructions.as_dict() if phase.instructions else None,
        "allows": sorted(phase.allows),
        "duration_minutes": phase.duration_minutes,
        "areas": list(phase.areas) if phase.areas else None,
        "vote": phase.vote.__dict__ if phase.vote else None,
        "rate": _rate_rules(phase.rate) if phase.rate else None,
        "slots": _card_slots(phase, fmt),
    }


def _rate_rules(rules: RateRules) -> dict[str, Any]:
    """What is rated and on which criteria, each with its scale's points and labels."""
    return {
        "target": rules.target,
        "lens": rules.lens,
        "criteria": [
            {
                "key": criterion.key,
                "label": criterion.label.as_dict(),
                "description": criterion.description.as_dict() if criterion.description else None,
                "scale": {
                    "from": criterion.scale.low,
                    "to": criterion.scale.high,
                    "labels": [label.as_dict() for label in criterion.scale.labels],
                },
            }
            for criterion in rules.criteria
        ],
    }


def _card_slots(phase: Phase, fmt: Format) -> dict[str, list[dict[str, Any]]]:
    """The slots of the card kinds this phase lets participants add (empty for the others)."""
    return {
        kind: [
            {
                "key": slot.key,
                "label": slot.label.as_dict(),
                "hint": slot.hint.as_dict() if slot.hint else None,
            }
            for slot in card_slots(fmt, kind)
        ]
        for kind, capability in CARD_CAPABILITY.items()
        if phase.permits(capability)
    }


def format_summary(fmt: Format) -> dict[str, Any]:
    """The format as screens need it: areas and phases, in both languages."""
    return {
        "key": fmt.key,
        "title": fmt.title.as_dict(),
        "question_label": fmt.question_label.as_dict(),
        "areas": [
            {
                "key": area.key,
                "label": area.label.as_dict(),
                "color": area.color,
                "hint": area.hint.as_dict() if area.hint else None,
            }
            for area in fmt.areas
        ],
        "phases": [phase_summary(phase, fmt) for phase in fmt.phases],
    }


class WorkshopSummarySchema(Schema):
    """What says which workshop it is and where it stands."""

    id = fields.Integer()
    code = fields.Function(lambda workshop: display_code(workshop.code))
    title = fields.String()
    question = fields.String()
    format = fields.String(attribute="format_key")
    language = fields.String()
    status = fields.String()
    phase_index = fields.Integer()
    anonymous = fields.Boolean()


class WorkshopStateSchema(WorkshopSummarySchema):
    """The workshop's live state, as every screen receives it."""

    locked = fields.Boolean()
    joining_open = fields.Boolean()
    results_revealed = fields.Boolean()
    timer_ends_at = fields.DateTime()
    timer_remaining = fields.Integer()
    spotlight = fields.String()
    seq = fields.Integer()


class WorkshopOutSchema(WorkshopSummarySchema):
    """A workshop in the API."""

    created_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)


class ParticipationSchema(Schema):
    participants = fields.Integer()
    contributors = fields.Integer()
    voters = fields.Integer()
    notes = fields.Integer()
    hidden_notes = fields.Integer()
    merged_notes = fields.Integer()
    dots = fields.Integer()
    pledges = fields.Integer()


class WorkshopDetailSchema(WorkshopOutSchema):
    phase = fields.Dict()
    participation = fields.Nested(ParticipationSchema)
