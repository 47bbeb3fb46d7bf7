"""Dot voting: budgets and caps enforced by the server, tallies kept incrementally,
results ranked with ties shown as ties."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, insert, select

from ..auth import Actor
from ..database import utcnow
from ..errors import Conflict, InvalidInput, PhaseClosed
from ..extensions import db
from ..formats import VoteRules
from ..groups import services as groups
from ..groups.models import Group
from ..notes.models import Note
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import (
    active_rules,
    item_follower,
    phase_of,
    require_participant_action,
    results_rules,
    state_contributor,
)
from ..targets import resolve
from ..workshops.models import Workshop
from ..workshops.services import announce
from . import ledger
from .models import Vote, VoteTotals

Item = Note | Group


@state_contributor
def rules_state(workshop: Workshop) -> dict[str, Any]:
    """Every screen knows the dot rules in force: the phase's, or the facilitator's
    override (null outside a voting phase)."""
    rules = active_rules(workshop)
    return {"vote_rules": rules.__dict__ if rules else None}


def set_rules(actor: Actor, workshop: Workshop, budget: int, max_per_item: int) -> Workshop:
    """The facilitator changes the dot budget and the cap per item for this workshop."""
    actor.require_facilitator()
    if max_per_item > budget:
        raise InvalidInput(_l("The cap per item cannot exceed the budget."))
    workshop.settings = {
        **(workshop.settings or {}),
        "vote": {"budget": budget, "max_per_item": max_per_item},
    }
    announce(workshop)
    return workshop


def cast(actor: Actor, workshop: Workshop, target: str, delta: int) -> dict[str, Any]:
    """Put one dot on a note or group (delta 1) or take one back (delta -1)."""
    actor.require_participant()
    require_participant_action(workshop, actor, "vote")
    rules = active_rules(workshop)
    if rules is None:
        raise PhaseClosed()
    # In the workshop's turn (realtime/eventlog.py: take_turn): the item is still live and
    # the budget still unspent when the dot is put, whatever other processes do.
    kept = ledger.of(db.session())
    kept.in_turn(db.session(), workshop.id)
    kept.read_targets(rules.target[:-1], target)
    item = resolve(workshop.id, target, (rules.target[:-1],))
    assert actor.participant_id is not None
    placed = kept.votes_of(actor.participant_id).get(target)
    mine = placed.dots if placed is not None else 0
    spent = kept.spent(actor.participant_id)
    _check(rules, mine, item, delta, spent)
    was_voting = sum(spent.values()) > 0
    phase = phase_of(workshop).key
    kept.move_vote(workshop.id, actor.participant_id, target, item.area, delta, phase, utcnow())
    spent[item.area] = spent.get(item.area, 0) + delta
    voters = int(sum(spent.values()) > 0) - int(was_voting)
    if isinstance(item, Group):  # its dots rank it among the canvas's default groups
        with groups.keeping_canvas(workshop):
            item.dots += delta  # read in the turn: the stored count, which nobody else moves now
            db.session.flush()
            record_tally(workshop, target, item.dots, _moved_totals(workshop, delta, voters))
    else:  # a note's rank nothing else: its count moved in the ledger, written with the rest
        dots = kept.move_note(item, delta)
        record_tally(workshop, target, dots, _moved_totals(workshop, delta, voters))
    return {"target": target, "mine": mine + delta, **budget_of(actor, workshop, spent)}


def _check(
    rules: VoteRules, mine: int, item: Item, delta: int, spent: dict[str | None, int]
) -> None:
    if delta < 0:
        if mine <= 0:
            raise Conflict(_l("There is no dot of yours to take back here."))
        return
    if mine >= rules.max_per_item:
        raise Conflict(_l("You already put the most dots allowed on this item."))
    used = spent.get(item.area, 0) if rules.per_area else sum(spent.values())
    if used >= rules.budget:
        raise Conflict(_l("You have no dots left."))


def totals(workshop: Workshop) -> dict[str, int]:
    row = db.session.execute(
        select(
            func.coalesce(func.sum(Vote.dots), 0), func.count(distinct(Vote.participant_id))
        ).where(Vote.workshop_id == workshop.id, Vote.dots > 0)
    ).one()
    return {"total": int(row[0]), "voters": int(row[1])}


def _moved_totals(workshop: Workshop, dots: int, voters: int) -> dict[str, int]:
    """The room's totals once a dot moved (``dots``: +1 or -1; ``voters``: +1 for a
    participant's first dot out, -1 for their last taken back), in the workshop's turn:
    the kept row moved, or, none kept yet, read from every vote (this one flushed) and
    kept."""
    moved = ledger.of(db.session()).move_totals(workshop.id, dots, voters)
    if moved is not None:
        return moved
    now = totals(workshop)
    db.session.execute(
        insert(VoteTotals.__table__).values(
            workshop_id=workshop.id, dots=now["total"], voters=now["voters"]
        )
    )
    return now


def record_tally(workshop: Workshop, target: str, dots: int, room: dict[str, int]) -> None:
    """Staff see tallies live; everyone once the facilitator reveals the results (then the
    ranking travels with each change, which is rare by then). ``room``: its totals."""
    data: dict[str, Any] = {"target": target, "dots": dots, **room}
    if workshop.results_revealed:
        data["results"] = results(workshop)
    audience = Audience.ALL if workshop.results_revealed else Audience.STAFF
    eventlog.append(workshop.id, EventType.VOTES_TALLIED, audience, data)


def reveal_results(actor: Actor, workshop: Workshop, revealed: bool) -> Workshop:
    """Show the ranked results on every screen, or hide them again."""
    actor.require_facilitator()
    if workshop.results_revealed == revealed:
        return workshop
    workshop.results_revealed = revealed
    announce(workshop, EventType.VISIBILITY_CHANGED)
    publish_results(workshop)
    return workshop


def publish_results(workshop: Workshop) -> None:
    """Every screen gets the results as they are now (null while they are not revealed)."""
    data = {"results": results(workshop) if workshop.results_revealed else None}
    eventlog.append(workshop.id, EventType.RESULTS_PUBLISHED, Audience.ALL, data | totals(workshop))


@item_follower
def follow_item(workshop: Workshop, item: Item) -> None:
    """Revealed results name each voted item by its text or title and leave hidden and
    removed notes out: when a voted item changes so, every screen gets them anew."""
    if workshop.results_revealed and item.dots:
        db.session.flush()
        publish_results(workshop)


def budget_of(
    actor: Actor, workshop: Workshop, spent: dict[str | None, int] | None = None
) -> dict[str, Any]:
    """What a participant has spent and has left, per area when the budget is per area
    (``spent``: what the ledger read, when the caller has it)."""
    rules = active_rules(workshop) or results_rules(workshop)
    if rules is None or actor.participant_id is None:
        return {"budget": None}
    if spent is None:
        spent = ledger.of(db.session()).spent(actor.participant_id)
    used = {area or "": dots for area, dots in spent.items()}
    return {
        "budget": rules.budget,
        "max_per_item": rules.max_per_item,
        "per_area": rules.per_area,
        "used": used if rules.per_area else {"": sum(used.values())},
    }


def dots_of(
    participant_ids: list[int],
) -> dict[int, tuple[dict[str, int], dict[str | None, int]]]:
    """Each participant's dots by item, and what they have out per area (as the ledger
    reads it), in one query for many participants."""
    rows = db.session.execute(
        select(Vote.participant_id, Vote.target, Vote.area, Vote.dots).where(
            Vote.participant_id.in_(participant_ids)
        )
    )
    found: dict[int, tuple[dict[str, int], dict[str | None, int]]] = {
        participant: ({}, {}) for participant in participant_ids
    }
    for participant, target, area, dots in rows:
        placed, spent = found[participant]
        if dots > 0:
            placed[target] = dots
        spent[area] = spent.get(area, 0) + dots
    return found


def tallies(workshop: Workshop) -> dict[str, Any]:
    """Dots per target, incrementally kept on the notes and groups themselves."""
    items: dict[str, int] = {}
    for model, kind in ((Note, "note"), (Group, "group")):
        rows = db.session.execute(
            select(model.id, model.dots).where(model.workshop_id == workshop.id, model.dots > 0)
        )
        items.update({f"{kind}:{ident}": dots for ident, dots in rows})
    return {"items": items, **totals(workshop)}


def results(workshop: Workshop) -> list[dict[str, Any]]:
    """Voted items, most dots first; equal dots share a rank and are marked as tied."""
    rules = results_rules(workshop)
    kind = "group" if rules and rules.target == "groups" else "note"
    model: type[Item] = Group if kind == "group" else Note
    query = select(model).where(
        model.workshop_id == workshop.id, model.deleted_at.is_(None), model.dots > 0
    )
    if model is Note:
        query = query.where(Note.hidden.is_(False), Note.merged_into_id.is_(None))
    items: list[Item] = sorted(db.session.scalars(query), key=lambda item: (-item.dots, item.id))
    counts: dict[int, int] = {}
    for item in items:
        counts[item.dots] = counts.get(item.dots, 0) + 1
    ranked, above = [], 0
    for dots in sorted(counts, reverse=True):
        for item in (i for i in items if i.dots == dots):
            ranked.append(_entry(kind, item, above + 1, counts[dots] > 1))
        above += counts[dots]
    return ranked


def _entry(kind: str, item: Item, rank: int, tied: bool) -> dict[str, Any]:
    label = item.text if isinstance(item, Note) else item.title
    return {
        "target": f"{kind}:{item.id}",
        "kind": kind,
        "id": item.id,
        "label": label,
        "area": item.area,
        "dots": item.dots,
        "rank": rank,
        "tied": tied,
    }
