"""A selection of notes in one command: into a group, back to the loose notes, hidden or
restored, merged; carried out whole or not at all, and acknowledged once."""

from __future__ import annotations

import pytest

from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.notes.schemas import MAX_SELECTION


@pytest.fixture
def swot(create_workshop, screens, facilitator):
    """A SWOT in its grouping phase: three strengths and a threat, a group of strengths
    and a group of any area; its control page and a phone."""
    workshop = create_workshop("swot")
    phone = screens(workshop)
    control = screens(workshop, "control", user=facilitator)

    def post(area, text):
        return phone.send("note.post", area=area, text=text)["data"]["note"]["id"]

    notes = [post("strengths", t) for t in ("Élus", "Associations", "Gare")]
    notes.append(post("threats", "Maternité"))
    strengths = control.send("group.create", title="Atouts", area="strengths")["data"]["group"]
    anywhere = control.send("group.create", title="Divers")["data"]["group"]
    control.go("grouping")
    phone.events()
    return workshop, control, phone, notes, strengths["id"], anywhere["id"]


def placed(ids):
    db.session.expire_all()
    return [(db.session.get(Note, i).group_id, db.session.get(Note, i).position) for i in ids]


def test_a_selection_goes_into_a_group_in_one_command_in_the_order_chosen(swot):
    _, control, phone, notes, _, anywhere = swot
    chosen = [notes[2], notes[0], notes[3]]
    ack = control.send("notes.place", ids=chosen, group_id=anywhere)
    assert ack["data"] == {"ids": chosen, "group_id": anywhere}
    assert placed(chosen) == [(anywhere, 1), (anywhere, 2), (anywhere, 3)]
    events = phone.events()
    assert [(e["type"], e["data"]["id"]) for e in events] == [("note.updated", i) for i in chosen]
    assert ack["seq"] == events[-1]["seq"]


def test_notes_already_in_the_group_keep_their_place(swot):
    _, control, _, notes, _, anywhere = swot
    control.send("notes.place", ids=[notes[0], notes[1]], group_id=anywhere)
    ack = control.send("notes.place", ids=[notes[2], notes[0]], group_id=anywhere)
    assert ack["data"]["ids"] == [notes[2]]
    assert placed(notes[:3]) == [(anywhere, 1), (anywhere, 2), (anywhere, 3)]


def test_a_selection_goes_back_to_the_loose_notes(swot):
    _, control, _, notes, _, anywhere = swot
    control.send("notes.place", ids=notes, group_id=anywhere)
    assert control.send("notes.place", ids=notes[:2], group_id=None)["ok"]
    assert [group for group, _ in placed(notes)] == [None, None, anywhere, anywhere]


def test_one_note_of_another_area_keeps_the_whole_selection_out_of_the_group(swot):
    _, control, phone, notes, strengths, _ = swot
    ack = control.send("notes.place", ids=notes, group_id=strengths)
    assert ack["error"]["code"] == "invalid"
    assert "1 de ces post-it" in ack["error"]["message"]  # in the workshop's language
    assert placed(notes) == [(None, 0)] * 4
    assert phone.events() == []


def test_a_note_gone_keeps_the_whole_selection_where_it_was(swot):
    _, control, _, notes, _, anywhere = swot
    control.send("note.delete", id=notes[1])
    ack = control.send("notes.place", ids=notes, group_id=anywhere)
    assert ack["error"]["code"] == "not_found"
    assert [group for group, _ in placed(notes)] == [None] * 4


def test_a_note_of_another_workshop_is_not_found(swot, create_workshop, screens):
    _, control, _, notes, _, anywhere = swot
    other = create_workshop("swot")
    stranger = screens(other).send("note.post", area="strengths", text="Ailleurs")
    ids = [notes[0], stranger["data"]["note"]["id"]]
    assert control.send("notes.place", ids=ids, group_id=anywhere)["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "ids", [[], [1, 1], list(range(1, MAX_SELECTION + 2)), [0], "1,2", [True]], ids=str
)
def test_a_selection_is_a_bounded_list_of_distinct_ids(swot, ids):
    _, control, _, _, _, anywhere = swot
    ack = control.send("notes.place", ids=ids, group_id=anywhere)
    assert ack["error"]["code"] == "invalid"
    assert "ids" in ack["error"]["fields"]


def test_a_selection_sent_again_is_carried_out_once(swot):
    _, control, phone, notes, _, anywhere = swot
    payload = {"command_id": "selection-0001", "ids": notes[:2], "group_id": anywhere}
    first = control.send("notes.place", payload)
    again = control.send("notes.place", payload)
    assert again == {**first, "duplicate": True}
    assert len(phone.events()) == 2


def test_a_participant_cannot_sort_notes(swot, screens):
    workshop, _, _, notes, _, anywhere = swot
    ack = screens(workshop).send("notes.place", ids=notes[:1], group_id=anywhere)
    assert ack["error"]["code"] == "forbidden"


def test_a_selection_is_hidden_then_restored_in_one_command_each(swot, screens):
    workshop, control, phone, notes, _, _ = swot
    ack = control.send("notes.moderate", ids=notes[:3], hidden=True)
    assert ack["data"] == {"ids": notes[:3], "hidden": True}
    assert all("text" not in e["data"] for e in phone.events())
    board_notes = screens(workshop).join_ack["snapshot"]["notes"]
    assert [note["id"] for note in board_notes] == [notes[3]]
    assert control.send("notes.moderate", ids=notes, hidden=False)["data"]["ids"] == notes[:3]
    assert len(screens(workshop).join_ack["snapshot"]["notes"]) == 4


def test_duplicates_merge_into_one_note_in_one_command(swot):
    _, control, phone, notes, _, _ = swot
    ack = control.send("notes.merge", ids=[notes[1], notes[2]], into=notes[0])
    assert ack["data"] == {"ids": [notes[1], notes[2]], "into": notes[0]}
    assert [e["data"] for e in phone.events()] == [
        {"id": notes[1], "merged_into": notes[0]},
        {"id": notes[2], "merged_into": notes[0]},
    ]
    assert db.session.get(Note, notes[2]).merged_into_id == notes[0]


def test_a_note_cannot_be_merged_into_itself(swot):
    _, control, _, notes, _, _ = swot
    ack = control.send("notes.merge", ids=notes[:2], into=notes[0])
    assert ack["error"]["code"] == "invalid"


def test_a_voted_note_keeps_the_whole_merge_from_happening(swot, screens):
    workshop, control, _, notes, _, _ = swot
    control.go("voting")
    assert screens(workshop).send("vote.cast", target=f"note:{notes[2]}")["ok"]
    ack = control.send("notes.merge", ids=[notes[1], notes[2]], into=notes[0])
    assert ack["error"]["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Note, notes[1]).merged_into_id is None


def test_a_new_group_starts_with_the_selection(swot):
    _, control, _, notes, _, _ = swot
    ack = control.send("group.create", title="Gare", area="strengths", note_ids=notes[:2])
    group = ack["data"]["group"]["id"]
    assert placed(notes[:2]) == [(group, 1), (group, 2)]


def test_a_new_group_that_cannot_take_its_notes_is_not_made(swot):
    _, control, _, notes, _, _ = swot
    ack = control.send("group.create", title="Gare", area="strengths", note_ids=notes)
    assert ack["error"]["code"] == "invalid"
    assert db.session.query(Group).filter_by(title="Gare").count() == 0
