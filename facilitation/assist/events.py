"""The facilitator's assistance queries: they answer, and change nothing anyone sees."""

from __future__ import annotations

from typing import Any

from ..realtime.commands import current_actor, query
from ..workshops.services import get_workshop
from . import services
from .schemas import SimilarSchema, SuggestSchema


@query("assist.suggest", SuggestSchema())
def suggest(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    actor.require_facilitator()
    workshop = get_workshop(actor.workshop_id)
    return {"groups": services.suggest(actor, workshop, data["area"])}


@query("assist.similar", SimilarSchema())
def similar(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    actor.require_facilitator()
    workshop = get_workshop(actor.workshop_id)
    return {"notes": services.similar(actor, workshop, data["group_id"], data["limit"])}
