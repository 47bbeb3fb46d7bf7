"""Workshop formats as frozen values: what a format file becomes once checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LocalizedText:
    """A text in French and English; French is the reference language."""

    fr: str
    en: str

    def get(self, locale: str | None) -> str:
        return self.en if (locale or "").startswith("en") else self.fr

    def as_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}


@dataclass(frozen=True)
class Area:
    key: str
    label: LocalizedText
    color: str
    hint: LocalizedText | None = None


@dataclass(frozen=True)
class Slot:
    """A place cards go: a TOWS quadrant, a roadmap horizon, a field of a canvas."""

    key: str
    label: LocalizedText
    hint: LocalizedText | None = None


@dataclass(frozen=True)
class VoteRules:
    """Dot voting: a budget per participant (per area when asked) and a cap per item."""

    budget: int
    max_per_item: int
    per_area: bool = False
    target: str = "notes"


@dataclass(frozen=True)
class Scale:
    """The points a criterion is rated on, from ``low`` to ``high``, each with its label."""

    low: int
    high: int
    labels: tuple[LocalizedText, ...]

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    def label_of(self, value: int) -> LocalizedText:
        return self.labels[value - self.low]


@dataclass(frozen=True)
class Criterion:
    key: str
    label: LocalizedText
    scale: Scale
    description: LocalizedText | None = None


@dataclass(frozen=True)
class RateRules:
    """Rating: which items are rated (notes, groups or proposals), on which criteria."""

    target: str
    criteria: tuple[Criterion, ...]
    lens: str | None = None  # the built-in lens the criteria come from (formats/lenses.py)

    def criterion(self, key: str) -> Criterion | None:
        return next((criterion for criterion in self.criteria if criterion.key == key), None)


@dataclass(frozen=True)
class PollRules:
    """A quick poll a `poll` phase asks: one question, 2 to 10 options, one choice or
    several (at most ``max_choices``, by default every option)."""

    question: LocalizedText
    options: tuple[LocalizedText, ...]
    multiple: bool = False
    max_choices: int | None = None


@dataclass(frozen=True)
class Phase:
    key: str
    kind: str
    label: LocalizedText
    allows: frozenset[str]
    instructions: LocalizedText | None = None
    duration_minutes: int | None = None
    vote: VoteRules | None = None
    areas: tuple[str, ...] | None = None
    rate: RateRules | None = None
    poll: PollRules | None = None

    def permits(self, capability: str) -> bool:
        return capability in self.allows


@dataclass(frozen=True)
class Format:
    key: str
    title: LocalizedText
    description: LocalizedText
    question_label: LocalizedText
    areas: tuple[Area, ...]
    phases: tuple[Phase, ...]
    anonymous: bool = True
    canvas: tuple[Slot, ...] | None = None  # its own canvas fields (else the coalition's)
    canvas_label: LocalizedText | None = None  # and what its canvas is called
    source: Path | None = field(default=None, compare=False)

    def area(self, key: str) -> Area | None:
        return next((area for area in self.areas if area.key == key), None)

    def phase_at(self, index: int) -> Phase:
        return self.phases[max(0, min(index, len(self.phases) - 1))]

    @property
    def area_keys(self) -> tuple[str, ...]:
        return tuple(area.key for area in self.areas)
