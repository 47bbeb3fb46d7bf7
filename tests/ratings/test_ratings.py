"""Rating proposals on the seven #Reset qualities: one value per participant, item and
criterion, within the criterion's scale, only while a phase allows it, changeable while
it lasts; staff follow how many answered, nobody learns who answered what; results per
criterion reach every screen once the facilitator reveals them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from facilitation.extensions import db
from facilitation.ratings.models import Rating

QUALITIES = [
    "inclusive",
    "frugal",
    "democratic",
    "protective",
    "innovative",
    "capacitating",
    "equitable",
]
LATEST = {"since": 2**31 - 1}


@pytest.fixture
def workshop(create_workshop):
    return create_workshop("reset_day")


@pytest.fixture
def proposals(workshop, control, go_to) -> list[str]:
    """Two coalition proposals, and the Reset day in its rating phase."""
    items = []
    for title in ("Mobilités douces", "Énergie citoyenne"):
        group = control.send("group.create", title=title)["data"]["group"]["id"]
        proposal = control.send("proposal.promote", target=f"group:{group}")["data"]["proposal"]
        items.append(f"proposal:{proposal['id']}")
    go_to("qualities")
    return items


def stored() -> list[tuple[int, str, str, int]]:
    rows = db.session.execute(
        select(Rating.participant_id, Rating.item, Rating.criterion, Rating.value)
    )
    db.session.rollback()
    return sorted(tuple(row) for row in rows)


def events_of(screen, type_: str) -> list[dict[str, Any]]:
    return [event["data"] for event in screen.events() if event["type"] == type_]


def rate(screen, item: str, criterion: str, value: Any, **extra: Any) -> dict[str, Any]:
    return screen.send("rate.cast", item=item, criterion=criterion, value=value, **extra)


def test_the_reset_day_rates_its_proposals_on_the_seven_qualities(workshop, control, proposals):
    phases = {p["key"]: p for p in control.join_ack["snapshot"]["format"]["phases"]}
    rules = phases["qualities"]["rate"]
    assert rules["target"] == "proposals"
    assert [criterion["key"] for criterion in rules["criteria"]] == QUALITIES
    assert rules["criteria"][0]["label"] == {"fr": "Inclusif", "en": "Inclusive"}
    assert rules["criteria"][0]["scale"]["from"] == 1
    assert len(rules["criteria"][0]["scale"]["labels"]) == 5


def test_a_participant_rates_and_changes_their_mind(workshop, screens, proposals):
    phone = screens(workshop)
    assert rate(phone, proposals[0], "frugal", 4)["data"] == {
        "rating": {"phase": "qualities", "item": proposals[0], "criterion": "frugal", "value": 4}
    }
    assert rate(phone, proposals[0], "frugal", 2)["ok"]
    assert rate(phone, proposals[1], "frugal", 5)["ok"]
    assert [(item, value) for _, item, _, value in stored()] == [
        (proposals[0], 2),
        (proposals[1], 5),
    ]
    snapshot = phone.emit("join", {"code": workshop.code, "role": "phone"})["snapshot"]
    assert snapshot["me"]["ratings"] == {
        "qualities": {proposals[0]: {"frugal": 2}, proposals[1]: {"frugal": 5}}
    }


def test_a_rating_outside_the_rating_phase_is_refused(workshop, screens, proposals, go_to):
    go_to("proposals")
    assert rate(screens(workshop), proposals[0], "frugal", 3)["error"]["code"] == "phase"
    assert stored() == []


@pytest.mark.parametrize(
    ("item", "criterion", "value", "field"),
    [
        (None, "frugal", 6, "value"),
        (None, "frugal", 0, "value"),
        (None, "frugal", "3", "value"),
        (None, "frugal", True, "value"),
        (None, "sustainable", 3, "criterion"),
        ("note:1", "frugal", 3, "item"),
        ("proposal", "frugal", 3, "item"),
    ],
)
def test_a_bad_rating_is_invalid_and_says_why(
    workshop, screens, proposals, item, criterion, value, field
):
    ack = rate(screens(workshop), item or proposals[0], criterion, value)
    assert ack["error"]["code"] == "invalid", ack
    assert field in ack["error"]["fields"]
    assert stored() == []


def test_an_unknown_criterion_names_the_criteria_of_the_phase(workshop, screens, proposals):
    ack = rate(screens(workshop), proposals[0], "sustainable", 3)
    assert "inclusive, frugal" in ack["error"]["fields"]["criterion"][0]


def test_a_proposal_of_another_workshop_is_not_found(workshop, screens, proposals):
    missing = f"proposal:{int(proposals[1].partition(':')[2]) + 100}"
    assert rate(screens(workshop), missing, "frugal", 3)["error"]["code"] == "not_found"
    assert stored() == []


def test_staff_do_not_rate(workshop, screens, control, proposals):
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    for screen in (control, board):
        assert rate(screen, proposals[0], "frugal", 3)["error"]["code"] == "forbidden"
    assert stored() == []


def test_a_resent_rating_counts_once(workshop, screens, control, proposals):
    phone = screens(workshop)
    first = rate(phone, proposals[0], "frugal", 4, command_id="rating-1")
    resent = rate(phone, proposals[0], "frugal", 4, command_id="rating-1")
    assert first["ok"]
    assert resent["duplicate"]
    assert resent["data"] == first["data"]
    assert len(stored()) == 1
    counts = control.emit("sync", LATEST)["snapshot"]["rating_counts"]
    assert counts == {"qualities": {"items": {proposals[0]: {"frugal": 1}}, "participants": 1}}


def test_staff_see_counts_live_and_phones_see_nothing_before_the_reveal(
    workshop, screens, control, proposals
):
    phone, other = screens(workshop), screens(workshop, nickname="Bob")
    for screen in (control, phone, other):
        screen.events()
    rate(phone, proposals[0], "frugal", 4)
    rate(other, proposals[0], "frugal", 2)
    rate(other, proposals[0], "inclusive", 5)
    assert events_of(control, "ratings.counted")[-1] == {
        "phase": "qualities",
        "item": proposals[0],
        "counts": {"frugal": 2, "inclusive": 1},
        "participants": 2,
    }
    for screen in (phone, other):
        assert all(event["audience"] == "all" for event in screen.events())
        snapshot = screen.emit("sync", LATEST)["snapshot"]
        assert snapshot["rating_counts"] is None
        assert snapshot["ratings"] == {}


def test_revealed_results_give_each_criterion_its_distribution_median_and_spread(
    workshop, screens, control, proposals
):
    phones = [screens(workshop, nickname=f"P{number}") for number in range(5)]
    for phone, value in zip(phones, (1, 2, 4, 4, 5), strict=True):
        rate(phone, proposals[0], "frugal", value)
    rate(phones[0], proposals[1], "equitable", 3)
    for screen in (control, phones[0]):
        screen.events()
    assert control.send("ratings.reveal", revealed=True)["data"] == {
        "phase": "qualities",
        "ratings_revealed": True,
    }
    for screen in (control, phones[0]):
        (published,) = events_of(screen, "ratings.published")
        assert published["phase"] == "qualities"
        results = published["ratings"]
        assert results["participants"] == 5
        assert [entry["item"] for entry in results["items"]] == proposals
        frugal = results["items"][0]["criteria"]["frugal"]
        assert frugal == {
            "n": 5,
            "distribution": [1, 1, 0, 2, 1],
            "median": 4.0,
            "q1": 2.0,
            "q3": 4.0,
        }
        assert results["items"][0]["criteria"]["inclusive"]["n"] == 0
        assert screen.emit("sync", LATEST)["snapshot"]["ratings"] == {"qualities": results}


def test_a_change_after_the_reveal_reaches_every_screen(workshop, screens, control, proposals):
    phone = screens(workshop)
    rate(phone, proposals[0], "frugal", 1)
    control.send("ratings.reveal", revealed=True)
    phone.events()
    rate(phone, proposals[0], "frugal", 5)
    (published,) = events_of(phone, "ratings.published")
    assert published["ratings"]["items"][0]["criteria"]["frugal"]["median"] == 5.0


def test_hidden_again_the_results_leave_every_screen(workshop, screens, control, proposals):
    phone = screens(workshop)
    rate(phone, proposals[0], "frugal", 3)
    control.send("ratings.reveal", revealed=True)
    phone.events()
    assert control.send("ratings.reveal", phase="qualities", revealed=False)["ok"]
    assert events_of(phone, "ratings.published") == [{"phase": "qualities", "ratings": None}]
    assert phone.emit("sync", LATEST)["snapshot"]["ratings"] == {}


def test_only_the_facilitator_reveals(workshop, screens, proposals):
    phone = screens(workshop)
    assert phone.send("ratings.reveal", revealed=True)["error"]["code"] == "forbidden"


def test_revealing_a_phase_that_does_not_rate_is_invalid(workshop, control, proposals):
    ack = control.send("ratings.reveal", phase="canvas", revealed=True)
    assert ack["error"]["code"] == "invalid"
    assert "phase" in ack["error"]["fields"]


def test_a_format_without_rating_phases_has_nothing_to_reveal(
    create_workshop, screens, facilitator
):
    brainstorm = create_workshop("brainstorm")
    control = screens(brainstorm, "control", user=facilitator)
    assert control.send("ratings.reveal", revealed=True)["error"]["code"] == "invalid"
