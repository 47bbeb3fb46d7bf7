"""Sorting a workshop's notes, measured: 100 notes of a SWOT (crowd.py's, 25 per
quadrant) into eight groups, two per quadrant, by what each note is about. The actions
a person makes are counted — clicks, keys, and the page-downs it takes to bring a note
into view — and the time until the server has every note where it belongs."""

from __future__ import annotations

import math
import random
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from itertools import cycle

from playwright.sync_api import Locator, Page

from ..servers import ROOT
from . import crowd

AREAS = ["strengths", "weaknesses", "opportunities", "threats"]
# Per quadrant, the ideas (crowd.IDEAS indexes) of each of its two groups.
PLAN = {
    "strengths": {"Vélo au quotidien": [0, 16], "Bus et tarifs": [4, 8, 12]},
    "weaknesses": {"Pistes et douches": [9, 13], "Organisation du travail": [1, 5, 17]},
    "opportunities": {"Équipements vélo": [2, 10, 18], "Aides et services": [6, 14]},
    "threats": {"Culture vélo": [11, 19], "Réseaux et voitures": [3, 7, 15]},
}


def members(count: int = 100) -> dict[str, dict[str, list[str]]]:
    """Per quadrant, per group title, the texts of the notes that belong in it."""
    found: dict[str, dict[str, list[str]]] = {area: {t: [] for t in PLAN[area]} for area in AREAS}
    texts = crowd.notes("fr", count)
    for index, (text, area) in enumerate(zip(texts, cycle(AREAS), strict=False)):
        idea = index % len(crowd.IDEAS["fr"])
        title = next(t for t, ideas in PLAN[area].items() if idea in ideas)
        found[area][title].append(text)
    return found


def themed_members() -> dict[str, dict[str, list[str]]]:
    """A sort by meaning: the first 8 themes of the similarity benchmark's labelled notes
    (French and English mixed, benchmarks/similarity/notes.toml), 13 notes of four and
    12 of the others (100 in all), two themes per quadrant, each a group to make."""
    data = tomllib.loads((ROOT / "benchmarks" / "similarity" / "notes.toml").read_text())
    themes = data["group"][:8]
    found: dict[str, dict[str, list[str]]] = {area: {} for area in AREAS}
    for index, theme in enumerate(themes):
        count = 13 if index % 2 == 0 else 12
        found[AREAS[index // 2]][theme["theme"].capitalize()] = theme["notes"][:count]
    return found


def posting_order(plan: dict[str, dict[str, list[str]]]) -> list[tuple[str, str]]:
    """The plan's notes as (area, text), in the order a room would post them: shuffled
    (a fixed seed), so that no theme's notes sit together."""
    notes = [
        (area, text) for area, groups in plan.items() for texts in groups.values() for text in texts
    ]
    random.Random(11).shuffle(notes)
    return notes


@dataclass
class Hands:
    """A person's hands on a page: every action counted as it is made."""

    page: Page
    counts: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    def reach(self, target: Locator) -> None:
        """Page-downs (or ups) until the target is on screen: one per 80% of a screen."""
        box = target.bounding_box()
        height = self.page.viewport_size["height"]  # type: ignore[index]
        if box is None or (box["y"] >= 0 and box["y"] + box["height"] <= height):
            return
        distance = box["y"] - height / 2 if box["y"] > 0 else box["y"]
        self.counts["scroll"] += max(1, math.ceil(abs(distance) / (0.8 * height)))
        target.scroll_into_view_if_needed()

    def click(self, target: Locator) -> None:
        self.reach(target)
        target.click()
        self.counts["click"] += 1

    def type(self, target: Locator, text: str) -> None:
        target.fill(text)
        self.counts["key"] += len(text)

    def press(self, target: Locator, key: str) -> None:
        target.press(key)
        self.counts["key"] += 1

    def choose(self, target: Locator, label: str) -> None:
        """A drop-down: opened, then an option chosen."""
        self.reach(target)
        target.select_option(label=label)
        self.counts["click"] += 2

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def seconds(self) -> float:
        return time.perf_counter() - self.started
