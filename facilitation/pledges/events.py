"""Socket handlers for pledges."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..groups.schemas import GroupSchema
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import PledgeSchema, WithdrawSchema


@command("pledge.add", PledgeSchema())
def add(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    group = services.pledge(actor, workshop, data["group_id"], data["name"], data["organisation"])
    return {"group": GroupSchema().dump(group), "pledged": services.my_pledges(actor)}


@command("pledge.withdraw", WithdrawSchema())
def withdraw(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    group = services.withdraw(actor, get_workshop(actor.workshop_id), data["group_id"])
    return {"group": GroupSchema().dump(group), "pledged": services.my_pledges(actor)}
