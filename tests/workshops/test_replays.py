"""Replays (``sync``, ``join`` with ``since``) show each screen only what it may see now:
no hidden note's text but on the control page and its author's phone, no deleted text, no
earlier version; and a screen that applies a replay ends where a fresh snapshot puts it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ..sockets import BoardState, Screen


@pytest.fixture
def workshop(create_workshop):
    """A Reset day: its first phase (ideation) shows everyone's notes to every phone."""
    return create_workshop("reset_day")


def post(screen: Screen, text: str) -> int:
    ack = screen.send("note.post", area="projects", text=text)
    assert ack["ok"], ack
    return ack["data"]["note"]["id"]


def about(ack: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The replayed events about notes, or cards."""
    return [event for event in ack["events"] if event["type"].startswith(f"{kind}.")]


def carries(ack: dict[str, Any], text: str) -> bool:
    """Whether this text is anywhere in what the screen received."""
    return text in json.dumps(ack, ensure_ascii=False)


def test_a_phone_catching_up_gets_no_text_of_a_note_hidden_since(workshop, screens, control):
    phone, author = screens(workshop), screens(workshop)
    note = post(author, "Propos déplacé")
    control.send("note.moderate", id=note, hidden=True)
    ack = phone.emit("sync", {"since": 0})
    assert about(ack, "note")
    assert not carries(ack, "Propos déplacé")


def test_a_phone_catching_up_gets_no_text_of_a_note_its_author_deleted(workshop, screens):
    phone, author = screens(workshop), screens(workshop)
    note = post(author, "Je retire ceci")
    assert author.send("note.delete", id=note)["ok"]
    ack = phone.emit("sync", {"since": 0})
    assert [event["type"] for event in about(ack, "note")] == ["note.deleted"] * 2
    assert not carries(ack, "Je retire ceci")


def test_a_phone_catching_up_gets_only_the_last_version_of_an_edited_note(workshop, screens):
    phone, author = screens(workshop), screens(workshop)
    note = post(author, "Premier jet maladroit")
    assert author.send("note.edit", id=note, text="Version relue")["ok"]
    ack = phone.emit("sync", {"since": 0})
    assert not carries(ack, "Premier jet maladroit")
    assert [event["data"]["text"] for event in about(ack, "note")] == ["Version relue"] * 2


def test_a_phone_catching_up_gets_no_text_of_a_card_deleted_since(workshop, screens, control):
    phone = screens(workshop)
    card = control.send("card.add", kind="roadmap", slot="now", text="Carte retirée")
    assert control.send("card.delete", id=card["data"]["card"]["id"])["ok"]
    ack = phone.emit("sync", {"since": 0})
    assert [event["type"] for event in about(ack, "card")] == ["card.deleted"] * 2
    assert not carries(ack, "Carte retirée")


def test_a_board_catching_up_gets_no_text_of_a_note_hidden_since(
    workshop, screens, control, facilitator
):
    board = screens(workshop, "board", user=facilitator)
    note = post(screens(workshop), "Propos déplacé")
    control.send("note.moderate", id=note, hidden=True)
    ack = board.emit("sync", {"since": 0})
    assert about(ack, "note")
    assert not carries(ack, "Propos déplacé")


def test_a_board_joined_with_its_key_gets_no_hidden_note_in_its_snapshot(
    workshop, screens, control
):
    note = post(screens(workshop), "Propos déplacé")
    control.send("note.moderate", id=note, hidden=True)
    board = screens(workshop, "board", join=False)
    ack = board.join(key=workshop.board_key)
    assert ack["snapshot"]["notes"] == []
    assert not carries(ack, "Propos déplacé")


def test_a_board_receives_a_note_hidden_in_silent_writing_without_its_text(
    create_workshop, screens, facilitator
):
    brainstorm = create_workshop("brainstorm")  # silent writing: notes go to staff only
    board = screens(brainstorm, "board", user=facilitator)
    control = screens(brainstorm, "control", user=facilitator)
    note = screens(brainstorm).send("note.post", area="ideas", text="Propos déplacé")
    board.events()
    control.send("note.moderate", id=note["data"]["note"]["id"], hidden=True)
    [event] = board.events()
    assert event["data"]["hidden"] is True
    assert "text" not in event["data"]


def test_the_control_page_catching_up_reads_a_hidden_notes_current_text(workshop, screens, control):
    note = post(screens(workshop), "Propos déplacé")
    control.send("note.moderate", id=note, hidden=True)
    control.send("note.edit", id=note, text="Propos reformulé")
    ack = control.emit("sync", {"since": 0})
    assert {event["data"]["text"] for event in about(ack, "note")} == {"Propos reformulé"}


def test_a_replay_carries_todays_results_without_a_note_hidden_since(
    create_workshop, screens, facilitator
):
    brainstorm = create_workshop("brainstorm")
    control = screens(brainstorm, "control", user=facilitator)
    author = screens(brainstorm)
    ids = [author.send("note.post", area="ideas", text=t)["data"]["note"]["id"] for t in "AB"]
    ids.append(author.send("note.post", area="ideas", text="Propos déplacé")["data"]["note"]["id"])
    control.send("phase.move", index=3)  # voting
    control.send("results.reveal", revealed=True)
    since = control.emit("sync", {"since": 0})["head"]
    for note in ids:
        assert author.send("vote.cast", target=f"note:{note}")["ok"]
    control.send("note.moderate", id=ids[2], hidden=True)
    board = screens(brainstorm, "board", join=False)
    board.join(key=brainstorm.board_key)
    ack = board.emit("sync", {"since": since})
    assert [e["type"] for e in ack["events"]].count("votes.tallied") == 3
    assert not carries(ack, "Propos déplacé")


# --- A replay ends where a fresh snapshot starts, for every screen ------------------------


def shown(state: BoardState) -> tuple[Any, ...]:
    """What a screen holds, but the sequence number (a phone's counts only public events)."""
    return state.workshop, state.notes, state.groups, state.cards


def replayed(screen: Screen) -> BoardState:
    """The screen's state at its join, plus the replay of everything since."""
    state = copy.deepcopy(screen.state)
    ack = screen.emit("sync", {"since": screen.join_ack["snapshot"]["head"]})
    for event in ack["events"]:
        state.apply(event)
    return state


def fresh(screen: Screen) -> BoardState:
    """What the same screen holds when it joins anew."""
    state = BoardState()
    state.load(screen.emit("join", {"code": screen.code, "role": screen.role})["snapshot"])
    return state


@pytest.mark.parametrize("audience", ["author", "other phone", "board", "control"])
def test_a_replay_ends_where_a_fresh_snapshot_starts(
    workshop, screens, control, facilitator, audience
):
    author = screens(workshop)
    screen = {
        "author": author,
        "other phone": screens(workshop),
        "board": screens(workshop, "board", user=facilitator),
        "control": control,
    }[audience]
    edited, deleted, hidden = (post(author, text) for text in ("Brouillon", "Retiré", "Déplacé"))
    author.send("note.edit", id=edited, text="Relu")
    author.send("note.delete", id=deleted)
    control.send("note.moderate", id=hidden, hidden=True)
    control.send("note.edit", id=hidden, text="Reformulé par l'équipe")
    control.send("note.merge", id=post(control, "Doublon"), into=edited)
    assert shown(replayed(screen)) == shown(fresh(screen))
