"""Targets: "note:12", "group:3", "card:5" — what one votes for, spotlights or links to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm.util import identity_key

from .cards.models import Card
from .database import as_loaded
from .errors import InvalidInput, NotFound
from .extensions import db
from .groups.models import Group
from .notes.models import Note
from .realtime.schemas import MAX_ID

PATTERN = re.compile(r"^(note|group|card):([0-9]{1,10})$")
MODELS: dict[str, type[Note | Group | Card]] = {"note": Note, "group": Group, "card": Card}


def resolve(workshop_id: int, target: str, kinds: tuple[str, ...]) -> Note | Group | Card:
    """The live item a target names in this workshop (hidden or merged notes are not live)."""
    named = _parsed(target, kinds)
    if named is None:
        raise InvalidInput(fields={"target": [str(_l("Unknown target: %(t)s", t=target))]})
    item = _loaded(MODELS[named[0]], named[1])
    if (
        item is None
        or item.workshop_id != workshop_id
        or item.deleted_at is not None
        or getattr(item, "hidden", False)
        or getattr(item, "merged_into_id", None) is not None
    ):
        raise NotFound(_l("This item does not exist."))
    return item


def _parsed(target: str, kinds: tuple[str, ...]) -> tuple[str, int] | None:
    """The kind and id a target names, if well formed and of one of these kinds."""
    match = PATTERN.match(target)
    # Ids run from 1 to 2³¹−1 (docs/protocol.md): "note:0" is malformed, not missing.
    if not match or match.group(1) not in kinds or not 0 < int(match.group(2)) <= MAX_ID:
        return None
    return match.group(1), int(match.group(2))


# Each kind's row by its id, as a plain statement built once: loading the item through the
# ORM (session.get) was the largest share of a dot's time, where the row is all it needs.
_ROW_OF: dict[type[Any], Any] = {
    model: select(model.__table__).where(model.__table__.c.id == bindparam("item_id"))  # type: ignore[attr-defined]
    for model in MODELS.values()
}


def _loaded(model: type[Note | Group | Card], item_id: int) -> Note | Group | Card | None:
    """The item with this id, as the session holds it (refreshed if it must be), or read
    by one plain statement and put in the session as the ORM puts a row it read."""
    session = db.session()
    if identity_key(model, item_id) in session.identity_map:
        return session.get(model, item_id)
    row = session.connection().execute(_ROW_OF[model], {"item_id": item_id}).mappings().first()
    return as_loaded(session, model, dict(row)) if row is not None else None


def read_at_once(
    targets: list[str],
    kinds: tuple[str, ...],
    known: Mapping[int, dict[str, Any]] | None = None,
) -> list[tuple[Note | Group | Card, dict[str, Any]]]:
    """The items these targets name, of these kinds, read in one statement per kind and
    put in the session as loaded (those it holds already are left as they are), for the
    ``resolve`` of each to find them there; each with the row it was made from (a copy,
    the caller's). The caller holds what is returned (the session's identity map is
    weak). ``known``: rows of the first kind by id, as the database holds them now
    (realtime/kept.py), put in the session without a statement. Malformed targets, and
    ids found nowhere, are ``resolve``'s to refuse."""
    session = db.session()
    wanted: dict[str, set[int]] = {}
    for named in (_parsed(target, kinds) for target in targets):
        if (
            named is not None
            and identity_key(MODELS[named[0]], named[1]) not in session.identity_map
        ):
            wanted.setdefault(named[0], set()).add(named[1])
    found: list[tuple[Note | Group | Card, dict[str, Any]]] = []
    for kind, ids in wanted.items():
        model = MODELS[kind]
        rows: list[dict[str, Any]] = []
        if known and kind == kinds[0]:
            rows = [dict(known[item_id]) for item_id in ids if item_id in known]
            ids = ids.difference(known)
        if ids:
            read = session.connection().execute(_ROWS_OF[model], {"item_ids": sorted(ids)})
            rows.extend(dict(row) for row in read.mappings())
        found.extend((as_loaded(session, model, dict(row)), row) for row in rows)
    return found


_ROWS_OF: dict[type[Any], Any] = {
    model: select(model.__table__).where(  # type: ignore[attr-defined]
        model.__table__.c.id.in_(bindparam("item_ids", expanding=True))  # type: ignore[attr-defined]
    )
    for model in MODELS.values()
}
