"""Socket handlers for reactions and the opinion map."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import OpinionsRevealSchema, ReactSchema


@command("react.cast", ReactSchema(), grouped=True)
def cast(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return services.react(actor, workshop, data["note_id"], data["value"])


@command("opinions.reveal", OpinionsRevealSchema())
def reveal(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return {"opinions_revealed": services.reveal(actor, workshop, data["revealed"])}
