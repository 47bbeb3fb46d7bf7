"""Snapshot on join, sequence numbers after: what a (re)joining screen receives."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..cards import services as cards
from ..coalitions import services as coalitions
from ..groups import services as groups
from ..groups.schemas import GroupSchema
from ..notes import services as notes
from ..participants.services import nicknames
from ..pledges import services as pledges
from ..realtime import eventlog
from ..realtime.protocol import EventType
from ..votes import services as votes
from .models import Workshop
from .replays import replay
from .schemas import format_summary
from .services import format_of, state

SYNC_LIMIT = 500  # beyond this many missed events, a fresh snapshot is cheaper
# Events after which a participant's view must be rebuilt (what they may see has changed).
RESHAPING = {EventType.PHASE_CHANGED.value, EventType.VISIBILITY_CHANGED.value}


def snapshot(actor: Actor, workshop: Workshop, participants: int) -> dict[str, Any]:
    """Everything the actor may see now, and the sequence number it is at.

    The head is read first: a change committed while the rest is read is then both in
    the snapshot and delivered after it, and screens apply it once (by ``seq``).
    """
    head, public_head = eventlog.heads(workshop.id)
    names = nicknames(workshop)
    return {
        "head": head,
        "public_head": public_head,
        "workshop": state(workshop),
        "format": format_summary(format_of(workshop)),
        "notes": [
            notes.payload(workshop, note, names)
            | {"mine": note.participant_id == actor.participant_id}
            for note in notes.visible_notes(actor, workshop)
        ],
        "groups": [GroupSchema().dump(group) for group in groups.visible_groups(actor, workshop)],
        "cards": [
            cards.payload(workshop, card, names)
            | {"mine": card.participant_id == actor.participant_id}
            for card in cards.visible_cards(actor, workshop)
        ],
        "canvas_groups": cards.canvas_groups(workshop),
        "proposals": coalitions.proposals_of(workshop.id),
        "participants": participants,
        "me": _me(actor, workshop),
        **_results(actor, workshop),
    }


def _me(actor: Actor, workshop: Workshop) -> dict[str, Any]:
    me: dict[str, Any] = {"kind": actor.kind.value}
    if actor.participant_id is not None:
        me["votes"] = votes.my_votes(actor)
        me["budget"] = votes.budget_of(actor, workshop)
        me["pledges"] = pledges.my_pledges(actor)
        me["proposals"] = coalitions.joined_by(actor.participant_id)
    return me


def _results(actor: Actor, workshop: Workshop) -> dict[str, Any]:
    """Tallies for staff; tallies and ranked results for all once revealed."""
    if not (actor.is_staff or workshop.results_revealed):
        return {"tallies": None, "results": None}
    return {"tallies": votes.tallies(workshop), "results": votes.results(workshop)}


def catch_up(actor: Actor, workshop: Workshop, since: int, participants: int) -> dict[str, Any]:
    """The events missed since ``since``, or a snapshot when that is simpler or needed."""
    head, _ = eventlog.heads(workshop.id)
    if since > head:
        return {"snapshot": snapshot(actor, workshop, participants)}
    events = eventlog.events_since(actor, since, SYNC_LIMIT + 1)
    reshaped = not actor.is_staff and any(event.type in RESHAPING for event in events)
    if len(events) > SYNC_LIMIT or reshaped:
        return {"snapshot": snapshot(actor, workshop, participants)}
    return {"head": head, "events": replay(actor, workshop, events)}
