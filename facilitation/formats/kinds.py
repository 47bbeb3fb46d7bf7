"""The registry of phase kinds: what each kind lets participants do by default, and the
slots of the kinds whose cards are sorted into fixed places (TOWS quadrants, roadmap
horizons, the coalition canvas).

A format file names a kind for each phase and may widen or narrow what it allows
with ``allows``; the server enforces the resulting capabilities on every command.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Format, LocalizedText, Slot

# What a participant may do during a phase.
CAPABILITIES = frozenset(
    {
        "post",  # write new notes
        "edit_own",  # edit or delete one's own notes
        "see_all",  # receive everyone's notes (otherwise only one's own)
        "vote",  # spend dots
        "see_results",  # receive vote tallies once the facilitator reveals them
        "react",  # agree, disagree or pass on each note shown (the opinion map)
        "rate",  # rate items on the phase's criteria (needs rate rules)
        "poll",  # the phase asks its quick poll (needs poll rules; open while the phase lasts)
        "pledge",  # "I would join" on a group
        "canvas",  # fill the coalition canvas of the top groups
        "strategies",  # propose TOWS strategy cards
        "roadmap",  # propose roadmap items
    }
)

# Card kinds, the capability that lets participants add them, and their slots.
CARD_CAPABILITY = {"strategy": "strategies", "roadmap": "roadmap", "canvas": "canvas"}


def _slot(key: str, fr: str, en: str, hint_fr: str = "", hint_en: str = "") -> Slot:
    hint = LocalizedText(hint_fr, hint_en) if hint_fr else None
    return Slot(key, LocalizedText(fr, en), hint)


CARD_SLOTS: dict[str, tuple[Slot, ...]] = {
    "strategy": (
        _slot(
            "SO",
            "Forces × Opportunités",
            "Strengths × Opportunities",
            "Utiliser nos forces pour saisir les opportunités",
            "Use strengths to seize opportunities",
        ),
        _slot(
            "ST",
            "Forces × Menaces",
            "Strengths × Threats",
            "Utiliser nos forces pour parer les menaces",
            "Use strengths to counter threats",
        ),
        _slot(
            "WO",
            "Faiblesses × Opportunités",
            "Weaknesses × Opportunities",
            "Saisir les opportunités pour corriger nos faiblesses",
            "Use opportunities to overcome weaknesses",
        ),
        _slot(
            "WT",
            "Faiblesses × Menaces",
            "Weaknesses × Threats",
            "Réduire nos faiblesses pour éviter les menaces",
            "Reduce weaknesses to avoid threats",
        ),
    ),
    "roadmap": (
        _slot("now", "Dans les 6 mois", "Within 6 months"),
        _slot("next", "De 6 à 12 mois", "6 to 12 months"),
        _slot("later", "De 1 à 2 ans", "1 to 2 years"),
    ),
    "canvas": (
        _slot(
            "diagnostic",
            "Diagnostic",
            "Diagnostic",
            "Le problème, et pourquoi maintenant",
            "The problem, and why now",
        ),
        _slot(
            "impact",
            "Impact visé à deux ans",
            "Impact aimed at within two years",
            "Ce qui aura changé, et quand",
            "What will have changed, and when",
        ),
        _slot(
            "actors",
            "Acteurs",
            "Actors",
            "Organisations et personnes qui portent",
            "Organisations and people who carry it",
        ),
        _slot(
            "levers",
            "Leviers et chemin",
            "Levers and path",
            "Les moyens et les étapes",
            "The means and the steps",
        ),
        _slot(
            "evaluation",
            "Évaluation",
            "Evaluation",
            "Les indicateurs de réussite",
            "The indicators of success",
        ),
    ),
}


def card_slots(fmt: Format, kind: str) -> tuple[Slot, ...]:
    """The slots of a card kind in this format: the coalition canvas's fields, unless the
    format declares its own canvas (a project review's questions, say)."""
    if kind == "canvas" and fmt.canvas:
        return fmt.canvas
    return CARD_SLOTS[kind]


@dataclass(frozen=True)
class Kind:
    key: str
    allows: frozenset[str]
    needs_vote_rules: bool = False


def _kind(key: str, *allows: str, needs_vote_rules: bool = False) -> Kind:
    return Kind(key, frozenset(allows), needs_vote_rules)


# What a phase's `rate` rules may name as the items rated.
RATE_TARGETS = ("notes", "groups", "proposals")


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        _kind("intro", "see_all"),
        _kind("ideation", "post", "edit_own", "see_all"),
        _kind("silent_writing", "post", "edit_own"),
        _kind("reveal", "see_all"),
        _kind("grouping", "see_all"),
        _kind("react", "see_all", "react"),
        _kind("voting", "see_all", "vote", needs_vote_rules=True),
        _kind("rate", "see_all", "rate"),
        _kind("poll", "see_all", "poll"),
        _kind("results", "see_all", "see_results"),
        _kind("pledges", "see_all", "see_results", "pledge"),
        _kind("canvas", "see_all", "see_results", "canvas"),
        _kind("strategies", "see_all", "see_results", "strategies"),
        _kind("roadmap", "see_all", "see_results", "roadmap"),
        _kind("proposals", "see_all", "see_results", "pledge"),
        _kind("synthesis", "see_all", "see_results"),
    )
}
