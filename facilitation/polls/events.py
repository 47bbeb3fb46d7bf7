"""Socket handlers for quick polls."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command, current_actor, query
from ..workshops.services import get_workshop
from . import services
from .schemas import (
    PollAnswerSchema,
    PollCountsSchema,
    PollCreateSchema,
    PollRevealSchema,
    PollSchema,
)


@command("poll.answer", PollAnswerSchema(), grouped=True)
def answer(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return services.answer(actor, workshop, data["poll_id"], data["choices"])


@command("poll.create", PollCreateSchema())
def create(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return services.create(
        actor,
        workshop,
        data["question"],
        data["options"],
        data["multiple"],
        data.get("max_choices"),
    )


@command("poll.open", PollSchema())
def open_poll(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return services.open_poll(actor, get_workshop(actor.workshop_id), data["poll_id"])


@command("poll.close", PollSchema())
def close(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return services.close(actor, get_workshop(actor.workshop_id), data["poll_id"])


@command("poll.hide", PollSchema())
def hide(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return services.hide(actor, get_workshop(actor.workshop_id), data["poll_id"])


@command("poll.reveal", PollRevealSchema())
def reveal(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    return services.reveal(actor, workshop, data["poll_id"], data["revealed"])


@query("poll.counts", PollCountsSchema())
def counts(data: dict[str, Any]) -> dict[str, Any]:
    actor = current_actor()
    return services.counts(actor, get_workshop(actor.workshop_id), data["poll_id"])
