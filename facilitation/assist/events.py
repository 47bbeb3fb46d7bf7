"""The facilitator's assistance queries: they answer, and change nothing anyone sees.

Each reads what it needs and commits before the similarity process works, so that no
transaction waits on it (services.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..extensions import db
from ..realtime.commands import current_actor, query
from ..workshops.services import get_workshop
from . import services
from .schemas import SimilarSchema, SuggestSchema


def vectors_of(items: list[services.Item]) -> dict[int, np.ndarray]:
    """Stored vectors, and the missing ones computed and stored, no transaction open
    while they are computed."""
    stored = services.stored_vectors(items)
    db.session.commit()
    fresh = services.compute(items, stored)
    if fresh:
        services.store(items, fresh)
        db.session.commit()
    return stored | fresh


@query("assist.suggest", SuggestSchema())
def suggest(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    workshop = get_workshop(actor.workshop_id)
    items = services.loose_items(actor, workshop, data["area"])
    return {"groups": services.suggest(items, vectors_of(items))}


@query("assist.similar", SimilarSchema())
def similar(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    workshop = get_workshop(actor.workshop_id)
    members, candidates = services.group_items(actor, workshop, data["group_id"])
    vectors = vectors_of(members + candidates)
    return {"notes": services.similar(members, candidates, vectors, data["limit"])}
