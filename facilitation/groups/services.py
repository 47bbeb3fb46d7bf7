"""Groups of notes, made and named by the facilitator: clusters, candidate coalitions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth import Actor
from ..database import utcnow
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..notes import selection
from ..notes import services as notes
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import format_of, item_changed, public, state_contributor
from ..workshops.models import Workshop
from ..workshops.services import announce
from .models import Group
from .schemas import GroupSchema

CANVAS_GROUPS = 3  # by default, the canvas is filled for the three top groups


def audience_of(workshop: Workshop) -> Audience:
    return Audience.ALL if public(workshop) else Audience.STAFF


def record(workshop: Workshop, group: Group) -> int:
    def data(seq: int) -> dict[str, Any]:
        group.seq = seq
        return GroupSchema().dump(group)

    return eventlog.append(workshop.id, EventType.GROUP_SAVED, audience_of(workshop), data)


def get_group(actor: Actor, group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if group is None or group.workshop_id != actor.workshop_id or group.deleted_at is not None:
        raise NotFound(_l("This group does not exist."))
    return group


def create_group(
    actor: Actor,
    workshop: Workshop,
    title: str,
    area: str | None,
    note_ids: Sequence[int] = (),
) -> Group:
    """A new group at the end of its area (or of the board), empty or with these notes
    (all of them, or no group at all: selection.place_notes)."""
    actor.require_facilitator()
    if area is not None and format_of(workshop).area(area) is None:
        raise InvalidInput(fields={"area": [str(_l("Unknown area."))]})
    last = db.session.scalar(
        select(func.max(Group.position)).where(Group.workshop_id == workshop.id)
    )
    group = Group(workshop_id=workshop.id, area=area, title=title, position=(last or 0) + 1)
    with keeping_canvas(workshop):
        db.session.add(group)
        db.session.flush()
        record(workshop, group)
    if note_ids:
        selection.place_notes(actor, workshop, note_ids, group.id)
    return group


def update_group(
    actor: Actor, workshop: Workshop, group_id: int, title: str | None, position: int | None
) -> Group:
    """Rename a group or move it."""
    actor.require_facilitator()
    group = get_group(actor, group_id)
    with keeping_canvas(workshop):
        if title is not None:
            group.title = title
        if position is not None:
            group.position = position
        record(workshop, group)
    if title is not None:
        item_changed(workshop, group)
    return group


def delete_group(actor: Actor, workshop: Workshop, group_id: int) -> Group:
    """Dissolve a group: its notes go back to the loose notes."""
    actor.require_facilitator()
    group = get_group(actor, group_id)
    if group.dots or group.pledges:
        message = _l("People voted for or pledged to this group: it cannot be dissolved now.")
        raise InvalidInput(message)
    with keeping_canvas(workshop):
        group.deleted_at = utcnow()
        notes.ungroup(workshop, group.id)
        eventlog.append(
            workshop.id, EventType.GROUP_DELETED, audience_of(workshop), {"id": group.id}
        )
    item_changed(workshop, group)  # gone from what screens show (a project's ratings)
    return group


def visible_groups(
    actor: Actor, workshop: Workshop, after: int | None = None, limit: int | None = None
) -> list[Group]:
    """In the board's order; or, given ``after``, those after that id by id (at most
    ``limit``: a snapshot's page)."""
    if not (actor.is_staff or public(workshop)):
        return []
    query = select(Group).where(Group.workshop_id == workshop.id, Group.deleted_at.is_(None))
    if after is None:
        return list(db.session.scalars(query.order_by(Group.position, Group.id)))
    query = query.where(Group.id > after).order_by(Group.id).limit(limit)
    return list(db.session.scalars(query))


def top_groups(workshop: Workshop, count: int) -> list[Group]:
    """The groups with the most dots, then the most pledges (candidate coalitions)."""
    query = (
        select(Group)
        .where(Group.workshop_id == workshop.id, Group.deleted_at.is_(None))
        .order_by(Group.dots.desc(), Group.pledges.desc(), Group.position)
        .limit(count)
    )
    return list(db.session.scalars(query))


def canvas_groups(workshop: Workshop) -> list[int]:
    """The groups whose coalition canvas is filled: chosen by the facilitator, or the top."""
    chosen = (workshop.settings or {}).get("canvas_groups")
    if chosen is not None:
        return list(chosen)
    return [group.id for group in top_groups(workshop, CANVAS_GROUPS)]


@state_contributor
def canvas_state(workshop: Workshop) -> dict[str, Any]:
    """Every screen knows which groups have a canvas (the cards of the coalition canvas)."""
    return {"canvas_groups": canvas_groups(workshop)}


@contextmanager
def keeping_canvas(workshop: Workshop) -> Iterator[None]:
    """Around a change to groups (their dots, pledges, order, a new or dissolved one):
    until the facilitator chooses, the canvas's groups are the top three, which such a
    change may reorder. Screens hold them in the workshop's state, so a change of them
    is announced as the workshop's (nothing is read when the facilitator has chosen)."""
    if (workshop.settings or {}).get("canvas_groups") is not None:
        yield
        return
    before = canvas_groups(workshop)
    yield
    db.session.flush()
    if canvas_groups(workshop) != before:
        announce(workshop)
