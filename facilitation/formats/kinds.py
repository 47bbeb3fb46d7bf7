"""The registry of phase kinds: what each kind lets participants do by default.

A format file names a kind for each phase and may widen or narrow what it allows
with ``allows``; the server enforces the resulting capabilities on every command.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a participant may do during a phase.
CAPABILITIES = frozenset(
    {
        "post",  # write new notes
        "edit_own",  # edit or delete one's own notes
        "see_all",  # receive everyone's notes (otherwise only one's own)
        "vote",  # spend dots
        "see_results",  # receive vote tallies
        "pledge",  # "I would join" on a group or proposal
        "canvas",  # fill the coalition canvas of the top groups
        "strategies",  # propose TOWS strategy cards
        "roadmap",  # propose roadmap items
    }
)


@dataclass(frozen=True)
class Kind:
    key: str
    allows: frozenset[str]
    needs_vote_rules: bool = False


def _kind(key: str, *allows: str, needs_vote_rules: bool = False) -> Kind:
    return Kind(key, frozenset(allows), needs_vote_rules)


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        _kind("intro", "see_all"),
        _kind("ideation", "post", "edit_own", "see_all"),
        _kind("silent_writing", "post", "edit_own"),
        _kind("reveal", "see_all"),
        _kind("grouping", "see_all"),
        _kind("voting", "see_all", "vote", needs_vote_rules=True),
        _kind("results", "see_all", "see_results"),
        _kind("pledges", "see_all", "see_results", "pledge"),
        _kind("canvas", "see_all", "see_results", "canvas"),
        _kind("strategies", "see_all", "see_results", "strategies"),
        _kind("roadmap", "see_all", "see_results", "roadmap"),
        _kind("proposals", "see_all", "see_results"),
        _kind("synthesis", "see_all", "see_results"),
    )
}
