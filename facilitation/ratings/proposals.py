"""A coalition proposal through the seven #Reset qualities, after the workshop: its page
shows what the workshops it came from rated (their revealed rating phases with that lens)
and what the team rates from the page — each signed-in team member one value per quality,
changed or withdrawn whenever they like. Anyone who may read the proposal sees the
results (counts, medians, quartiles); nobody sees who rated what."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import Role
from ..coalitions.models import Coalition, Origin
from ..database import utcnow
from ..errors import Forbidden, InvalidInput
from ..extensions import db
from ..formats import Criterion
from ..formats.lenses import LENSES
from ..workshops.models import Workshop
from . import chart
from . import services as ratings
from .models import ProposalRating
from .summary import summarise

LENS = "reset_qualities"
TEAM = (Role.ADMIN, Role.COORDINATOR, Role.FACILITATOR)


def criteria() -> tuple[Criterion, ...]:
    return LENSES[LENS]


def can_rate(user: Any) -> bool:
    """The team rates from the page: signed-in staff (admins, coordinators, facilitators)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in TEAM


def rate(user: Any, coalition: Coalition, values: dict[str, int | None]) -> None:
    """A team member's values for the qualities given (None withdraws one); every value is
    checked before any is written."""
    if not can_rate(user):
        raise Forbidden()
    known = {criterion.key: criterion for criterion in criteria()}
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if key not in known:
            errors[key] = [str(_l("Unknown quality."))]
        elif value is not None and value not in known[key].scale.values:
            scale = known[key].scale
            message = _l("Choose a value from %(low)s to %(high)s.", low=scale.low, high=scale.high)
            errors[key] = [str(message)]
    if errors:
        raise InvalidInput(fields=errors)
    stored = {row.criterion: row for row in _rows(coalition, user.id)}
    for key, value in values.items():
        row = stored.get(key)
        if value is None:
            if row is not None:
                db.session.delete(row)
            continue
        row = row or ProposalRating(
            coalition_id=coalition.id, user_id=user.id, lens=LENS, criterion=key
        )
        row.value, row.updated_at = value, utcnow()
        db.session.add(row)
    db.session.flush()


def _rows(coalition: Coalition, user_id: int | None = None) -> list[ProposalRating]:
    query = select(ProposalRating).where(
        ProposalRating.coalition_id == coalition.id, ProposalRating.lens == LENS
    )
    if user_id is not None:
        query = query.where(ProposalRating.user_id == user_id)
    return list(db.session.scalars(query))


def mine(user: Any, coalition: Coalition) -> dict[str, int]:
    if not can_rate(user):
        return {}
    return {row.criterion: row.value for row in _rows(coalition, user.id)}


def _view(stats: dict[str, dict[str, Any]], raters: int, locale: str) -> dict[str, Any]:
    return {
        "raters": raters,
        "stats": stats,
        "radar": chart.drawing(criteria(), stats, locale) if raters else None,
    }


def team(coalition: Coalition, locale: str) -> dict[str, Any]:
    """What the team rated from the page: per quality, the distribution, median, quartiles."""
    rows = _rows(coalition)
    stats = {
        c.key: summarise(
            [row.value for row in rows if row.criterion == c.key], c.scale.low, c.scale.high
        )
        for c in criteria()
    }
    return _view(stats, len({row.user_id for row in rows}), locale)


def workshops(coalition: Coalition, locale: str) -> list[dict[str, Any]]:
    """What each workshop the proposal came from rated, in its rating phases through the
    same lens whose results the facilitator revealed."""
    query = (
        select(Workshop)
        .join(Origin, Origin.workshop_id == Workshop.id)
        .where(Origin.coalition_id == coalition.id)
        .order_by(Workshop.id)
    )
    found = []
    for workshop in db.session.scalars(query).unique():
        for phase in ratings.revealed_phases(workshop):
            assert phase.rate is not None
            if phase.rate.lens != LENS:
                continue
            results = ratings.results(workshop, phase)
            entry = next(
                (e for e in results["items"] if e["item"] == f"proposal:{coalition.id}"), None
            )
            if entry is None:
                continue
            raters = max((stat["n"] for stat in entry["criteria"].values()), default=0)
            found.append(
                {
                    "workshop": workshop.title,
                    "phase": phase.label.get(locale),
                    **_view(entry["criteria"], raters, locale),
                }
            )
    return found


def overview(coalition: Coalition) -> dict[str, int]:
    """How many rated the proposal, from its page and at workshops (the proposal's page)."""
    team_raters = len({row.user_id for row in _rows(coalition)})
    return {"team": team_raters, "workshops": len(workshops(coalition, "fr"))}
