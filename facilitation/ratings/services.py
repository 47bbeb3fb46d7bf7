"""Ratings: while a phase allows ``rate``, each participant gives every item the phase
rates (notes, groups or the workshop's proposals) one value per criterion, within the
criterion's scale, and may change it while the phase lasts. Staff follow how many answered
live; nobody learns who answered what. Results per criterion — distribution, median and
spread — reach every screen once the facilitator reveals them, phase by phase."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from ..auth import Actor
from ..coalitions.services import proposal_ids
from ..database import utcnow
from ..errors import InvalidInput, NotFound, PhaseClosed
from ..extensions import db
from ..formats import Phase, RateRules
from ..groups.models import Group
from ..notes.models import Note
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import format_of, item_follower, phase_of, require_participant_action
from ..targets import resolve
from ..workshops.models import Workshop
from .models import Rating, RatingReveal
from .summary import summarise


def cast(actor: Actor, workshop: Workshop, item: str, criterion: str, value: int) -> dict[str, Any]:
    """A participant's value for one item on one criterion: a first one, or a change."""
    actor.require_participant()
    require_participant_action(workshop, actor, "rate")
    phase = phase_of(workshop)
    if phase.rate is None:
        raise PhaseClosed()
    scale = _criterion(phase.rate, criterion).scale
    if value not in scale.values:
        message = _l("Choose a value from %(low)s to %(high)s.", low=scale.low, high=scale.high)
        raise InvalidInput(fields={"value": [str(message)]})
    _require_item(workshop, phase.rate, item)
    rating = db.session.scalar(
        select(Rating).where(
            Rating.participant_id == actor.participant_id,
            Rating.phase == phase.key,
            Rating.item == item,
            Rating.criterion == criterion,
        )
    ) or Rating(
        workshop_id=workshop.id,
        participant_id=actor.participant_id,
        phase=phase.key,
        item=item,
        criterion=criterion,
    )
    rating.value, rating.updated_at = value, utcnow()
    db.session.add(rating)
    db.session.flush()
    data = counted(workshop, phase.key, item)
    eventlog.append(workshop.id, EventType.RATINGS_COUNTED, Audience.STAFF, data)
    if _revealed(workshop, phase.key):
        publish(workshop, phase.key)
    return {"rating": {"phase": phase.key, "item": item, "criterion": criterion, "value": value}}


def _criterion(rules: RateRules, key: str) -> Any:
    criterion = rules.criterion(key)
    if criterion is None:
        known = ", ".join(c.key for c in rules.criteria)
        message = _l(
            "Unknown criterion %(key)s; this phase rates on: %(known)s.", key=key, known=known
        )
        raise InvalidInput(fields={"criterion": [str(message)]})
    return criterion


def _require_item(workshop: Workshop, rules: RateRules, item: str) -> None:
    """The item must be of the kind the phase rates, and live in this workshop."""
    kind, _, ident = item.partition(":")
    if f"{kind}s" != rules.target:
        message = _l("This phase rates %(target)s, not %(item)s.", target=rules.target, item=item)
        raise InvalidInput(fields={"item": [str(message)]})
    if kind == "proposal":
        if int(ident) not in proposal_ids(workshop.id):
            raise NotFound(_l("This item does not exist."))
        return
    resolve(workshop.id, item, (kind,))


def rating_phases(workshop: Workshop) -> list[Phase]:
    return [phase for phase in format_of(workshop).phases if phase.rate]


def _phase_named(workshop: Workshop, key: str | None) -> Phase:
    """The rating phase a reveal is about: the one named, else the current one, else the
    latest before it, else the first."""
    phases = rating_phases(workshop)
    if key is not None:
        found = next((phase for phase in phases if phase.key == key), None)
        if found is None:
            message = _l("%(key)s is not a rating phase of this workshop.", key=key)
            raise InvalidInput(fields={"phase": [str(message)]})
        return found
    if not phases:
        raise InvalidInput(_l("This workshop's format has no rating phase."))
    reached = format_of(workshop).phases[: workshop.phase_index + 1]
    earlier = [phase for phase in reached if phase.rate]
    return earlier[-1] if earlier else phases[0]


# --- Counts, for staff -------------------------------------------------------------------


def _raters(workshop: Workshop, phase: str) -> int:
    query = select(func.count(distinct(Rating.participant_id))).where(
        Rating.workshop_id == workshop.id, Rating.phase == phase
    )
    return db.session.scalar(query) or 0


def counted(workshop: Workshop, phase: str, item: str) -> dict[str, Any]:
    """How many answered each criterion of one item, and how many participants rated
    anything in the phase (``ratings.counted``)."""
    rows = db.session.execute(
        select(Rating.criterion, func.count())
        .where(Rating.workshop_id == workshop.id, Rating.phase == phase, Rating.item == item)
        .group_by(Rating.criterion)
    )
    counts = {str(criterion): int(number) for criterion, number in rows}
    return {
        "phase": phase,
        "item": item,
        "counts": counts,
        "participants": _raters(workshop, phase),
    }


def counts(workshop: Workshop) -> dict[str, Any]:
    """Every rating phase's counts per item and criterion, for staff screens' snapshots."""
    rows = db.session.execute(
        select(Rating.phase, Rating.item, Rating.criterion, func.count())
        .where(Rating.workshop_id == workshop.id)
        .group_by(Rating.phase, Rating.item, Rating.criterion)
    )
    found: dict[str, Any] = {}
    for phase, item, criterion, number in rows:
        entry = found.setdefault(phase, {"items": {}, "participants": 0})
        entry["items"].setdefault(item, {})[criterion] = number
    for phase, entry in found.items():
        entry["participants"] = _raters(workshop, phase)
    return found


def ratings_of(participant_ids: list[int]) -> dict[int, dict[str, dict[str, dict[str, int]]]]:
    """Each participant's own answers (phase → item → criterion → value), in one query
    for many participants."""
    rows = db.session.execute(
        select(
            Rating.participant_id, Rating.phase, Rating.item, Rating.criterion, Rating.value
        ).where(Rating.participant_id.in_(participant_ids))
    )
    found: dict[int, dict[str, dict[str, dict[str, int]]]] = {
        participant: {} for participant in participant_ids
    }
    for participant, phase, item, criterion, value in rows:
        found[participant].setdefault(phase, {}).setdefault(item, {})[criterion] = value
    return found


# --- Results, once revealed --------------------------------------------------------------


def live_items(workshop: Workshop, target: str, items: set[str]) -> set[str]:
    """Which of these items are still shown: notes neither hidden, merged nor deleted,
    groups not deleted, proposals still the workshop's."""
    ids = {int(item.partition(":")[2]) for item in items}
    if target == "proposals":
        alive = set(proposal_ids(workshop.id)) & ids
    elif target == "notes":
        alive = set(
            db.session.scalars(
                select(Note.id).where(
                    Note.id.in_(ids),
                    Note.workshop_id == workshop.id,
                    Note.deleted_at.is_(None),
                    Note.hidden.is_(False),
                    Note.merged_into_id.is_(None),
                )
            )
        )
    else:
        alive = set(
            db.session.scalars(
                select(Group.id).where(
                    Group.id.in_(ids), Group.workshop_id == workshop.id, Group.deleted_at.is_(None)
                )
            )
        )
    return {item for item in items if int(item.partition(":")[2]) in alive}


def results(workshop: Workshop, phase: Phase) -> dict[str, Any]:
    """Per item still shown and per criterion: the distribution over the scale, median
    and quartiles. Items in id order; the criteria in the format's order."""
    assert phase.rate is not None
    answers: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = db.session.execute(
        select(Rating.item, Rating.criterion, Rating.value).where(
            Rating.workshop_id == workshop.id, Rating.phase == phase.key
        )
    )
    for item, criterion, value in rows:
        answers[item][criterion].append(value)
    shown = live_items(workshop, phase.rate.target, set(answers))
    items = sorted(shown, key=lambda item: int(item.partition(":")[2]))
    return {
        "phase": phase.key,
        "target": phase.rate.target,
        "participants": _raters(workshop, phase.key),
        "items": [
            {
                "item": item,
                "criteria": {
                    c.key: summarise(answers[item].get(c.key, []), c.scale.low, c.scale.high)
                    for c in phase.rate.criteria
                },
            }
            for item in items
        ],
    }


def staff_view(workshop: Workshop) -> dict[str, Any]:
    """For the REST API: the counts, and every rating phase's results, revealed or not
    (the staff see them in the synthesis too), each saying whether screens show them."""
    shown = {phase.key for phase in revealed_phases(workshop)}
    phases = [
        results(workshop, phase) | {"revealed": phase.key in shown}
        for phase in rating_phases(workshop)
    ]
    return {"counts": counts(workshop), "phases": phases}


def _revealed(workshop: Workshop, phase: str) -> bool:
    stored = db.session.get(RatingReveal, (workshop.id, phase))
    return bool(stored and stored.revealed)


def revealed_phases(workshop: Workshop) -> list[Phase]:
    keys = set(
        db.session.scalars(
            select(RatingReveal.phase).where(
                RatingReveal.workshop_id == workshop.id, RatingReveal.revealed.is_(True)
            )
        )
    )
    return [phase for phase in rating_phases(workshop) if phase.key in keys]


def published(workshop: Workshop) -> dict[str, Any]:
    """The revealed results, by rating phase (phases not revealed are absent)."""
    return {phase.key: results(workshop, phase) for phase in revealed_phases(workshop)}


def publish(workshop: Workshop, key: str) -> None:
    """Every screen gets one phase's results as they are now (null once hidden)."""
    phase = _phase_named(workshop, key)
    data = results(workshop, phase) if _revealed(workshop, key) else None
    eventlog.append(
        workshop.id, EventType.RATINGS_PUBLISHED, Audience.ALL, {"phase": key, "ratings": data}
    )


def reveal(
    actor: Actor, workshop: Workshop, phase_key: str | None, revealed: bool
) -> dict[str, Any]:
    """Show a rating phase's results on every screen, or hide them again."""
    actor.require_facilitator()
    phase = _phase_named(workshop, phase_key)
    stored = db.session.get(RatingReveal, (workshop.id, phase.key))
    if stored is None:
        stored = RatingReveal(workshop_id=workshop.id, phase=phase.key, revealed=False)
    if stored.revealed != revealed:
        stored.revealed, stored.changed_at = revealed, utcnow()
        db.session.add(stored)
        db.session.flush()
        publish(workshop, phase.key)
    return {"phase": phase.key, "ratings_revealed": revealed}


@item_follower
def follow_item(workshop: Workshop, item: Any) -> None:
    """Revealed results leave hidden and removed notes and groups out: when a rated one
    changes, every screen gets the results anew."""
    kind = "note" if isinstance(item, Note) else "group" if isinstance(item, Group) else None
    if kind is None:
        return
    for phase in revealed_phases(workshop):
        assert phase.rate is not None
        if phase.rate.target != f"{kind}s":
            continue
        rated = select(Rating.id).where(
            Rating.workshop_id == workshop.id,
            Rating.phase == phase.key,
            Rating.item == f"{kind}:{item.id}",
        )
        if db.session.scalar(rated.limit(1)) is not None:
            db.session.flush()
            publish(workshop, phase.key)
