"""What a window's events cost the sockets: one message each, whatever the rooms and
processes they came through (realtime/publish.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from facilitation.realtime.publish import BATCH_ROOM, _batch_items, deliver

WINDOW_MS = 1000  # long enough that a test's few commands fall in one window


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app(COALESCE_MS=WINDOW_MS)
    with app.app_context():
        yield app


def test_a_board_receives_the_notes_of_a_window_as_one_message_whoever_wrote_them(
    workshop, screens, facilitator
) -> None:
    board = screens(workshop, "board", user=facilitator)
    phones = [screens(workshop, "phone", nickname=name) for name in ("Léa", "Noé", "Ada")]
    time.sleep(1.5 * WINDOW_MS / 1000)  # what the joins published has gone out
    board.received()
    for phone in phones:
        phone.received()
    acks = [phone.send("note.post", area="ideas", text=f"De {i}") for i, phone in enumerate(phones)]
    assert all(ack["ok"] for ack in acks)
    time.sleep(2 * WINDOW_MS / 1000)
    messages = [message["args"][0]["events"] for message in board.received("events")]
    assert [[event["seq"] for event in events] for events in messages] == [
        sorted(ack["seq"] for ack in acks)
    ]
    for phone, ack in zip(phones, acks, strict=True):  # each author: their own note only
        mine = [message["args"][0]["events"] for message in phone.received("events")]
        assert [[event["seq"] for event in events] for events in mine] == [[ack["seq"]]]


class Rooms:
    """A manager's rooms and what it emitted, as ``deliver`` uses them."""

    def __init__(self, rooms: dict[str, list[str]]) -> None:
        # python-socketio keeps each room as sid -> Engine.IO sid; each socket is also
        # in a room of its own name.
        sids = {sid for members in rooms.values() for sid in members}
        self.rooms = {
            "/": {
                **{room: {sid: f"e-{sid}" for sid in members} for room, members in rooms.items()},
                **{sid: {sid: f"e-{sid}"} for sid in sids},
            }
        }
        self.sent: list[tuple[Any, list[int]]] = []

    def emit(self, event: str, data: dict[str, Any], namespace: str, room: Any, **_: Any) -> None:
        assert (event, namespace) == ("events", "/")
        self.sent.append((room, [wire["seq"] for wire in data["events"]]))

    def received(self, sid: str) -> list[list[int]]:
        """The messages the socket ``sid`` got."""
        names = {room for room, members in self.rooms["/"].items() if sid in members}
        return [
            seqs
            for room, seqs in self.sent
            if (room in names if isinstance(room, str) else sid in room)
        ]


def event(seq: int) -> dict[str, Any]:
    return {"seq": seq, "type": "note.posted", "data": {}}


def test_each_socket_receives_every_event_of_its_rooms_once_in_order() -> None:
    manager = Rooms(
        {
            "w1": ["board", "lea", "noe", "ada"],
            "w1:staff": ["board"],
            "w1:p1": ["lea"],
            "w1:p2": ["noe"],
        }
    )
    items = [
        (("w1:staff", "w1:p2"), event(12)),  # Noé's note, seen by staff and Noé
        (("w1",), event(11)),  # every screen
        (("w1:staff", "w1:p1"), event(13)),  # Léa's
        (("w1",), event(14)),
    ]
    deliver(manager, items)
    assert manager.received("board") == [[11, 12, 13, 14]]
    assert manager.received("lea") == [[11, 13, 14]]
    assert manager.received("noe") == [[11, 12, 14]]
    assert manager.received("ada") == [[11, 14]]
    assert len(manager.sent) == 4  # the crowd, the board, Léa, Noé: one encoding each


def test_a_room_nobody_else_shares_receives_one_message_to_the_room() -> None:
    manager = Rooms({"w1": ["a", "b", "c"], "w2:staff": ["board2"]})
    deliver(manager, [(("w1",), event(3)), (("w1",), event(2)), (("w2:staff",), event(7))])
    assert sorted(manager.sent, key=str) == [("w1", [2, 3]), (["board2"], [7])]


def test_events_for_rooms_without_sockets_here_send_nothing() -> None:
    manager = Rooms({"w1": ["a"]})
    deliver(manager, [(("w9",), event(1))])
    assert manager.sent == []


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        [{"items": "w1"}],
        [{"items": [["w1", {"seq": 1}]]}],  # rooms not a list
        [{"items": [[["w1"], {"seq": "1"}]]}],
        [{"items": [[["w1"], {"seq": 1}], [["w1"]]]}],  # one entry malformed: none taken
        [{"events": [{"seq": 1}]}, {}],
    ],
)
def test_a_batch_message_of_another_shape_delivers_nothing(data: Any) -> None:
    assert _batch_items(data) == []


def test_a_batch_message_names_a_room_no_socket_is_in() -> None:
    """A process that does not know batches (during an upgrade) sends them to no one."""
    assert BATCH_ROOM.startswith("fabrique:")
    assert _batch_items([{"items": [[["w1", "w1:staff"], {"seq": 4}]]}]) == [
        (("w1", "w1:staff"), {"seq": 4})
    ]
