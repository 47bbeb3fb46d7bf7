"""Protocol edges answer clearly: an unknown event, a command id reused for another
command, an integer too large for any field, an id out of range, a refused join. Each
gets its documented error ack (docs/protocol.md) and leaves the database as it was."""

from __future__ import annotations

import pytest

from facilitation.extensions import db
from facilitation.notes.models import Note

from ..sockets import command_id
from .conftest import error_of, unchanged


@pytest.fixture
def phone(workshop, screens):
    return screens(workshop)


def test_an_unknown_event_gets_an_invalid_ack_naming_it(phone):
    with unchanged():
        ack = phone.emit("note.frobnicate", {"command_id": command_id(), "id": 1})
    assert error_of(ack) == "invalid"
    assert "note.frobnicate" in ack["error"]["message"]


def test_a_command_id_reused_for_another_command_is_a_conflict(phone):
    reused = command_id()
    note = phone.send("note.post", {"command_id": reused, "area": "ideas", "text": "Gardée"})
    with unchanged():
        ack = phone.send("note.delete", {"command_id": reused, "id": note["data"]["note"]["id"]})
    assert error_of(ack) == "conflict"
    assert db.session.get(Note, note["data"]["note"]["id"]).deleted_at is None


def test_a_command_id_reused_with_another_payload_is_a_conflict(phone):
    reused = command_id()
    phone.send("note.post", {"command_id": reused, "area": "ideas", "text": "Première"})
    with unchanged():
        ack = phone.send("note.post", {"command_id": reused, "area": "ideas", "text": "Autre"})
    assert error_of(ack) == "conflict"
    assert [note.text for note in db.session.query(Note)] == ["Première"]


@pytest.mark.parametrize("event", ["sync", "join"])
def test_a_four_hundred_digit_number_is_invalid(workshop, phone, event):
    payload = {"code": workshop.code, "role": "phone"} if event == "join" else {}
    with unchanged():
        ack = phone.emit(event, {**payload, "since": int("9" * 400)})
    assert error_of(ack) == "invalid"
    assert "since" in ack["error"]["fields"]


def test_a_sequence_number_beyond_what_a_column_holds_is_invalid(phone):
    with unchanged():
        ack = phone.emit("sync", {"since": 2**31})
    assert error_of(ack) == "invalid"
    assert "since" in ack["error"]["fields"]


@pytest.mark.parametrize("target", ["note:0", "note:2147483648", "group:0"])
def test_an_id_out_of_range_in_a_target_is_invalid(control, target):
    with unchanged():
        ack = control.send("spotlight", target=target)
    assert error_of(ack) == "invalid"
    assert "target" in ack["error"]["fields"]


def test_after_a_refused_join_the_socket_acts_in_no_workshop(phone, create_workshop):
    other = create_workshop()
    with unchanged():
        refused = phone.emit("join", {"code": other.code, "role": "phone"})
        ack = phone.send("note.post", area="ideas", text="Dans quel atelier ?")
    assert error_of(refused) == "not_authenticated"
    assert error_of(ack) == "not_authenticated"


def test_after_a_refused_join_the_socket_hears_nothing_more_of_its_workshop(
    phone, control, create_workshop
):
    phone.emit("join", {"code": create_workshop().code, "role": "phone"})
    phone.received()
    assert control.send("phase.move", index=1)["ok"]
    assert phone.received("events") == []
