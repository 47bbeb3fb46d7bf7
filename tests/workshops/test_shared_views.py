"""A phase change costs one build of what every participant sees, not one per phone."""

from __future__ import annotations

import pytest

from facilitation.workshops import shared
from facilitation.workshops.snapshots import RESHAPING

PHONES = 40


def builds() -> int:
    return shared.views().started


def resync(phone, since: int) -> dict:
    """What a phone does after a phase change: a sync from where it was (a snapshot)."""
    ack = phone.emit("sync", {"since": since})
    assert ack["ok"], ack
    assert "snapshot" in ack, "a phase change answers a phone's sync with a snapshot"
    return ack["snapshot"]


@pytest.fixture
def room(workshop, screens, control):
    """Forty phones that each wrote a note in silent writing, one of them hidden."""
    phones = [screens(workshop, nickname=f"P{n}") for n in range(PHONES)]
    notes = [
        phone.send("note.post", area="ideas", text=f"Idée {n}")["data"]["note"]["id"]
        for n, phone in enumerate(phones)
    ]
    assert control.send("note.moderate", id=notes[0], hidden=True)["ok"]
    return phones, notes


def test_forty_phones_resyncing_after_a_phase_change_share_one_build(room, control):
    phones, notes = room
    positions = [phone.join_ack["snapshot"]["public_head"] for phone in phones]
    assert control.send("phase.move", index=1)["ok"]  # reveal: everyone's notes
    for phone in phones:
        assert any(event["type"] in RESHAPING for event in phone.events())
    before = builds()
    snapshots = [resync(phone, since) for phone, since in zip(phones, positions, strict=True)]
    assert builds() == before + 1
    for n, snapshot in enumerate(snapshots):
        mine = [note["id"] for note in snapshot["notes"] if note["mine"]]
        assert mine == [notes[n]]  # each phone still gets its own, marked as its own
    seen_by_first = {note["id"] for note in snapshots[0]["notes"]}
    seen_by_second = {note["id"] for note in snapshots[1]["notes"]}
    assert seen_by_first == set(notes)  # its hidden note: its author still reads it
    assert seen_by_second == set(notes[1:])  # the others do not


def test_the_shared_part_is_built_again_once_everyone_may_see_something_new(room, control):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    first = resync(phones[1], 0)
    before = builds()
    assert control.send("group.create", title="Vélo")["ok"]  # for everyone: public_head moves
    again = resync(phones[1], 0)
    assert builds() == before + 1
    assert [group["title"] for group in again["groups"]] == ["Vélo"]
    assert again["notes"] == first["notes"]


def test_a_note_in_silent_writing_does_not_rebuild_it_yet_reaches_its_author(workshop, screens):
    phones = [screens(workshop, nickname=f"S{n}") for n in range(3)]
    assert phones[0].emit("sync", {"since": 0})["ok"]
    before = builds()
    note = phones[1].send("note.post", area="ideas", text="Pour moi seul")["data"]["note"]
    answers = [phone.emit("sync", {"since": 0}) for phone in phones]
    assert builds() == before  # only its author and the staff may see it: nothing shared moved
    own = [[n["id"] for n in answer.get("snapshot", {}).get("notes", [])] for answer in answers]
    replayed = [
        [e["data"]["id"] for e in answer.get("events", []) if e["type"].startswith("note.")]
        for answer in answers
    ]
    assert note["id"] in own[1] + replayed[1]
    assert note["id"] not in own[0] + replayed[0] + own[2] + replayed[2]
