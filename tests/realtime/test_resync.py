"""A screen that comes back ends with exactly the server's state."""

from __future__ import annotations

import copy

from facilitation.auth import Actor, ActorKind
from facilitation.workshops.services import get_workshop
from facilitation.workshops.snapshots import SYNC_LIMIT, snapshot

from ..sockets import BoardState


def database_view(workshop_id: int) -> BoardState:
    """What a board freshly joined now would hold: the database's state."""
    state = BoardState()
    actor = Actor(ActorKind.BOARD, workshop_id, user_id=1)
    state.load(snapshot(actor, get_workshop(workshop_id), participants=0, budget=None))
    return state


def test_a_board_reconnecting_with_a_stale_sequence_number_ends_equal_to_the_database(
    workshop, screens, facilitator
):
    board = screens(workshop, "board", user=facilitator)
    stale = board.state.seq
    board.close()
    phone = screens(workshop)
    kept = phone.send("note.post", area="ideas", text="Pendant la coupure")["data"]["note"]
    gone = phone.send("note.post", area="ideas", text="Retiré")["data"]["note"]
    phone.send("note.edit", id=kept["id"], text="Pendant la coupure (corrigé)")
    phone.send("note.delete", id=gone["id"])
    screens(workshop, "control", user=facilitator).send("phase.move", index=1)

    back = screens(workshop, "board", user=facilitator, join=False)
    back.state = copy.deepcopy(board.state)  # what it held before the cut
    ack = back.join(since=stale)
    assert "snapshot" not in ack
    for event in ack["events"]:
        back.state.apply(event)
    assert back.state == database_view(workshop.id)
    assert back.state.seq == ack["head"]


def test_the_missed_events_come_in_order_and_complete(workshop, screens, facilitator):
    phone = screens(workshop)
    control = screens(workshop, "control", user=facilitator)
    for index in range(5):
        phone.send("note.post", area="ideas", text=f"note {index}")
    ack = control.emit("sync", {"since": 2})
    assert [event["seq"] for event in ack["events"]] == [3, 4, 5, 6]
    assert ack["head"] == 6


def test_a_screen_too_far_behind_gets_a_fresh_snapshot(workshop, screens, facilitator):
    control = screens(workshop, "control", user=facilitator)
    for index in range(SYNC_LIMIT + 1):
        control.send("note.post", area="ideas", text=f"note {index}")
    ack = control.emit("sync", {"since": 0})
    assert ack["snapshot"]["head"] == SYNC_LIMIT + 2
    assert len(ack["snapshot"]["notes"]) == SYNC_LIMIT + 1


def test_a_phone_catching_up_across_the_reveal_gets_a_snapshot(workshop, screens, facilitator):
    phone, other = screens(workshop), screens(workshop)
    since = phone.state.seq
    other.send("note.post", area="ideas", text="Écrit en silence")
    screens(workshop, "control", user=facilitator).send("phase.move", index=1)
    ack = phone.emit("sync", {"since": since})
    assert [note["text"] for note in ack["snapshot"]["notes"]] == ["Écrit en silence"]


def test_a_phone_catching_up_gets_only_what_it_may_see(workshop, screens):
    phone, other = screens(workshop), screens(workshop)
    since = phone.state.seq
    other.send("note.post", area="ideas", text="Pas pour toi")
    mine = phone.send("note.post", area="ideas", text="Pour moi")
    ack = phone.emit("sync", {"since": since})
    assert [event["seq"] for event in ack["events"]] == [mine["seq"]]


def test_a_new_screen_joining_gets_a_snapshot(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    assert board.join_ack["snapshot"]["head"] == 1


def test_a_screen_coming_back_from_the_future_gets_a_snapshot(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator, join=False)
    assert board.join(since=99)["snapshot"]["head"] == 1


def test_a_sync_before_joining_is_refused(workshop, screens):
    stranger = screens(workshop, join=False)
    assert stranger.emit("sync", {"since": 0})["error"]["code"] == "not_authenticated"


def test_a_sync_with_a_negative_sequence_number_is_refused(workshop, screens):
    phone = screens(workshop)
    assert phone.emit("sync", {"since": -1})["error"]["code"] == "invalid"
