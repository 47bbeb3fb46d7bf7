"""A join code its process found before: the form takes the workshop's turn first and
learns there whether the code still opens it — ended, deleted, or its id given to
another workshop since, the answer is an unknown code's and nobody joins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from facilitation.database import unit_of_work, utcnow
from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.participants.models import Participant
from facilitation.privacy.services import delete_workshop
from facilitation.realtime import eventlog
from facilitation.workshops.models import Status, Workshop
from facilitation.workshops.services import CODES_KEY

from ..conftest import csrf_token


@pytest.fixture
def server(make_app: Callable[..., Flask]) -> Flask:
    """The server the phones use, as in production: each request its own context and
    session. The test's own app context stands for another process on the database."""
    return make_app()


def found(server: Flask, workshop: Workshop) -> FlaskClient:
    """A phone opened the join page: the server found the code."""
    phone = server.test_client()
    assert phone.get(f"/j/{workshop.code}").status_code == 200
    assert server.extensions[CODES_KEY][workshop.code] == workshop.id
    return phone


def send_form(phone: FlaskClient, code: str) -> tuple[int, str]:
    page = f"/j/{code}?i={participants.invitation(code)}"
    answer = phone.post(page, data={"csrf_token": csrf_token(phone, "/"), "nickname": "Léa"})
    return answer.status_code, answer.get_data(as_text=True)


def participants_of(workshop_id: int) -> int:
    db.session.rollback()
    return db.session.query(Participant).filter_by(workshop_id=workshop_id).count()


def test_a_found_code_lets_the_phone_in(server, workshop):
    phone = found(server, workshop)
    assert send_form(phone, workshop.code)[0] == 302
    assert participants_of(workshop.id) == 1


def test_the_form_of_a_workshop_ended_since_its_code_was_found_is_refused(server, workshop):
    phone = found(server, workshop)
    eventlog.take_turn(workshop.id)  # ended by another process
    ended = db.session.get(Workshop, workshop.id)
    ended.status, ended.ended_at = Status.ENDED, utcnow()
    db.session.commit()

    status, page = send_form(phone, workshop.code)

    assert status == 404
    assert "Aucun atelier ouvert" in page  # an unknown code's answer
    assert participants_of(workshop.id) == 0
    assert workshop.code not in server.extensions[CODES_KEY]  # looked up again next time


def test_the_form_of_a_workshop_deleted_since_its_code_was_found_is_refused(server, workshop):
    phone = found(server, workshop)
    code, workshop_id = workshop.code, workshop.id
    with unit_of_work(workshop_id):
        delete_workshop(workshop_id, None)

    status, page = send_form(phone, code)

    assert status == 404
    assert "Aucun atelier ouvert" in page  # an unknown code's answer
    assert db.session.query(Participant).count() == 0


def test_a_code_never_opens_the_workshop_given_its_workshop_s_id_since(
    server, workshop, create_workshop
):
    """SQLite hands the id of the newest workshop, deleted, to the next one: a code the
    server remembers for that id must not let anyone into the workshop that has it now."""
    other = create_workshop()
    phone = found(server, workshop)
    server.extensions[CODES_KEY][workshop.code] = other.id  # the id, now another's

    status, _page = send_form(phone, workshop.code)

    assert status == 404
    assert participants_of(other.id) == 0
    assert participants_of(workshop.id) == 0
    assert send_form(phone, workshop.code)[0] == 302  # looked up again: its own workshop
    assert participants_of(workshop.id) == 1
