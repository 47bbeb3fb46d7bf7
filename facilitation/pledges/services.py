"""Pledges: a participant says they would join a candidate coalition (a group)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth import Actor
from ..errors import Conflict
from ..extensions import db
from ..groups import services as groups
from ..groups.models import Group
from ..rules import require_participant_action
from ..workshops.models import Workshop
from .models import Pledge


def _find(actor: Actor, group_id: int) -> Pledge | None:
    return db.session.scalar(
        select(Pledge).where(
            Pledge.participant_id == actor.participant_id, Pledge.group_id == group_id
        )
    )


def pledge(
    actor: Actor, workshop: Workshop, group_id: int, name: str | None, organisation: str | None
) -> Group:
    """'I would join': counted on the group at once, kept with the name given."""
    actor.require_participant()
    require_participant_action(workshop, actor, "pledge")
    group = groups.get_group(actor, group_id)
    if _find(actor, group_id):
        raise Conflict(_l("You already pledged to this group."))
    db.session.add(
        Pledge(
            workshop_id=workshop.id,
            group_id=group.id,
            participant_id=actor.participant_id,
            name=name or None,
            organisation=organisation or None,
        )
    )
    return _count(workshop, group, +1)


def withdraw(actor: Actor, workshop: Workshop, group_id: int) -> Group:
    actor.require_participant()
    require_participant_action(workshop, actor, "pledge")
    group = groups.get_group(actor, group_id)
    existing = _find(actor, group_id)
    if existing is None:
        raise Conflict(_l("You have not pledged to this group."))
    db.session.delete(existing)
    return _count(workshop, group, -1)


def _count(workshop: Workshop, group: Group, delta: int) -> Group:
    with groups.keeping_canvas(workshop):  # the canvas's default groups rank by pledges too
        group.pledges = Group.pledges + delta
        db.session.flush()
        db.session.refresh(group, ["pledges"])
        groups.record(workshop, group)
    return group


def my_pledges(actor: Actor) -> list[int]:
    assert actor.participant_id is not None
    return pledges_of([actor.participant_id])[actor.participant_id]


def pledges_of(participant_ids: list[int]) -> dict[int, list[int]]:
    """The groups each participant pledged to, in one query for many participants."""
    query = select(Pledge.participant_id, Pledge.group_id).where(
        Pledge.participant_id.in_(participant_ids)
    )
    found: dict[int, list[int]] = {participant: [] for participant in participant_ids}
    for participant, group in db.session.execute(query.order_by(Pledge.id)):
        found[participant].append(group)
    return found
