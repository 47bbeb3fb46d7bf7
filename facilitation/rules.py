"""The phase rules, in one place: a workshop's format and phase, whether it is open,
what its current phase lets participants do, whether they see each other's
contributions, and the dot rules in force. Every feature checks them before it changes
a workshop.

This module imports no feature (only formats, the workshop's model, errors and the
actor; tests/test_rules.py holds it to that): features import it, never the other way
round. What features add to the workshop's shared life goes through the registries
below, which each feature fills when it is imported — the workshop's state, what
follows the items screens show, and what follows a move between phases — so that
nothing here or in workshops/ names them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from .auth import Actor, ActorKind
from .errors import Forbidden, PhaseClosed
from .formats import Format, FormatRegistry, Phase, VoteRules
from .workshops.models import Status, Workshop

FORMATS_KEY = "fabrique.formats"


def formats() -> FormatRegistry:
    return current_app.extensions[FORMATS_KEY]


def format_of(workshop: Workshop) -> Format:
    return formats()[workshop.format_key]


def phase_of(workshop: Workshop) -> Phase:
    return format_of(workshop).phase_at(workshop.phase_index)


def require_open(workshop: Workshop, actor: Actor) -> None:
    """Participants act only while the workshop runs and the board is unlocked."""
    if workshop.status == Status.ENDED:
        raise PhaseClosed(_l("The workshop has ended."))
    if workshop.locked and not actor.is_facilitator:
        raise PhaseClosed(_l("The board is locked for now."))


def require_phase_allows(workshop: Workshop, actor: Actor, capability: str) -> None:
    """A participant's action must be one the current phase allows; boards only watch."""
    if actor.kind is ActorKind.BOARD:
        raise Forbidden()
    if not actor.is_facilitator and not phase_of(workshop).permits(capability):
        raise PhaseClosed()


def require_participant_action(workshop: Workshop, actor: Actor, capability: str) -> None:
    require_open(workshop, actor)
    require_phase_allows(workshop, actor, capability)


def public(workshop: Workshop) -> bool:
    """Whether participants currently see each other's contributions."""
    return phase_of(workshop).permits("see_all")


def active_rules(workshop: Workshop) -> VoteRules | None:
    """The current phase's vote rules, with the facilitator's overrides."""
    rules = phase_of(workshop).vote
    override = (workshop.settings or {}).get("vote") or {}
    return replace(rules, **override) if rules else None


def results_rules(workshop: Workshop) -> VoteRules | None:
    """The rules of the voting phase the results are about: the current or latest one."""
    phases = format_of(workshop).phases
    voting = [phase for phase in phases[: workshop.phase_index + 1] if phase.vote]
    chosen = voting[-1] if voting else next((phase for phase in phases if phase.vote), None)
    return chosen.vote if chosen else None


# What features add to the workshop's state (workshops/services.py: state), each its own
# keys: votes the dot rules in force, groups the canvas's groups, syntheses the published
# synthesis's link. A feature registers at import; create_app imports every one that does.
StateContributor = Callable[[Workshop], dict[str, Any]]
STATE_CONTRIBUTORS: list[StateContributor] = []


def state_contributor(contribute: StateContributor) -> StateContributor:
    STATE_CONTRIBUTORS.append(contribute)
    return contribute


def contributed_state(workshop: Workshop) -> dict[str, Any]:
    """Every feature's share of the workshop's state."""
    shares: dict[str, Any] = {}
    for contribute in STATE_CONTRIBUTORS:
        shares |= contribute(workshop)
    return shares


# What features derive from the items screens show follows their changes here, so that
# the items' features need not know them (votes: revealed results carry each voted item's
# label and leave hidden or removed ones out).
ITEM_FOLLOWERS: list[Callable[[Workshop, Any], None]] = []


def item_follower(follow: Callable[[Workshop, Any], None]) -> Callable[[Workshop, Any], None]:
    ITEM_FOLLOWERS.append(follow)
    return follow


def item_changed(workshop: Workshop, item: Any) -> None:
    """A note or group changed what screens show of it: its text or title, hidden, gone."""
    for follow in ITEM_FOLLOWERS:
        follow(workshop, item)


# What features do as the workshop moves from one phase to another (polls: a `poll` phase's
# poll opens on arrival and closes on departure). Called by the phase move, after it.
PhaseFollower = Callable[[Workshop, Phase, Phase], None]
PHASE_FOLLOWERS: list[PhaseFollower] = []


def phase_follower(follow: PhaseFollower) -> PhaseFollower:
    PHASE_FOLLOWERS.append(follow)
    return follow


def phase_changed(workshop: Workshop, left: Phase, entered: Phase) -> None:
    """The workshop left one phase for another."""
    for follow in PHASE_FOLLOWERS:
        follow(workshop, left, entered)


# What features do as the facilitator ends the workshop (polls: every open one closes and
# leaves the screens). Called by the end, after the status changed.
EndFollower = Callable[[Workshop], None]
END_FOLLOWERS: list[EndFollower] = []


def end_follower(follow: EndFollower) -> EndFollower:
    END_FOLLOWERS.append(follow)
    return follow


def workshop_ended(workshop: Workshop) -> None:
    """The workshop ended."""
    for follow in END_FOLLOWERS:
        follow(workshop)
