"""Socket handlers: a facilitator promotes a group or note; a phone joins a proposal."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import PhonePledgeSchema, PromoteSchema


@command("proposal.promote", PromoteSchema())
def promote(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    coalition = services.promote(actor, workshop, data["target"])
    return {"proposal": services.summary(coalition, len(services.members(coalition)))}


@command("proposal.pledge", PhonePledgeSchema())
def pledge(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    fields = {key: data[key] for key in ("name", "organisation", "role", "email")}
    member = services.pledge_from_phone(actor, workshop, data["proposal_id"], fields)
    return {"proposal_id": member.coalition_id, "pledged": True}
