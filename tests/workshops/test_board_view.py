"""What the board shows, set from the control page: its stage or the join screen, zoomed
onto one area or group, its pages turning by themselves or held; and spotlit cards."""

from __future__ import annotations

import pytest

from facilitation.workshops.services import get_workshop

STAGE = {"mode": "stage", "focus": None, "page": None}


def test_a_new_workshop_shows_its_stage_whole_with_pages_turning(control):
    assert control.join_ack["snapshot"]["workshop"]["board"] == STAGE


def test_every_screen_hears_that_the_board_shows_the_join_screen(workshop, screens, control):
    phone = screens(workshop)
    ack = control.send("board.view", mode="join", focus=None, page=None)
    assert ack["data"]["workshop"]["board"] == {"mode": "join", "focus": None, "page": None}
    [event] = phone.events()
    assert (event["type"], event["data"]["board"]["mode"]) == ("workshop.updated", "join")


def test_a_screen_that_joins_later_finds_the_board_as_the_facilitator_left_it(
    workshop, screens, control
):
    control.send("board.view", mode="stage", focus="area:ideas", page=2)
    late = screens(workshop)
    assert late.join_ack["snapshot"]["workshop"]["board"] == {
        "mode": "stage",
        "focus": "area:ideas",
        "page": 2,
    }


def test_the_board_zooms_onto_a_group_of_its_workshop(control):
    group = control.send("group.create", title="Vélo", area=None)["data"]["group"]
    ack = control.send("board.view", mode="stage", focus=f"group:{group['id']}", page=None)
    assert ack["data"]["workshop"]["board"]["focus"] == f"group:{group['id']}"


@pytest.mark.parametrize(
    ("focus", "code"),
    [("area:nowhere", "invalid"), ("group:999", "not_found"), ("note:1", "invalid")],
)
def test_the_board_zooms_only_onto_what_is_there(workshop, control, focus, code):
    before = get_workshop(workshop.id).seq
    ack = control.send("board.view", mode="stage", focus=focus, page=None)
    assert ack["error"]["code"] == code
    if code == "invalid":
        assert list(ack["error"]["fields"]) == ["focus"]
    assert get_workshop(workshop.id).seq == before


def test_showing_the_same_thing_again_records_nothing(workshop, control):
    control.send("board.view", mode="join", focus=None, page=None)
    before = get_workshop(workshop.id).seq
    assert control.send("board.view", mode="join", focus=None, page=None)["seq"] is None
    assert get_workshop(workshop.id).seq == before


def test_a_held_page_is_a_page_number(control):
    ack = control.send("board.view", mode="stage", focus=None, page=0)
    assert (ack["error"]["code"], list(ack["error"]["fields"])) == ("invalid", ["page"])


def test_the_spotlight_shows_a_card(create_workshop, screens, facilitator):
    swot = create_workshop("swot")
    control = screens(swot, "control", user=facilitator)
    card = control.send(
        "card.add", kind="strategy", slot="SO", text="Un consortium", group_id=None, links=[]
    )["data"]["card"]
    ack = control.send("spotlight", target=f"card:{card['id']}")
    assert ack["data"]["workshop"]["spotlight"] == f"card:{card['id']}"


def test_a_deleted_card_cannot_be_spotlit(create_workshop, screens, facilitator):
    swot = create_workshop("swot")
    control = screens(swot, "control", user=facilitator)
    card = control.send(
        "card.add", kind="strategy", slot="SO", text="Un consortium", group_id=None, links=[]
    )["data"]["card"]
    control.send("card.delete", id=card["id"])
    assert control.send("spotlight", target=f"card:{card['id']}")["error"]["code"] == "not_found"


def test_the_board_may_show_the_opinion_map_whatever_the_phase(workshop, screens, control):
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    ack = control.send("board.view", mode="opinions", focus=None, page=None)
    assert ack["ok"], ack
    assert ack["data"]["workshop"]["board"]["mode"] == "opinions"
    (changed,) = [e for e in board.events() if e["type"] == "workshop.updated"]
    assert changed["data"]["board"]["mode"] == "opinions"
    refused = control.send("board.view", mode="everything", focus=None, page=None)
    assert refused["error"]["code"] == "invalid"
