"""Replays: the events a returning screen missed, each as its audience may see it now.

The log keeps every version of everything: an edited note's first text, a note its author
deleted, a note the facilitator hid since. Sending the logged events again would bring all
of that back. So a replay keeps the events' sequence numbers (staff screens still see every
number) and rewrites what they carry: an event about a note or a card carries that item's
current version as the screen may see it now, or its removal when it is gone or out of
sight (a hidden note, for the board and the phones but its author's); an event carrying
ranked results carries today's. A screen that applies the replay ends where a fresh
snapshot would put it.

The cost is bounded whatever the number of events: one query per kind of item (and one for
the authors' nicknames, one for the results when the replay carries any).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..auth import Actor
from ..cards import services as cards
from ..notes import services as notes
from ..participants.services import nicknames
from ..reactions import services as reactions
from ..realtime.models import Event
from ..realtime.protocol import EventType
from ..votes import services as votes
from .models import Workshop

Wire = dict[str, Any]
Seen = tuple[EventType, dict[str, Any]]
Loader = Callable[[Actor, Workshop, set[int], dict[int, str | None]], dict[int, Seen]]

# Items whose events are rewritten to their current state, and how each is removed.
ITEMS: dict[str, tuple[Loader, EventType]] = {
    "note": (notes.seen_now, EventType.NOTE_DELETED),
    "card": (cards.seen_now, EventType.CARD_DELETED),
}
REMOVALS = {removal for _, removal in ITEMS.values()}
WITH_RESULTS = {EventType.VOTES_TALLIED.value, EventType.RESULTS_PUBLISHED.value}


def replay(actor: Actor, workshop: Workshop, events: list[Event]) -> list[Wire]:
    """The events as wire messages, each showing only what the actor may see now."""
    wires = [event.wire() for event in events]
    now = _items_now(actor, workshop, wires)
    results = _results_now(workshop, wires)
    wires = _opinions_now(workshop, wires)
    return [_as_now(wire, now, results) for wire in wires]


def _opinions_now(workshop: Workshop, wires: list[Wire]) -> list[Wire]:
    """A published opinion map names notes by their text: a replay carries today's map."""
    if not any(wire["type"] == EventType.OPINIONS_PUBLISHED.value for wire in wires):
        return wires
    today = {"opinions": reactions.published(workshop)}
    return [
        {**wire, "data": today} if wire["type"] == EventType.OPINIONS_PUBLISHED.value else wire
        for wire in wires
    ]


def _kind(wire: Wire) -> str:
    return str(wire["type"]).partition(".")[0]


def _items_now(actor: Actor, workshop: Workshop, wires: list[Wire]) -> dict[tuple[str, int], Seen]:
    """The current state of every item the events touch: one query per kind of item."""
    ids: dict[str, set[int]] = {kind: set() for kind in ITEMS}
    for wire in wires:
        if _kind(wire) in ids:
            ids[_kind(wire)].add(wire["data"]["id"])
    names = nicknames(workshop) if any(ids.values()) else {}
    now: dict[tuple[str, int], Seen] = {}
    for kind, (load, _) in ITEMS.items():
        if ids[kind]:
            seen = load(actor, workshop, ids[kind], names)
            now.update(((kind, item), state) for item, state in seen.items())
    return now


def _results_now(workshop: Workshop, wires: list[Wire]) -> list[dict[str, Any]] | None:
    """Today's ranked results, when the replay carries results (they name notes)."""
    carried = any(
        wire["type"] in WITH_RESULTS and wire["data"].get("results") is not None for wire in wires
    )
    return votes.results(workshop) if carried else None


def _as_now(wire: Wire, now: dict[tuple[str, int], Seen], results: Any) -> Wire:
    kind = _kind(wire)
    if kind in ITEMS:
        item = wire["data"]["id"]
        # Rows are kept, but should one be gone altogether, its item is removed.
        type_, data = now.get((kind, item), (ITEMS[kind][1], {"id": item}))
        # A visible item's event keeps its type (posted, updated, saved): screens replace it.
        return {**wire, "type": type_.value if type_ in REMOVALS else wire["type"], "data": data}
    if wire["type"] in WITH_RESULTS and wire["data"].get("results") is not None:
        return {**wire, "data": {**wire["data"], "results": results}}
    return wire
