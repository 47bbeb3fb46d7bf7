"""SWOT strategies and roadmap, and the Reset day's coalition canvas, filled from phones."""

from __future__ import annotations

import pytest

from facilitation.cards.models import Card
from facilitation.extensions import db


@pytest.fixture
def swot(create_workshop, screens, facilitator):
    """A SWOT with a strength and an opportunity, in its strategies phase."""
    workshop = create_workshop("swot")
    phone = screens(workshop)
    strength = phone.send("note.post", area="strengths", text="Tissu associatif")["data"]
    chance = phone.send("note.post", area="opportunities", text="Fonds européens")["data"]
    control = screens(workshop, "control", user=facilitator)
    control.go("strategies")
    return workshop, control, [strength["note"]["id"], chance["note"]["id"]]


def test_a_strategy_card_is_drawn_from_voted_items(screens, swot):
    workshop, _, notes = swot
    ack = screens(workshop).send(
        "card.add",
        kind="strategy",
        slot="SO",
        text="Monter un consortium",
        links=[f"note:{notes[0]}", f"note:{notes[1]}"],
    )
    assert ack["ok"], ack
    card = db.session.get(Card, ack["data"]["card"]["id"])
    assert (card.slot, card.links) == ("SO", [f"note:{notes[0]}", f"note:{notes[1]}"])


def test_a_strategy_in_an_unknown_quadrant_is_refused(screens, swot):
    workshop, _, _ = swot
    ack = screens(workshop).send("card.add", kind="strategy", slot="XY", text="?")
    assert ack["error"]["fields"]["slot"]


def test_a_strategy_linked_to_another_workshop_is_refused(screens, swot, create_workshop):
    workshop, _, _ = swot
    foreign = screens(create_workshop()).send("note.post", area="ideas", text="x")["data"]
    ack = screens(workshop).send(
        "card.add", kind="strategy", slot="ST", text="?", links=[f"note:{foreign['note']['id']}"]
    )
    assert ack["error"]["code"] == "not_found"
    assert db.session.query(Card).count() == 0


def test_roadmap_items_wait_for_the_roadmap_phase(screens, swot):
    workshop, control, _ = swot
    phone = screens(workshop)
    assert phone.send("card.add", kind="roadmap", slot="now", text="x")["error"]["code"] == "phase"
    control.go("roadmap")
    assert phone.send("card.add", kind="roadmap", slot="now", text="Réunir les élus")["ok"]


def test_an_author_edits_their_card_and_not_someone_elses(screens, swot):
    workshop, _, _ = swot
    author = screens(workshop)
    card = author.send("card.add", kind="strategy", slot="WT", text="Prudence")["data"]["card"]
    assert author.send("card.edit", id=card["id"], text="Prudence !")["ok"]
    assert screens(workshop).send("card.delete", id=card["id"])["error"]["code"] == "forbidden"


@pytest.fixture
def canvas(create_workshop, screens, facilitator):
    """A Reset day at its canvas phase; the most voted group has a canvas."""
    workshop = create_workshop("reset_day")
    control = screens(workshop, "control", user=facilitator)
    groups = [control.send("group.create", title=t)["data"]["group"]["id"] for t in "ABCD"]
    control.go("votes_pledges")
    screens(workshop).send("vote.cast", target=f"group:{groups[3]}")
    control.go("canvas")
    return workshop, control, groups


def test_the_top_groups_get_a_canvas(screens, canvas):
    workshop, _, groups = canvas
    assert screens(workshop).join_ack["snapshot"]["canvas_groups"][0] == groups[3]


def test_a_phone_fills_a_field_of_a_coalition_canvas(screens, facilitator, canvas):
    workshop, _, groups = canvas
    board = screens(workshop, "board", user=facilitator)
    ack = screens(workshop).send(
        "card.add", kind="canvas", slot="impact", group_id=groups[3], text="100 fours en 2027"
    )
    assert ack["ok"], ack
    assert [e["data"]["text"] for e in board.events()] == ["100 fours en 2027"]


def test_a_group_without_a_canvas_takes_no_entry(screens, canvas):
    workshop, control, groups = canvas
    control.send("canvas.groups", group_ids=[groups[0]])
    ack = screens(workshop).send(
        "card.add", kind="canvas", slot="actors", group_id=groups[3], text="x"
    )
    assert ack["error"]["fields"]["group_id"]


def test_every_screen_learns_which_groups_have_a_canvas(screens, canvas):
    workshop, control, groups = canvas
    watcher = screens(workshop)
    control.send("canvas.groups", group_ids=[groups[1], groups[2]])
    assert watcher.events()[-1]["data"]["canvas_groups"] == [groups[1], groups[2]]
