"""Socket handlers for ratings."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import RateSchema, RatingsRevealSchema


@command("rate.cast", RateSchema(), grouped=True)
def cast(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return services.cast(actor, workshop, data["item"], data["criterion"], data["value"])


@command("ratings.reveal", RatingsRevealSchema())
def reveal(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return services.reveal(actor, workshop, data.get("phase"), data["revealed"])
