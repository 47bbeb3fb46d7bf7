"""Reset day: participants vote for candidate coalitions and pledge to join them."""

from __future__ import annotations

import pytest

from facilitation.coalitions import services as coalitions_services
from facilitation.coalitions.models import Coalition
from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.pledges.models import Pledge

from ..statements import statements


@pytest.fixture
def coalitions(create_workshop, screens, facilitator):
    """A Reset day in its votes-and-pledges phase, with two candidate coalitions."""
    workshop = create_workshop("reset_day")
    control = screens(workshop, "control", user=facilitator)
    ids = [control.send("group.create", title=t)["data"]["group"]["id"] for t in ("Vélo", "Four")]
    control.go("votes_pledges")
    return workshop, control, ids


def test_a_participant_pledges_to_join_a_coalition(screens, coalitions):
    workshop, _, ids = coalitions
    ack = screens(workshop).send("pledge.add", group_id=ids[0], name="Léa", organisation="Fing")
    assert ack["data"]["group"]["pledges"] == 1
    assert ack["data"]["pledged"] == [ids[0]]
    assert db.session.query(Pledge).one().organisation == "Fing"


def test_pledging_twice_to_the_same_coalition_counts_once(screens, coalitions):
    workshop, _, ids = coalitions
    phone = screens(workshop)
    phone.send("pledge.add", group_id=ids[0])
    assert phone.send("pledge.add", group_id=ids[0])["error"]["code"] == "conflict"
    assert db.session.get(Group, ids[0]).pledges == 1


def test_a_pledge_can_be_withdrawn(screens, coalitions):
    workshop, _, ids = coalitions
    phone = screens(workshop)
    phone.send("pledge.add", group_id=ids[0])
    assert phone.send("pledge.withdraw", group_id=ids[0])["data"]["group"]["pledges"] == 0
    assert db.session.query(Pledge).count() == 0


def test_everyone_sees_the_pledge_count(screens, coalitions):
    workshop, _, ids = coalitions
    watcher = screens(workshop)
    screens(workshop).send("pledge.add", group_id=ids[1])
    saved = [event for event in watcher.events() if event["type"] == "group.saved"]
    assert [event["data"]["pledges"] for event in saved] == [1]


def test_pledging_outside_the_pledge_phase_is_refused(screens, coalitions):
    workshop, control, ids = coalitions
    control.go("grouping")
    assert screens(workshop).send("pledge.add", group_id=ids[0])["error"]["code"] == "phase"


def test_votes_in_this_phase_go_to_coalitions_not_notes(screens, coalitions):
    workshop, _control, ids = coalitions
    phone = screens(workshop)
    assert phone.send("vote.cast", target=f"group:{ids[0]}")["ok"]
    assert phone.send("vote.cast", target="note:1")["error"]["code"] == "invalid"
    assert db.session.get(Group, ids[0]).dots == 1


def test_a_participant_who_pledged_on_a_group_then_on_its_proposal_is_one_member(
    screens, coalitions
):
    workshop, control, ids = coalitions
    phone = screens(workshop)
    assert phone.send("pledge.add", group_id=ids[0], name="", organisation="Fing")["ok"]
    assert control.go("canvas")["ok"]
    proposal = control.send("proposal.promote", target=f"group:{ids[0]}")["data"]["proposal"]
    assert control.go("proposals")["ok"]
    ack = phone.send("proposal.pledge", proposal_id=proposal["id"], name="Léa")
    assert ack["ok"], ack
    coalition = db.session.get(Coalition, proposal["id"])
    (member,) = coalitions_services.members(coalition)
    assert (member.name, member.organisation) == ("Léa", "Fing")
    assert coalitions_services.member_counts([coalition.id]) == {coalition.id: 1}
    assert phone.send("proposal.pledge", proposal_id=proposal["id"], name="Léa")["ok"]
    assert len(coalitions_services.members(coalition)) == 1


def test_a_dot_on_a_group_leaves_no_votes_known_to_the_next(screens, coalitions):
    """A dot on a group hands the dots' ledger to the unit of work (the canvas's ranks),
    which may change votes behind it: its transaction keeps no votes for the next dot,
    which reads its voter's again."""
    workshop, _control, ids = coalitions
    phone = screens(workshop)
    assert phone.send("vote.cast", target=f"group:{ids[0]}")["ok"]
    with statements() as seen:
        ack = phone.send("vote.cast", target=f"group:{ids[1]}")
    assert ack["ok"], ack
    assert [s for s in seen if "FROM votes" in s]
    assert [db.session.get(Group, ident).dots for ident in ids] == [1, 1]
