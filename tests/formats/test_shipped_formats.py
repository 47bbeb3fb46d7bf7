"""Every format shipped in workshops/ runs from its first phase to its last: participants
post where a phase lets them and vote where it lets them, with no code of its own."""

from __future__ import annotations

import pytest

from facilitation import ROOT
from facilitation.rules import formats

SHIPPED = sorted(path.stem for path in (ROOT / "workshops").glob("*.toml"))


# A project review rates its projects on criteria instead of voting on them.
RATED_NOT_VOTED = {"facteur4"}


@pytest.mark.parametrize("format_key", SHIPPED)
def test_a_shipped_format_runs_from_first_to_last_phase(
    format_key, create_workshop, screens, facilitator
):
    workshop = create_workshop(format_key)
    control = screens(workshop, "control", user=facilitator)
    phone = screens(workshop, "phone", nickname="Sam")
    fmt = control.join_ack["snapshot"]["format"]
    posted: list[int] = []
    for index, phase in enumerate(fmt["phases"]):
        assert control.send("phase.move", index=index)["ok"], phase["key"]
        if "post" in phase["allows"]:
            area = (phase["areas"] or [fmt["areas"][0]["key"]])[0]
            ack = phone.send("note.post", area=area, text=f"{phase['key']} idea")
            assert ack["ok"], (phase["key"], ack)
            posted.append(ack["data"]["note"]["id"])
        if "vote" in phase["allows"] and phase["vote"]["target"] == "notes":
            ack = phone.send("vote.cast", target=f"note:{posted[0]}")
            assert ack["ok"], (phase["key"], ack)
    assert posted, "a format where nobody can write anything"
    assert control.send("phase.move", index=len(fmt["phases"]))["error"]["code"] == "invalid"


@pytest.mark.parametrize("format_key", SHIPPED)
def test_a_shipped_format_shows_the_results_of_a_vote_before_building_on_them(format_key, app):
    """After every vote comes its results phase, before strategies, a canvas or proposals
    are drawn from what was voted."""
    phases = formats()[format_key].phases
    after_votes = [phases[i + 1].kind for i, phase in enumerate(phases[:-1]) if phase.vote]
    if format_key in RATED_NOT_VOTED:
        assert not after_votes
        assert any(phase.rate for phase in phases)
        return
    assert after_votes, "a shipped format without a vote"
    assert set(after_votes) == {"results"}
