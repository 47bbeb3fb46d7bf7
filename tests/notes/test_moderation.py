"""Moderation and grouping: hide and restore, fix, merge duplicates, sort into groups."""

from __future__ import annotations

import pytest

from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.notes.models import Note


@pytest.fixture
def revealed(workshop, screens, go_to):
    """A phone with two notes, revealed to everyone."""
    phone = screens(workshop)
    ids = [
        phone.send("note.post", area="ideas", text=t)["data"]["note"]["id"]
        for t in ("Vélo partagé", "Velo partage")
    ]
    go_to("grouping")
    phone.events()
    return phone, ids


def test_a_hidden_note_leaves_the_phones_without_its_text(workshop, screens, control, revealed):
    watcher = screens(workshop)
    _, ids = revealed
    control.send("note.moderate", id=ids[0], hidden=True)
    event = watcher.events()[0]
    assert event["data"]["hidden"] is True
    assert "text" not in event["data"]
    assert ids[0] not in {note["id"] for note in screens(workshop).join_ack["snapshot"]["notes"]}


def test_the_control_page_still_sees_a_hidden_note(workshop, control, revealed):
    _, ids = revealed
    control.send("note.moderate", id=ids[0], hidden=True)
    notes = {note["id"]: note for note in control.join()["snapshot"]["notes"]}
    assert notes[ids[0]]["hidden"] is True
    assert notes[ids[0]]["text"] == "Vélo partagé"


def test_a_restored_note_comes_back_with_its_text(workshop, screens, control, revealed):
    _, ids = revealed
    control.send("note.moderate", id=ids[0], hidden=True)
    control.send("note.moderate", id=ids[0], hidden=False)
    texts = [note["text"] for note in screens(workshop).join_ack["snapshot"]["notes"]]
    assert "Vélo partagé" in texts


def test_the_facilitator_fixes_a_typo(control, revealed):
    _, ids = revealed
    assert control.send("note.edit", id=ids[1], text="Vélo partagé !")["ok"]
    assert db.session.get(Note, ids[1]).text == "Vélo partagé !"


def test_a_duplicate_merged_away_is_kept_but_leaves_the_board(workshop, control, revealed):
    phone, ids = revealed
    assert control.send("note.merge", id=ids[1], into=ids[0])["ok"]
    assert [e["data"] for e in phone.events()] == [{"id": ids[1], "merged_into": ids[0]}]
    assert db.session.get(Note, ids[1]).merged_into_id == ids[0]


def test_a_note_cannot_be_merged_into_itself(control, revealed):
    _, ids = revealed
    assert control.send("note.merge", id=ids[0], into=ids[0])["error"]["code"] == "invalid"


def test_notes_are_sorted_into_a_named_group(workshop, control, revealed):
    phone, ids = revealed
    group = control.send("group.create", title="Mobilité")["data"]["group"]
    for note_id in ids:
        assert control.send("note.place", id=note_id, group_id=group["id"])["ok"]
    phone.events()
    assert phone.state.groups[group["id"]]["title"] == "Mobilité"
    assert {phone.state.notes[i]["group_id"] for i in ids} == {group["id"]}


def test_a_group_is_renamed(control, revealed):
    group = control.send("group.create", title="Mobilite")["data"]["group"]
    control.send("group.update", id=group["id"], title="Mobilité douce")
    assert db.session.get(Group, group["id"]).title == "Mobilité douce"


def test_a_dissolved_group_gives_its_notes_back(control, revealed):
    _, ids = revealed
    group = control.send("group.create", title="Provisoire")["data"]["group"]
    control.send("note.place", id=ids[0], group_id=group["id"])
    assert control.send("group.delete", id=group["id"])["ok"]
    assert db.session.get(Note, ids[0]).group_id is None


def test_groups_stay_off_phones_while_notes_are_private(workshop, screens, control):
    phone = screens(workshop)
    control.send("group.create", title="En coulisses")
    received = phone.events()  # the workshop's state: its canvas's default groups, by id
    assert [event["type"] for event in received] == ["workshop.updated"]
    assert "En coulisses" not in str(received)


def test_a_board_only_watches(workshop, screens, facilitator, revealed):
    _, ids = revealed
    board = screens(workshop, "board", user=facilitator)
    assert board.send("note.post", area="ideas", text="x")["error"]["code"] == "forbidden"
    assert board.send("note.moderate", id=ids[0], hidden=True)["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("note.moderate", lambda ids: {"id": ids[0], "hidden": True}),
        ("note.merge", lambda ids: {"id": ids[0], "into": ids[1]}),
        ("note.place", lambda ids: {"id": ids[0], "group_id": None}),
        ("note.edit", lambda ids: {"id": ids[0], "text": "Réécrit par un autre"}),
        ("note.delete", lambda ids: {"id": ids[0]}),
        ("spotlight", lambda ids: {"target": f"note:{ids[0]}"}),
    ],
)
def test_a_participant_cannot_touch_another_participants_note(
    workshop, screens, revealed, name, payload
):
    _, ids = revealed
    before = db.session.get(Note, ids[0]).seq
    ack = screens(workshop).send(name, **payload(ids))
    assert ack["error"]["code"] == "forbidden"
    assert db.session.get(Note, ids[0]).seq == before
