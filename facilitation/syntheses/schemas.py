"""The JSON archive of a workshop: checked field by field when it is imported."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..cards.schemas import CARD_MAX_LENGTH
from ..coalitions.schemas import CoalitionInputSchema
from ..formats.kinds import CARD_SLOTS
from ..notes.schemas import NOTE_MAX_LENGTH
from ..realtime.schemas import Position
from ..text import UserText

REF = {"required": True, "validate": validate.Regexp(r"^[pgnc][0-9]{1,7}$")}
OPTIONAL_REF = {
    "load_default": None,
    "allow_none": True,
    "validate": validate.Regexp(r"^[pgnc][0-9]{1,7}$"),
}
KEY = validate.Length(1, 40)
# What people typed (notes, cards, group titles, nicknames) is cleaned as when typed in a
# workshop: an archive cannot bring in control, bidi-override or NUL characters.
LINE = {"multiline": False}
TEXT_MAX_LENGTH = 4000  # the introduction and the conclusions of a synthesis, each


def _time(required: bool = True) -> fields.AwareDateTime:
    if required:
        return fields.AwareDateTime(required=True, default_timezone=UTC)
    return fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)


class HeaderSchema(Schema):
    kind = fields.String(required=True, validate=validate.Equal("workshop"))
    # 1: settings held the instance's own ids, and there were no proposals; 2: no reactions;
    # 3: no ratings; 4: no polls.
    version = fields.Integer(required=True, strict=True, validate=validate.OneOf([1, 2, 3, 4, 5]))


class VoteSettingsSchema(Schema):
    """The facilitator's dot budget and cap per item (votes.services.set_rules)."""

    budget = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))
    max_per_item = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))

    @validates_schema
    def cap_within_budget(self, data: dict[str, Any], **_: Any) -> None:
        if data["max_per_item"] > data["budget"]:
            raise ValidationError("The cap per item cannot exceed the budget.", "max_per_item")


class BoardSettingsSchema(Schema):
    """What the board shows (workshops.services.board_view); a group by its reference."""

    mode = fields.String(required=True, validate=validate.OneOf(["stage", "join"]))
    focus = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^(area:[a-z0-9_-]{1,40}|group:g[0-9]{1,7})$"),
    )
    page = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 999)
    )


class SettingsSchema(Schema):
    """A workshop's live settings, each optional; groups by their references."""

    vote = fields.Nested(VoteSettingsSchema)
    canvas_groups = fields.List(
        fields.String(validate=validate.Regexp(r"^g[0-9]{1,7}$")),
        validate=validate.Length(max=12),
    )
    timers = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,2}$")),
        values=fields.Integer(strict=True, validate=validate.Range(0, 24 * 3600)),
        validate=validate.Length(max=30),
    )
    board = fields.Nested(BoardSettingsSchema)


class WorkshopFieldsSchema(Schema):
    title = UserText(required=True, max_length=200, **LINE)
    question = UserText(required=True, allow_empty=True, max_length=1000)
    format_key = fields.String(required=True, validate=KEY)
    language = fields.String(required=True, validate=validate.OneOf(["fr", "en"]))
    status = fields.String(required=True, validate=validate.OneOf(["running", "ended"]))
    phase_index = fields.Integer(required=True, strict=True, validate=validate.Range(0, 29))
    anonymous = fields.Boolean(required=True)
    locked = fields.Boolean(required=True)
    results_revealed = fields.Boolean(required=True)
    settings = fields.Nested(SettingsSchema, required=True)
    created_at = _time()
    started_at = _time(False)
    ended_at = _time(False)
    # Archives made before these were written have none.
    synthesis_introduction = UserText(load_default="", allow_empty=True, max_length=TEXT_MAX_LENGTH)
    synthesis_conclusions = UserText(load_default="", allow_empty=True, max_length=TEXT_MAX_LENGTH)
    # Whether the facilitator had revealed the opinion map (the map is computed again from
    # the reactions on import); archives made before it was carried have it hidden.
    opinions_revealed = fields.Boolean(load_default=False)
    # The rating phases whose results the facilitator had revealed (version 4).
    ratings_revealed = fields.List(
        fields.String(validate=KEY), load_default=list, validate=validate.Length(max=30)
    )


class ParticipantSchema(Schema):
    ref = fields.String(**REF)
    nickname = UserText(load_default=None, allow_none=True, allow_empty=True, max_length=40, **LINE)
    created_at = _time()


class GroupSchema(Schema):
    ref = fields.String(**REF)
    area = fields.String(load_default=None, allow_none=True, validate=KEY)
    title = UserText(required=True, allow_empty=True, max_length=120, **LINE)
    position = Position(required=True)
    deleted_at = _time(False)
    created_at = _time()


class NoteSchema(Schema):
    ref = fields.String(**REF)
    participant = fields.String(**OPTIONAL_REF)
    area = fields.String(required=True, validate=KEY)
    text = UserText(required=True, max_length=NOTE_MAX_LENGTH)
    color = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$")
    )
    group = fields.String(**OPTIONAL_REF)
    position = Position(required=True)
    hidden = fields.Boolean(required=True)
    merged_into = fields.String(**OPTIONAL_REF)
    deleted_at = _time(False)
    created_at = _time()
    updated_at = _time()


class VoteSchema(Schema):
    participant = fields.String(**REF)
    target = fields.String(**REF)
    area = fields.String(load_default=None, allow_none=True, validate=KEY)
    phase = fields.String(required=True, validate=KEY)
    dots = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))


class ReactionSchema(Schema):
    """A participant's agree (1), disagree (-1) or pass (0) on a note."""

    participant = fields.String(**REF)
    note = fields.String(**REF)
    value = fields.Integer(required=True, strict=True, validate=validate.OneOf([-1, 0, 1]))
    updated_at = _time()


class RatingSchema(Schema):
    """A participant's value for an item on one criterion of a rating phase
    (rating_archive.py says how items are named and what is checked)."""

    participant = fields.String(**REF)
    phase = fields.String(required=True, validate=KEY)
    item = fields.String(
        required=True, validate=validate.Regexp(r"^([ng][0-9]{1,7}|proposal:[0-9]{1,7})$")
    )
    criterion = fields.String(required=True, validate=KEY)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(-10, 10))
    updated_at = _time()


POLL_TEXT = fields.Dict(
    keys=fields.String(validate=validate.OneOf(("fr", "en"))),
    values=fields.String(validate=validate.Length(1, 2000)),
    required=True,
    validate=validate.Length(min=1),
)


class PollAnswerArchiveSchema(Schema):
    participant = fields.String(**REF)
    choices = fields.List(
        fields.Integer(strict=True, validate=validate.Range(0, 9)),
        required=True,
        validate=validate.Length(1, 10),
    )
    updated_at = _time()


class PollArchiveSchema(Schema):
    """A quick poll and its answers (poll_archive.py says what is checked)."""

    phase = fields.String(load_default=None, allow_none=True, validate=KEY)
    question = POLL_TEXT
    options = fields.List(POLL_TEXT, required=True, validate=validate.Length(2, 10))
    multiple = fields.Boolean(required=True)
    max_choices = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(2, 10)
    )
    open = fields.Boolean(required=True)
    shown = fields.Boolean(required=True)
    revealed = fields.Boolean(required=True)
    created_at = _time()
    answers = fields.List(
        fields.Nested(PollAnswerArchiveSchema),
        required=True,
        validate=validate.Length(max=100_000),
    )


class PledgeSchema(Schema):
    participant = fields.String(**REF)
    group = fields.String(**REF)
    name = UserText(load_default=None, allow_none=True, allow_empty=True, max_length=120, **LINE)
    organisation = UserText(
        load_default=None, allow_none=True, allow_empty=True, max_length=160, **LINE
    )
    created_at = _time()


class CardSchema(Schema):
    ref = fields.String(**REF)
    kind = fields.String(required=True, validate=validate.OneOf(sorted(CARD_SLOTS)))
    slot = fields.String(required=True, validate=validate.Length(1, 24))
    group = fields.String(**OPTIONAL_REF)
    participant = fields.String(**OPTIONAL_REF)
    text = UserText(required=True, max_length=CARD_MAX_LENGTH)
    links = fields.List(
        fields.String(validate=validate.Regexp(r"^[gnc][0-9]{1,7}$")), required=True
    )
    deleted_at = _time(False)
    created_at = _time()


class StepSchema(Schema):
    phase_index = fields.Integer(required=True, strict=True, validate=validate.Range(0, 29))
    at = _time()


class MemberArchiveSchema(Schema):
    """Someone who joined a proposal (their e-mail address stays on the instance)."""

    name = UserText(required=True, allow_empty=True, max_length=120, **LINE)
    organisation = UserText(load_default="", allow_empty=True, max_length=160, **LINE)
    role = UserText(load_default="", allow_empty=True, max_length=120, **LINE)
    participant = fields.String(**OPTIONAL_REF)
    via = fields.String(required=True, validate=validate.OneOf(["web", "workshop"]))
    created_at = _time()


class ProposalSchema(CoalitionInputSchema):
    """A coalition proposal the workshop produced, from one of its groups or notes."""

    origin = fields.String(required=True, validate=validate.Regexp(r"^[gn][0-9]{1,7}$"))
    number = fields.Integer(load_default=None, allow_none=True, strict=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["draft", "proposed", "forming", "active", "closed"])
    )
    created_at = _time()
    updated_at = _time()
    members = fields.List(
        fields.Nested(MemberArchiveSchema), required=True, validate=validate.Length(max=10_000)
    )


class WorkshopArchiveSchema(Schema):
    fabrique = fields.Nested(HeaderSchema, required=True)
    exported_at = _time()
    workshop = fields.Nested(WorkshopFieldsSchema, required=True)
    participants = fields.List(fields.Nested(ParticipantSchema), required=True)
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    notes = fields.List(fields.Nested(NoteSchema), required=True)
    votes = fields.List(fields.Nested(VoteSchema), required=True)
    pledges = fields.List(fields.Nested(PledgeSchema), required=True)
    cards = fields.List(fields.Nested(CardSchema), required=True)
    timeline = fields.List(fields.Nested(StepSchema), required=True)
    proposals = fields.List(fields.Nested(ProposalSchema), load_default=list)
    reactions = fields.List(fields.Nested(ReactionSchema), load_default=list)
    ratings = fields.List(
        fields.Nested(RatingSchema), load_default=list, validate=validate.Length(max=1_000_000)
    )
    polls = fields.List(
        fields.Nested(PollArchiveSchema), load_default=list, validate=validate.Length(max=1000)
    )


class SynthesisTextsSchema(Schema):
    """What the facilitator writes around the synthesis: plain text, line breaks kept."""

    introduction = UserText(load_default="", max_length=TEXT_MAX_LENGTH, allow_empty=True)
    conclusions = UserText(load_default="", max_length=TEXT_MAX_LENGTH, allow_empty=True)
