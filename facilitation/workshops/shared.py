"""What every participant of a workshop sees alike, built once and shared by their screens.

When the facilitator moves on, every phone asks for the new phase's view at once: built
for each phone, a plenary of 2,000 phones meant 2,000 reads and serialisations of the
same notes. A participant's view is the part every participant sees (the others' notes
once the phase shows them, the groups, the cards, the proposals, the results once
revealed) plus their own notes and cards and their own dots: the common part is built
once per process and per public sequence number, and each phone adds only its own.

Only events for everyone (``audience: all``) change what every participant sees, and each
moves the workshop's ``public_head``: the common part is kept for its ``public_head`` (and
the workshop's code: ids of deleted workshops may come back) and built again once that
moves. It is kept per app (a process serves one), for the last
``public_head`` of the most recently used workshops.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..auth import Actor, ActorKind
from ..realtime.paging import Item, size_of
from .models import Workshop

EXTENSION_KEY = "fabrique.shared_views"
KEPT_WORKSHOPS = 32
# A participant id no participant has: this actor sees what every participant sees.
ANYONE = 0


@dataclass
class CommonPart:
    """What every participant sees at one public sequence number: each collection's items
    by id (with their JSON size), and the rest of the snapshot that is the same for all."""

    stamp: tuple[str, int]  # the workshop's code (ids may be reused) and public_head
    items: dict[str, list[Item]]
    ids: dict[str, list[int]]
    sizes: dict[int, int]  # by id(item): items are shared objects, never changed
    rest: dict[str, Any]


@dataclass
class SharedViews:
    """This process's common parts, by workshop; ``builds`` counts how many were built."""

    parts: OrderedDict[int, CommonPart] = field(default_factory=OrderedDict)
    locks: dict[int, threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    builds: int = 0

    def common(
        self, workshop: Workshop, public_head: int, build: Callable[[Actor], CommonPart]
    ) -> CommonPart:
        """The common part at this public sequence number, built by the first screen that
        asks for it while the others wait for it (rather than each building its own)."""
        stamp = (workshop.code, public_head)
        part = self._kept(workshop.id, stamp)
        if part is not None:
            return part
        with self.lock:
            building = self.locks.setdefault(workshop.id, threading.Lock())
        with building:
            part = self._kept(workshop.id, stamp)
            if part is None:
                part = build(Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=ANYONE))
                part.stamp = stamp
                self.builds += 1
                with self.lock:
                    self.parts[workshop.id] = part
                    self.parts.move_to_end(workshop.id)
                    while len(self.parts) > KEPT_WORKSHOPS:
                        self.parts.popitem(last=False)
            return part

    def _kept(self, workshop_id: int, stamp: tuple[str, int]) -> CommonPart | None:
        with self.lock:
            part = self.parts.get(workshop_id)
            if part is None or part.stamp != stamp:
                return None
            self.parts.move_to_end(workshop_id)
            return part


def views() -> SharedViews:
    return current_app.extensions.setdefault(EXTENSION_KEY, SharedViews())


def common_part(items: dict[str, list[Item]], rest: dict[str, Any]) -> CommonPart:
    """A common part from its collections (each sorted by id) and the rest."""
    ids = {name: [item["id"] for item in found] for name, found in items.items()}
    sizes = {id(item): size_of(item) for found in items.values() for item in found}
    return CommonPart(("", 0), items, ids, sizes, rest)


def with_own(part: CommonPart, name: str, own: list[Item]) -> tuple[list[Item], list[int]]:
    """A collection as one participant sees it: the common items, with their own (marked
    ``mine``) put in place by id — theirs replace the common copies, never change them."""
    if not own:
        return part.items[name], part.ids[name]
    mine = {item["id"]: item for item in own}
    merged = [mine.pop(item["id"], item) for item in part.items[name]]
    merged.extend(mine.values())
    merged.sort(key=lambda item: item["id"])
    return merged, [item["id"] for item in merged]


def after(items: list[Item], ids: list[int], start: int, limit: int) -> list[Item]:
    """The items after id ``start``, at most ``limit`` (a page's read)."""
    first = bisect.bisect_right(ids, start)
    return items[first : first + limit]
