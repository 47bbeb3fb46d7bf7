"""Socket handlers for groups (facilitator only)."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import CreateGroupSchema, GroupRefSchema, GroupSchema, UpdateGroupSchema


@command("group.create", CreateGroupSchema())
def create_group(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    group = services.create_group(actor, workshop, data["title"], data["area"], data["note_ids"])
    return {"group": GroupSchema().dump(group)}


@command("group.update", UpdateGroupSchema())
def update_group(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    group = services.update_group(actor, workshop, data["id"], data["title"], data["position"])
    return {"group": GroupSchema().dump(group)}


@command("group.delete", GroupRefSchema())
def delete_group(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    services.delete_group(actor, get_workshop(actor.workshop_id), data["id"])
    return {"id": data["id"]}
