"""Agree, disagree or pass on each note: one answer per participant and note, only while
the phase allows it; staff follow the counts, nobody learns who answered what; the
facilitator reveals the room's opinion map to every screen."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from facilitation.extensions import db
from facilitation.reactions import services as reactions
from facilitation.reactions.models import OpinionMap, Reaction

from .camps import seat_two_camps


@pytest.fixture
def workshop(create_workshop):
    return create_workshop("retro")


@pytest.fixture
def notes(workshop, screens, go_to) -> list[int]:
    """Seven notes written in silence, and the retrospective in its react phase."""
    author = screens(workshop, nickname="Autrice")
    texts = [f"Constat {number}" for number in range(7)]
    ids = [
        author.send("note.post", area="went_well", text=text)["data"]["note"]["id"]
        for text in texts
    ]
    go_to("react")
    return ids


def stored() -> list[tuple[int, int, int]]:
    rows = db.session.execute(select(Reaction.participant_id, Reaction.note_id, Reaction.value))
    db.session.rollback()
    return sorted(tuple(row) for row in rows)


def events_of(screen, type_: str) -> list[dict[str, Any]]:
    return [event["data"] for event in screen.events() if event["type"] == type_]


def test_a_participant_answers_and_changes_their_mind(workshop, screens, notes):
    phone = screens(workshop)
    assert phone.send("react.cast", note_id=notes[0], value=1)["data"] == {
        "reaction": {"note_id": notes[0], "value": 1}
    }
    assert phone.send("react.cast", note_id=notes[0], value=-1)["ok"]
    assert phone.send("react.cast", note_id=notes[1], value=0)["ok"]
    assert [(note, value) for _, note, value in stored()] == [(notes[0], -1), (notes[1], 0)]
    snapshot = phone.emit("join", {"code": workshop.code, "role": "phone"})["snapshot"]
    assert snapshot["me"]["reactions"] == {str(notes[0]): -1, str(notes[1]): 0}


def test_an_answer_outside_the_react_phase_is_refused_and_changes_nothing(
    workshop, screens, notes, go_to
):
    go_to("grouping")
    ack = screens(workshop).send("react.cast", note_id=notes[0], value=1)
    assert ack["error"]["code"] == "phase"
    assert stored() == []


@pytest.mark.parametrize("command", ["note.moderate", "note.delete"])
def test_an_answer_on_a_hidden_or_deleted_note_is_refused(
    workshop, screens, control, notes, command
):
    payload = {"id": notes[0], "hidden": True} if command == "note.moderate" else {"id": notes[0]}
    assert control.send(command, **payload)["ok"]
    ack = screens(workshop).send("react.cast", note_id=notes[0], value=1)
    assert ack["error"]["code"] == "not_found"
    assert stored() == []


def test_a_bad_value_is_invalid(workshop, screens, notes):
    for value in (2, -2, "1", True, None):
        ack = screens(workshop).send("react.cast", note_id=notes[0], value=value)
        assert ack["error"]["code"] == "invalid", value
    assert stored() == []


def test_the_staff_see_the_counts_and_phones_never_do(workshop, screens, control, notes):
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    phone, other = screens(workshop), screens(workshop, nickname="Bob")
    for screen in (board, control, phone, other):
        screen.events()
    phone.send("react.cast", note_id=notes[0], value=1)
    other.send("react.cast", note_id=notes[0], value=-1)
    expected = {"note_id": notes[0], "agree": 1, "disagree": 1, "pass": 0, "participants": 2}
    for staff in (board, control):
        assert events_of(staff, "reactions.counted")[-1] == expected
    for screen in (phone, other):
        assert all(event["audience"] == "all" for event in screen.events())
    assert phone.emit("sync", {"since": 2**31 - 1})["snapshot"]["reactions"] is None
    staff_snapshot = control.emit("sync", {"since": 2**31 - 1})["snapshot"]
    assert staff_snapshot["reactions"] == {
        "items": {str(notes[0]): {"agree": 1, "disagree": 1, "pass": 0}},
        "participants": 2,
    }


def test_a_resent_answer_counts_once(workshop, screens, control, notes):
    phone = screens(workshop)
    first = phone.send("react.cast", {"command_id": "answer-1", "note_id": notes[0], "value": 1})
    resent = phone.send("react.cast", {"command_id": "answer-1", "note_id": notes[0], "value": 1})
    assert first["ok"]
    assert resent["duplicate"]
    assert resent["data"] == first["data"]
    assert len(stored()) == 1
    counts = control.emit("sync", {"since": 2**31 - 1})["snapshot"]["reactions"]
    assert counts["items"][str(notes[0])]["agree"] == 1


def test_two_camps_revealed_come_out_as_two_groups_on_every_screen(
    workshop, screens, control, notes
):
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    phone = screens(workshop)
    seat_two_camps(workshop.id, notes[:3], notes[3:5], notes[5:])
    for screen in (board, control, phone):
        screen.events()
    assert control.send("opinions.reveal", revealed=True)["data"] == {"opinions_revealed": True}
    texts = dict(zip(notes, (f"Constat {number}" for number in range(7)), strict=True))
    for screen in (board, control, phone):
        (published,) = events_of(screen, "opinions.published")
        found = published["opinions"]
        assert found["enough"]
        assert found["clear"]
        assert sorted(group["members"] for group in found["groups"]) == [7, 7]
        assert sorted(c["note_id"] for c in found["consensus"]) == notes[:3]
        assert sorted(d["note_id"] for d in found["divisive"]) == notes[3:]
        assert all(entry["text"] == texts[entry["note_id"]] for entry in found["consensus"])
        assert len(found["dots"]) == 14
        assert all(set(dot) == {"x", "y", "group"} for dot in found["dots"])
        snapshot = screen.emit("sync", {"since": 2**31 - 1})["snapshot"]
        assert snapshot["opinions"] == found
    # Nobody's identity travels with the map: counts, notes and anonymous dots only.
    keys = {"enough", "participants", "clear", "groups", "consensus", "divisive", "dots"}
    assert set(found) == keys
    assert found["participants"] == 14


def test_too_few_participants_give_no_map_but_say_so(workshop, screens, control, notes):
    phone = screens(workshop)
    for note in notes:
        phone.send("react.cast", note_id=note, value=1)
    control.events()
    control.send("opinions.reveal", revealed=True)
    (published,) = events_of(control, "opinions.published")
    assert published["opinions"] == {
        "enough": False,
        "reason": "too-few-participants",
        "participants": 1,
    }


def test_the_map_is_computed_on_reveal_only_and_hidden_notes_leave_it(
    workshop, screens, control, notes
):
    seat_two_camps(workshop.id, notes[:3], notes[3:5], notes[5:])
    control.send("opinions.reveal", revealed=True)
    phone = screens(workshop)
    before = phone.join_ack["snapshot"]["opinions"]
    phone.send("react.cast", note_id=notes[0], value=-1)  # later answers: counts, not the map
    assert phone.emit("sync", {"since": 2**31 - 1})["snapshot"]["opinions"] == before
    phone.events()
    control.send("note.moderate", id=notes[0], hidden=True)
    (published,) = events_of(phone, "opinions.published")
    assert notes[0] not in [c["note_id"] for c in published["opinions"]["consensus"]]
    assert "Constat 0" not in str(published)
    control.send("opinions.reveal", revealed=False)
    assert phone.emit("sync", {"since": 2**31 - 1})["snapshot"]["opinions"] is None


def test_only_the_facilitator_reveals_the_map(workshop, screens, notes):
    ack = screens(workshop).send("opinions.reveal", revealed=True)
    assert ack["error"]["code"] == "forbidden"
    assert db.session.scalar(select(func.count()).select_from(Reaction)) == 0


def test_a_note_changed_before_the_reveal_does_not_keep_the_map_from_following_its_notes(
    workshop, screens, control, notes
):
    seat_two_camps(workshop.id, notes[:3], notes[3:5], notes[5:])
    control.send("note.edit", id=notes[0], text="Constat zéro")  # no map yet
    control.send("opinions.reveal", revealed=True)
    control.events()
    control.send("note.edit", id=notes[1], text="Constat un")
    (published,) = events_of(control, "opinions.published")
    texts = {c["note_id"]: c["text"] for c in published["opinions"]["consensus"]}
    assert texts == {notes[0]: "Constat zéro", notes[1]: "Constat un", notes[2]: "Constat 2"}


def test_a_map_another_process_revealed_is_read_in_the_next_transaction(workshop, notes):
    """Notes' changes ask for the stored map once per transaction, never beyond it."""
    assert reactions._stored(workshop) is None
    db.session.commit()
    with Session(db.engine) as elsewhere:
        elsewhere.add(OpinionMap(workshop_id=workshop.id, revealed=True, map={"enough": False}))
        elsewhere.commit()
    stored = reactions._stored(workshop)
    assert stored is not None
    assert stored.revealed
