"""Socket handlers for dot voting."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop, state
from . import services
from .schemas import RevealSchema, VoteRulesSchema, VoteSchema


@command("vote.cast", VoteSchema(), grouped=True)
def cast(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return services.cast(actor, get_workshop(actor.workshop_id), data["target"], +1)


@command("vote.retract", VoteSchema(), grouped=True)
def retract(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return services.cast(actor, get_workshop(actor.workshop_id), data["target"], -1)


@command("vote.rules", VoteRulesSchema())
def set_rules(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    services.set_rules(actor, workshop, data["budget"], data["max_per_item"])
    return {"workshop": state(workshop)}


@command("results.reveal", RevealSchema())
def reveal(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    services.reveal_results(actor, workshop, data["revealed"])
    return {"results_revealed": workshop.results_revealed}
