"""Targets: "note:12", "group:3", "card:5" — what one votes for, spotlights or links to."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from .cards.models import Card
from .errors import InvalidInput, NotFound
from .extensions import db
from .groups.models import Group
from .notes.models import Note
from .realtime.schemas import MAX_ID

PATTERN = re.compile(r"^(note|group|card):([0-9]{1,10})$")
MODELS: dict[str, type[Note | Group | Card]] = {"note": Note, "group": Group, "card": Card}


def resolve(workshop_id: int, target: str, kinds: tuple[str, ...]) -> Note | Group | Card:
    """The live item a target names in this workshop (hidden or merged notes are not live)."""
    match = PATTERN.match(target)
    # Ids run from 1 to 2³¹−1 (docs/protocol.md): "note:0" is malformed, not missing.
    if not match or match.group(1) not in kinds or not 0 < int(match.group(2)) <= MAX_ID:
        raise InvalidInput(fields={"target": [str(_l("Unknown target: %(t)s", t=target))]})
    item = db.session.get(MODELS[match.group(1)], int(match.group(2)))
    if (
        item is None
        or item.workshop_id != workshop_id
        or item.deleted_at is not None
        or getattr(item, "hidden", False)
        or getattr(item, "merged_into_id", None) is not None
    ):
        raise NotFound(_l("This item does not exist."))
    return item
