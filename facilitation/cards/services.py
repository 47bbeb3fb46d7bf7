"""Cards: TOWS strategies drawn from voted items, roadmap items, and the coalition canvas
of the top groups, filled together from phones."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select, true

from ..auth import Actor
from ..database import utcnow
from ..errors import Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..formats.kinds import CARD_CAPABILITY, card_slots
from ..groups import services as groups
from ..participants import services as participants
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import format_of, public, require_participant_action
from ..targets import resolve
from ..workshops.models import Workshop
from ..workshops.services import announce
from .models import Card
from .schemas import CardSchema

CARD_SCHEMA = CardSchema()  # one instance: building a schema costs more than a dump
canvas_groups = groups.canvas_groups


def audience_of(workshop: Workshop) -> Audience:
    return Audience.ALL if public(workshop) else Audience.PARTICIPANT


def payload(
    workshop: Workshop, card: Card, names: dict[int, str | None] | None = None
) -> dict[str, Any]:
    author = participants.author_of(workshop, card.participant_id, names)
    return dump(card) | {"author": author}


def dump(card: Card) -> dict[str, Any]:
    """The card as screens show it, without its author's name."""
    return CARD_SCHEMA.dump(card)


def record(workshop: Workshop, card: Card) -> int:
    def data(seq: int) -> dict[str, Any]:
        card.seq = seq
        return payload(workshop, card)

    return eventlog.append(
        workshop.id, EventType.CARD_SAVED, audience_of(workshop), data, card.participant_id
    )


def choose_canvas_groups(actor: Actor, workshop: Workshop, group_ids: list[int]) -> Workshop:
    actor.require_facilitator()
    for group_id in group_ids:
        groups.get_group(actor, group_id)
    workshop.settings = {**(workshop.settings or {}), "canvas_groups": group_ids}
    announce(workshop)
    return workshop


def _check_links(workshop: Workshop, links: list[str]) -> None:
    for link in links:
        resolve(workshop.id, link, ("note", "group", "card"))


def _check_place(workshop: Workshop, kind: str, slot: str, group_id: int | None) -> None:
    if slot not in {known.key for known in card_slots(format_of(workshop), kind)}:
        raise InvalidInput(fields={"slot": [str(_l("Unknown slot."))]})
    if kind == "canvas" and group_id not in canvas_groups(workshop):
        raise InvalidInput(fields={"group_id": [str(_l("This group has no canvas."))]})
    if kind != "canvas" and group_id is not None:
        raise InvalidInput(fields={"group_id": [str(_l("Only canvas entries belong to a group."))]})


def add_card(actor: Actor, workshop: Workshop, fields: dict[str, Any]) -> Card:
    """A participant (in the phase that allows this kind) or a facilitator adds a card."""
    kind = fields["kind"]
    require_participant_action(workshop, actor, CARD_CAPABILITY[kind])
    _check_place(workshop, kind, fields["slot"], fields["group_id"])
    _check_links(workshop, fields["links"])
    card = Card(
        workshop_id=workshop.id, participant_id=actor.participant_id, **fields, created_at=utcnow()
    )
    db.session.add(card)
    db.session.flush()
    record(workshop, card)
    return card


def get_card(actor: Actor, card_id: int) -> Card:
    card = db.session.get(Card, card_id)
    if card is None or card.workshop_id != actor.workshop_id or card.deleted_at is not None:
        raise NotFound(_l("This card does not exist."))
    return card


def _require_author(actor: Actor, workshop: Workshop, card: Card) -> None:
    if actor.is_facilitator:
        return
    if actor.participant_id is None or card.participant_id != actor.participant_id:
        raise Forbidden(_l("You can only change your own cards."))
    require_participant_action(workshop, actor, CARD_CAPABILITY[card.kind])


def edit_card(actor: Actor, workshop: Workshop, card_id: int, text: str) -> Card:
    card = get_card(actor, card_id)
    _require_author(actor, workshop, card)
    card.text = text
    record(workshop, card)
    return card


def delete_card(actor: Actor, workshop: Workshop, card_id: int) -> Card:
    card = get_card(actor, card_id)
    _require_author(actor, workshop, card)
    card.deleted_at = utcnow()
    eventlog.append(
        workshop.id,
        EventType.CARD_DELETED,
        audience_of(workshop),
        {"id": card.id},
        card.participant_id,
    )
    return card


def _seen_by(actor: Actor, workshop: Workshop) -> ColumnElement[bool]:
    """Who sees a card now: staff every one, participants their own, and the others' once
    the phase shows everyone's contributions."""
    if actor.is_staff or public(workshop):
        return true()
    return Card.participant_id == actor.participant_id


def visible_cards(
    actor: Actor, workshop: Workshop, after: int = 0, limit: int | None = None
) -> list[Card]:
    """The cards this actor may see now (``_seen_by``), by id: those after ``after`` (at
    most ``limit``: a snapshot's page)."""
    query = select(Card).where(
        Card.workshop_id == workshop.id,
        Card.deleted_at.is_(None),
        _seen_by(actor, workshop),
        Card.id > after,
    )
    return list(db.session.scalars(query.order_by(Card.id).limit(limit)))


def own_cards_of(workshop_id: int, participant_ids: list[int]) -> dict[int | None, list[Card]]:
    """Each participant's own cards (seen by their author whatever the phase), in one
    query for many participants."""
    query = select(Card).where(
        Card.workshop_id == workshop_id,
        Card.participant_id.in_(participant_ids),
        Card.deleted_at.is_(None),
    )
    found: dict[int | None, list[Card]] = {participant: [] for participant in participant_ids}
    for card in db.session.scalars(query.order_by(Card.id)):
        found[card.participant_id].append(card)
    return found


def seen_now(
    actor: Actor, workshop: Workshop, ids: set[int], names: dict[int, str | None]
) -> dict[int, tuple[EventType, dict[str, Any]]]:
    """For a replay: each of these cards as the actor may see it now, in one query — its
    current version, or its removal when it is deleted or out of the actor's sight."""
    rows = db.session.execute(
        select(Card, _seen_by(actor, workshop).label("seen")).where(
            Card.workshop_id == workshop.id, Card.id.in_(ids)
        )
    )
    return {
        card.id: (EventType.CARD_SAVED, payload(workshop, card, names))
        if seen and card.deleted_at is None
        else (EventType.CARD_DELETED, {"id": card.id})
        for card, seen in rows
    }
