"""The facilitator's assistance queries: they answer, and change nothing anyone sees.

Each reads what it needs and commits before the similarity process works, so that no
transaction waits on it (services.py). Each is answered beside the socket's reader
(``aside``): the facilitator's next commands do not wait for the similarity process."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..extensions import db
from ..realtime.commands import current_actor, query
from ..workshops.services import get_workshop
from . import services
from .schemas import SimilarSchema, SuggestSchema


def prepared(items: list[services.Item]) -> dict[str, np.ndarray]:
    """Ready for the similarity process: the notes without a vector for their text get
    it, computed (the process keeps it) and stored; returned, by digest, the stored
    vectors of texts the process has not seen. Only digests are read of the others; no
    transaction open while the process works."""
    sent, missing = services.to_send(items)
    db.session.commit()
    fresh = services.compute(missing, {})
    if fresh:
        services.store(missing, fresh)
        db.session.commit()
    return sent


@query("assist.suggest", SuggestSchema(), aside=True)
def suggest(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    workshop = get_workshop(actor.workshop_id)
    items = services.loose_items(actor, workshop, data["area"])
    return {"groups": services.suggest(items, prepared(items))}


@query("assist.similar", SimilarSchema(), aside=True)
def similar(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    workshop = get_workshop(actor.workshop_id)
    members, candidates = services.group_items(actor, workshop, data["group_id"])
    sent = prepared(members + candidates)
    return {"notes": services.similar(members, candidates, sent, data["limit"])}
