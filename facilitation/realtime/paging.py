"""Pages of bounded size: a snapshot's collections, a slice at a time.

A page holds items until the next one would take it past ``PAGE_BYTES`` of JSON (the
size Socket.IO sends), and always at least one item. A snapshot's collections are read
as sections, one after the other, each in the order of its items' ids; where a page
ends is a position: the section, and the id of the last item sent in it. The next page
starts after that id, so a page read later, from a workshop that changed meanwhile,
neither repeats nor skips an item that is still there (docs/protocol.md says why the
screen then converges).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import wire

PAGE_BYTES = 256 * 1024
BATCH = 200  # rows read at a time while a page fills

Item = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One collection of a snapshot, read in the order of its items' ids."""

    name: str
    rows: Callable[[int, int], Sequence[Any]]  # (after id, at most) -> rows by id (.id or ["id"])
    dump: Callable[[Any], Item]  # a row as the wire shows it, with its "id"
    # An item's size when it is known already (items shared by many screens: measured
    # once); None: measured here.
    size: Callable[[Item], int | None] = lambda item: None


def known_size(item: Item) -> int | None:
    """The size of an item encoded already (realtime/wire.py: ``encoded``), or None."""
    return size_of(item) if isinstance(item, wire.Encoded) else None


def size_of(item: Any) -> int:
    """Bytes of JSON as Socket.IO encodes it (``wire.dumps``), and a comma."""
    return wire.size_of(item) + 1


class Page:
    """Items gathered until the byte budget is spent (None: no budget)."""

    def __init__(self, budget: int | None) -> None:
        self.budget, self.used = budget, 0

    def admits(self, item: Any, known: int | None = None) -> bool:
        if self.budget is None:
            return True
        size = size_of(item) if known is None else known
        if self.used and self.used + size > self.budget:
            return False
        self.used += size
        return True


def fill(
    sections: Sequence[Section], start: tuple[str, int], budget: int | None
) -> tuple[dict[str, list[Item]], tuple[str, int] | None]:
    """Read the sections from ``start`` (a section's name, and the id after which to go
    on) until the page is full: the page's items by section, and where the next starts
    (None when nothing is left)."""
    names = [section.name for section in sections]
    items: dict[str, list[Item]] = {name: [] for name in names}
    page, first = Page(budget), names.index(start[0])
    for section in sections[first:]:
        after = start[1] if section.name == start[0] else 0
        for row in _rows(section, after):
            item = section.dump(row)
            known = section.size(item) if page.budget is not None else None
            if not page.admits(item, known):
                return items, (section.name, after)
            items[section.name].append(item)
            after = item["id"]
    return items, None


def _rows(section: Section, after: int) -> Iterable[Any]:
    """The section's rows after ``after``, read a batch at a time."""
    while True:
        rows = section.rows(after, BATCH)
        yield from rows
        if len(rows) < BATCH:
            return
        after = _id(rows[-1])


def _id(row: Any) -> int:
    return int(row["id"] if isinstance(row, dict) else row.id)


def fits(items: list[Item], budget: int) -> bool:
    """Whether the items, all of them, fit in ``budget`` bytes."""
    return sum(size_of(item) for item in items) <= budget
