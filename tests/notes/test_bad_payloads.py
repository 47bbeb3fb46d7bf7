"""Bad socket payloads get an error ack and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitation.extensions import db, socketio
from facilitation.notes.models import Note
from facilitation.realtime.models import Command, Event


def database_state() -> tuple[int, int, int]:
    count = func.count()
    return (
        db.session.scalar(select(count).select_from(Note)),
        db.session.scalar(select(count).select_from(Event)),
        db.session.scalar(select(count).select_from(Command)),
    )


@pytest.fixture
def phone(workshop, screens):
    return screens(workshop)


def refused(phone, payload, code="invalid"):
    before = database_state()
    ack = phone.send("note.post", payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert database_state() == before
    return ack


def test_text_of_the_wrong_type_is_refused(phone):
    ack = refused(phone, {"command_id": "bad-type-0001", "area": "ideas", "text": 42})
    assert "text" in ack["error"]["fields"]


def test_an_area_of_the_wrong_type_is_refused(phone):
    refused(phone, {"command_id": "bad-type-0002", "area": ["ideas"], "text": "ok"})


def test_a_missing_text_is_refused(phone):
    ack = refused(phone, {"command_id": "missing-0001", "area": "ideas"})
    assert "text" in ack["error"]["fields"]


def test_a_missing_command_id_is_refused(phone):
    ack = refused(phone, {"area": "ideas", "text": "Sans identifiant"})
    assert "command_id" in ack["error"]["fields"]


def test_a_malformed_command_id_is_refused(phone):
    refused(phone, {"command_id": "<script>", "area": "ideas", "text": "ok"})


def test_text_over_the_limit_is_refused(phone):
    ack = refused(phone, {"command_id": "too-long-0001", "area": "ideas", "text": "é" * 281})
    assert "280" in ack["error"]["fields"]["text"][0]


def test_text_made_only_of_spaces_is_refused(phone):
    refused(phone, {"command_id": "blank-0001", "area": "ideas", "text": " \n\t\u200b "})


def test_an_area_the_format_does_not_have_is_refused(phone):
    refused(phone, {"command_id": "no-area-0001", "area": "threats", "text": "ok"})


def test_a_payload_that_is_not_an_object_is_refused(phone):
    refused(phone, ["note", "text"])


def test_an_extra_field_naming_another_workshop_is_refused(phone, create_workshop):
    other = create_workshop()
    payload = {"command_id": "extra-0001", "area": "ideas", "text": "ok", "workshop_id": other.id}
    refused(phone, payload)


def test_an_extra_field_claiming_a_role_is_refused(phone):
    payload = {"command_id": "extra-0002", "area": "ideas", "text": "ok", "role": "facilitator"}
    refused(phone, payload)


def test_joining_an_unknown_workshop_is_refused(phone):
    ack = phone.sio.emit("join", {"code": "ZZZZ-ZZZZ", "role": "phone"}, callback=True)
    assert ack["error"]["code"] == "not_authenticated"  # as for a real code: see test_guessing


def test_a_note_of_another_workshop_cannot_be_edited(phone, create_workshop, screens):
    other = create_workshop()
    foreign = screens(other).send("note.post", area="ideas", text="Ailleurs")["data"]["note"]
    before = database_state()
    ack = phone.send("note.edit", id=foreign["id"], text="Piraté")
    assert ack["error"]["code"] == "not_found"
    assert database_state() == before
    assert db.session.get(Note, foreign["id"]).text == "Ailleurs"


def test_a_note_of_another_workshop_cannot_be_deleted(phone, create_workshop, screens):
    other = create_workshop()
    foreign = screens(other).send("note.post", area="ideas", text="Ailleurs")["data"]["note"]
    ack = phone.send("note.delete", id=foreign["id"])
    assert ack["error"]["code"] == "not_found"
    assert db.session.get(Note, foreign["id"]).deleted_at is None


def test_a_command_before_joining_is_refused(workshop, screens):
    stranger = screens(workshop, join=False)
    before = database_state()
    ack = stranger.send("note.post", area="ideas", text="Sans rejoindre")
    assert ack["error"]["code"] == "not_authenticated"
    assert database_state() == before


def test_a_phone_with_a_forged_identity_cannot_join(app, workshop):
    http = app.test_client()
    http.set_cookie(f"fabrique_p{workshop.id}", "forged.value")
    sio = socketio.test_client(app, flask_test_client=http)
    ack = sio.emit("join", {"code": workshop.code, "role": "phone"}, callback=True)
    sio.disconnect()
    assert ack["error"]["code"] == "not_authenticated"
