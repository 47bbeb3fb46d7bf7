"""Marshmallow schemas that check a format file and build its frozen values."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .kinds import CAPABILITIES, KINDS
from .model import Area, Format, LocalizedText, Phase, VoteRules

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


class PhaseSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    label = fields.Nested(LocalizedTextSchema, required=True)
    instructions = fields.Nested(LocalizedTextSchema)
    allows = fields.List(fields.String(validate=validate.OneOf(sorted(CAPABILITIES))))
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(1, 600))
    vote = fields.Nested(VoteRulesSchema)
    areas = fields.List(fields.String(validate=KEY), validate=validate.Length(min=1))

    @validates_schema
    def vote_rules_present(self, data: dict[str, Any], **_: Any) -> None:
        kind = KINDS.get(data.get("kind", ""))
        allows = set(data.get("allows", kind.allows if kind else ()))
        if ("vote" in allows or (kind and kind.needs_vote_rules)) and "vote" not in data:
            raise ValidationError("A voting phase needs vote rules (budget, max_per_item).", "vote")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Phase:
        allows = data.pop("allows", None)
        data["allows"] = frozenset(KINDS[data["kind"]].allows if allows is None else allows)
        if "areas" in data:
            data["areas"] = tuple(data["areas"])
        return Phase(**data)


class FormatSchema(Schema):
    title = fields.Nested(LocalizedTextSchema, required=True)
    description = fields.Nested(LocalizedTextSchema, required=True)
    question_label = fields.Nested(LocalizedTextSchema, required=True)
    anonymous = fields.Boolean(load_default=True)
    areas = fields.List(fields.Nested(AreaSchema), required=True, validate=validate.Length(1, 12))
    phases = fields.List(fields.Nested(PhaseSchema), required=True, validate=validate.Length(1, 30))

    @validates_schema
    def keys_are_unique_and_known(self, data: dict[str, Any], **_: Any) -> None:
        areas = [area.key for area in data.get("areas", [])]
        _unique(areas, "areas")
        phases = data.get("phases", [])
        _unique([phase.key for phase in phases], "phases")
        for index, phase in enumerate(phases):
            for key in phase.areas or ():
                if key not in areas:
                    message = f"Unknown area {key!r}; the format declares {', '.join(areas)}."
                    raise ValidationError({index: {"areas": [message]}}, "phases")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["areas"] = tuple(data["areas"])
        data["phases"] = tuple(data["phases"])
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
