"""Coalition payloads: what forms and the API accept, what they return."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..realtime.schemas import CommandSchema, Id
from ..text import UserText
from .models import QUALITIES, Status

LINE = {"multiline": False}


class ActorSchema(Schema):
    name = UserText(required=True, max_length=160, **LINE)
    kind = fields.String(
        load_default="organisation", validate=validate.OneOf(["organisation", "person"])
    )
    role = UserText(load_default="", allow_empty=True, max_length=120, **LINE)


class StepSchema(Schema):
    step = UserText(required=True, max_length=500)
    when = UserText(load_default="", allow_empty=True, max_length=40, **LINE)


class CoalitionInputSchema(Schema):
    """Creating or editing a coalition (every field optional when editing)."""

    title = UserText(required=True, max_length=200, **LINE)
    diagnostic = UserText(load_default="", allow_empty=True, max_length=5000)
    impact = UserText(load_default="", allow_empty=True, max_length=3000)
    impact_date = fields.Date(load_default=None, allow_none=True)
    actors = fields.List(
        fields.Nested(ActorSchema), load_default=list, validate=validate.Length(max=100)
    )
    levers = UserText(load_default="", allow_empty=True, max_length=5000)
    path = fields.List(
        fields.Nested(StepSchema), load_default=list, validate=validate.Length(max=50)
    )
    evaluation = UserText(load_default="", allow_empty=True, max_length=3000)
    indicators = fields.List(
        UserText(max_length=300, **LINE), load_default=list, validate=validate.Length(max=30)
    )
    themes = fields.List(
        UserText(max_length=40, **LINE), load_default=list, validate=validate.Length(max=12)
    )
    qualities = fields.List(fields.String(validate=validate.OneOf(QUALITIES)), load_default=list)
    status = fields.String(
        load_default=Status.DRAFT.value,
        validate=validate.OneOf([status.value for status in Status]),
    )


class CoalitionChangeSchema(CoalitionInputSchema):
    """Editing a coalition through the API: only the fields sent change (see api.py)."""


class MemberInputSchema(Schema):
    name = UserText(required=True, max_length=120, **LINE)
    organisation = UserText(load_default="", allow_empty=True, max_length=160, **LINE)
    role = UserText(load_default="", allow_empty=True, max_length=120, **LINE)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    role = fields.String()
    email = fields.String()
    via = fields.String()
    created_at = fields.DateTime()


class PublicMemberSchema(MemberSchema):
    """Members as anyone sees them: no e-mail addresses."""

    class Meta:
        exclude = ("email",)


class OriginSchema(Schema):
    workshop_id = fields.Integer()
    workshop_title = fields.String()
    group_id = fields.Integer(allow_none=True)
    note_id = fields.Integer(allow_none=True)


class CoalitionSchema(Schema):
    id = fields.Integer()
    number = fields.Integer(allow_none=True)
    title = fields.String()
    diagnostic = fields.String()
    impact = fields.String()
    impact_date = fields.Date(allow_none=True)
    actors = fields.List(fields.Nested(ActorSchema))
    levers = fields.String()
    path = fields.List(fields.Nested(StepSchema))
    evaluation = fields.String()
    indicators = fields.List(fields.String())
    themes = fields.List(fields.String())
    qualities = fields.List(fields.String())
    status = fields.String()
    source_note = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CoalitionFilterSchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in Status]))
    theme = fields.String(load_default=None, validate=validate.Length(1, 40))
    quality = fields.String(load_default=None, validate=validate.OneOf(QUALITIES))


class PromoteSchema(CommandSchema):
    target = fields.String(required=True, validate=validate.Regexp(r"^(note|group):[0-9]{1,10}$"))


class PhonePledgeSchema(CommandSchema):
    proposal_id = Id(required=True)
    name = UserText(required=True, max_length=120, **LINE)
    organisation = UserText(load_default="", allow_empty=True, max_length=160, **LINE)
    role = UserText(load_default="", allow_empty=True, max_length=120, **LINE)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
