"""Socket handlers for cards and the choice of canvas groups."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import AddCardSchema, CanvasGroupsSchema, CardRefSchema, EditCardSchema


@command("card.add", AddCardSchema())
def add(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    fields = {key: data[key] for key in ("kind", "slot", "text", "group_id", "links")}
    card = services.add_card(actor, workshop, fields)
    return {"card": services.payload(workshop, card) | {"mine": True}}


@command("card.edit", EditCardSchema())
def edit(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    card = services.edit_card(actor, workshop, data["id"], data["text"])
    return {"card": services.payload(workshop, card)}


@command("card.delete", CardRefSchema())
def delete(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    services.delete_card(actor, get_workshop(actor.workshop_id), data["id"])
    return {"id": data["id"]}


@command("canvas.groups", CanvasGroupsSchema())
def choose_groups(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    services.choose_canvas_groups(actor, workshop, data["group_ids"])
    return {"canvas_groups": services.canvas_groups(workshop)}
