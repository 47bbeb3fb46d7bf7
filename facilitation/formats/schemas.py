"""Marshmallow schemas that check a format file and build its frozen values."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .kinds import CAPABILITIES, KINDS, RATE_TARGETS
from .lenses import LENSES
from .model import (
    Area,
    Criterion,
    Format,
    LocalizedText,
    Phase,
    PollRules,
    RateRules,
    Scale,
    Slot,
    VoteRules,
)

KEY = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="Use lower-case letters, digits and _.")
COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="Use a #rrggbb colour.")


class LocalizedTextSchema(Schema):
    fr = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    en = fields.String(required=True, validate=validate.Length(min=1, max=2000))

    @post_load
    def make(self, data: dict[str, str], **_: Any) -> LocalizedText:
        return LocalizedText(**data)


class AreaSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    label = fields.Nested(LocalizedTextSchema, required=True)
    color = fields.String(required=True, validate=COLOR)
    hint = fields.Nested(LocalizedTextSchema)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Area:
        return Area(**data)


class VoteRulesSchema(Schema):
    budget = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))
    max_per_item = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))
    per_area = fields.Boolean(load_default=False)
    target = fields.String(load_default="notes", validate=validate.OneOf(["notes", "groups"]))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> VoteRules:
        return VoteRules(**data)


class ScaleSchema(Schema):
    """``{ from = 1, to = 5, labels = [...] }``: one label per point, in order."""

    low = fields.Integer(
        required=True, strict=True, data_key="from", validate=validate.Range(-10, 10)
    )
    high = fields.Integer(
        required=True, strict=True, data_key="to", validate=validate.Range(-10, 10)
    )
    labels = fields.List(fields.Nested(LocalizedTextSchema), required=True)

    @validates_schema
    def points_and_labels_agree(self, data: dict[str, Any], **_: Any) -> None:
        low, high, labels = data.get("low"), data.get("high"), data.get("labels")
        if low is None or high is None or labels is None:
            return
        if not 2 <= high - low + 1 <= 11:
            raise ValidationError("A scale goes up from 'from' to 'to', 2 to 11 points.", "to")
        points = high - low + 1
        if len(labels) != points:
            message = (
                f"The scale from {low} to {high} has {points} points: "
                f"give {points} labels, one per point ({len(labels)} given)."
            )
            raise ValidationError(message, "labels")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Scale:
        return Scale(data["low"], data["high"], tuple(data["labels"]))


class CriterionSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    label = fields.Nested(LocalizedTextSchema, required=True)
    description = fields.Nested(LocalizedTextSchema)
    scale = fields.Nested(ScaleSchema)


class RateRulesSchema(Schema):
    """What a `rate` phase rates, and on which criteria: listed (each with its scale, or the
    phase's ``scale``), or a built-in ``lens`` (formats/lenses.py)."""

    target = fields.String(required=True, validate=validate.OneOf(RATE_TARGETS))
    lens = fields.String(validate=validate.OneOf(sorted(LENSES)))
    scale = fields.Nested(ScaleSchema)
    criteria = fields.List(fields.Nested(CriterionSchema), validate=validate.Length(1, 12))

    @validates_schema
    def criteria_declared(self, data: dict[str, Any], **_: Any) -> None:
        if ("lens" in data) == ("criteria" in data):
            raise ValidationError("Give either criteria or a lens (not both).", "criteria")
        criteria = data.get("criteria") or []
        _unique([criterion["key"] for criterion in criteria], "criteria")
        for index, criterion in enumerate(criteria):
            if "scale" not in criterion and "scale" not in data:
                message = "No scale: give this criterion a scale, or the phase's rate rules one."
                raise ValidationError({index: {"scale": [message]}}, "criteria")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> RateRules:
        if "lens" in data:
            return RateRules(data["target"], LENSES[data["lens"]], data["lens"])
        criteria = tuple(
            Criterion(
                key=criterion["key"],
                label=criterion["label"],
                scale=criterion.get("scale") or data["scale"],
                description=criterion.get("description"),
            )
            for criterion in data["criteria"]
        )
        return RateRules(data["target"], criteria)


class PollRulesSchema(Schema):
    """``poll = { question = {fr, en}, options = [{fr, en}, …], multiple = false }``: 2 to
    10 options, distinct; ``max_choices`` (2 to the number of options) for a multiple one."""

    question = fields.Nested(LocalizedTextSchema, required=True)
    options = fields.List(
        fields.Nested(LocalizedTextSchema), required=True, validate=validate.Length(2, 10)
    )
    multiple = fields.Boolean(load_default=False)
    max_choices = fields.Integer(strict=True, validate=validate.Range(2, 10))

    @validates_schema
    def options_distinct(self, data: dict[str, Any], **_: Any) -> None:
        options = data.get("options") or []
        for language in ("fr", "en"):
            seen: set[str] = set()
            for index, option in enumerate(options):
                text = getattr(option, language).strip().casefold()
                if text in seen:
                    message = f"Option {index + 1} repeats another ({language})."
                    raise ValidationError({index: [message]}, "options")
                seen.add(text)
        chosen = data.get("max_choices")
        if chosen is not None:
            if not data.get("multiple"):
                raise ValidationError("max_choices needs multiple = true.", "max_choices")
            if options and chosen > len(options):
                message = f"At most {len(options)} choices: the poll has {len(options)} options."
                raise ValidationError(message, "max_choices")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> PollRules:
        return PollRules(
            data["question"], tuple(data["options"]), data["multiple"], data.get("max_choices")
        )


class PhaseSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    label = fields.Nested(LocalizedTextSchema, required=True)
    instructions = fields.Nested(LocalizedTextSchema)
    allows = fields.List(fields.String(validate=validate.OneOf(sorted(CAPABILITIES))))
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(1, 600))
    vote = fields.Nested(VoteRulesSchema)
    areas = fields.List(fields.String(validate=KEY), validate=validate.Length(min=1))
    rate = fields.Nested(RateRulesSchema)
    poll = fields.Nested(PollRulesSchema)

    @validates_schema
    def vote_rules_present(self, data: dict[str, Any], **_: Any) -> None:
        kind = KINDS.get(data.get("kind", ""))
        allows = set(data.get("allows", kind.allows if kind else ()))
        if ("vote" in allows or (kind and kind.needs_vote_rules)) and "vote" not in data:
            raise ValidationError("A voting phase needs vote rules (budget, max_per_item).", "vote")
        if "rate" in allows and "rate" not in data:
            message = "A rating phase needs rate rules (target, and criteria or a lens)."
            raise ValidationError(message, "rate")
        if "rate" in data and "rate" not in allows:
            raise ValidationError("Rate rules need a phase that allows 'rate'.", "rate")
        if "poll" in allows and "poll" not in data:
            message = "A poll phase needs its poll (question, options, multiple)."
            raise ValidationError(message, "poll")
        if "poll" in data and "poll" not in allows:
            raise ValidationError("A poll needs a phase that allows 'poll'.", "poll")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Phase:
        allows = data.pop("allows", None)
        data["allows"] = frozenset(KINDS[data["kind"]].allows if allows is None else allows)
        if "areas" in data:
            data["areas"] = tuple(data["areas"])
        return Phase(**data)


class SlotSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    label = fields.Nested(LocalizedTextSchema, required=True)
    hint = fields.Nested(LocalizedTextSchema)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Slot:
        return Slot(**data)


class FormatSchema(Schema):
    title = fields.Nested(LocalizedTextSchema, required=True)
    description = fields.Nested(LocalizedTextSchema, required=True)
    question_label = fields.Nested(LocalizedTextSchema, required=True)
    anonymous = fields.Boolean(load_default=True)
    areas = fields.List(fields.Nested(AreaSchema), required=True, validate=validate.Length(1, 12))
    phases = fields.List(fields.Nested(PhaseSchema), required=True, validate=validate.Length(1, 30))
    # The canvas's fields, when not the coalition canvas (formats/kinds.py: card_slots).
    canvas = fields.List(fields.Nested(SlotSchema), validate=validate.Length(1, 8))
    canvas_label = fields.Nested(LocalizedTextSchema)

    @validates_schema
    def keys_are_unique_and_known(self, data: dict[str, Any], **_: Any) -> None:
        areas = [area.key for area in data.get("areas", [])]
        _unique(areas, "areas")
        phases = data.get("phases", [])
        _unique([phase.key for phase in phases], "phases")
        if phases and phases[0].poll is not None:
            message = "A poll phase cannot come first: its poll opens as the workshop moves to it."
            raise ValidationError({0: {"poll": [message]}}, "phases")
        _unique([slot.key for slot in data.get("canvas") or []], "canvas")
        for index, phase in enumerate(phases):
            for key in phase.areas or ():
                if key not in areas:
                    message = f"Unknown area {key!r}; the format declares {', '.join(areas)}."
                    raise ValidationError({index: {"areas": [message]}}, "phases")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["areas"] = tuple(data["areas"])
        data["phases"] = tuple(data["phases"])
        if "canvas" in data:
            data["canvas"] = tuple(data["canvas"])
        return data


def _unique(keys: list[str], field_name: str) -> None:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            raise ValidationError({index: {"key": [f"Duplicate key {key!r}."]}}, field_name)
        seen.add(key)


def build_format(key: str, raw: dict[str, Any]) -> Format:
    """Check a parsed format file and return its frozen value (raises ValidationError)."""
    return Format(key=key, **FormatSchema().load(raw))
