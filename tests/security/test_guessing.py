"""Guessing join codes: failed lookups are limited per address, over the pages and the
live channel together, and no answer tells a real code from a wrong one.

The app here has the production limits (``facilitation/config.py``); the rest of the suite
raises them, since its test clients all share one address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from facilitation import config as configuration
from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.participants.models import Participant

from .conftest import ask, csrf_of, error_of, socket_for

WRONG = "ZZZZ-ZZZZ"
GUESSES = 20  # a minute, per address: configuration.CODE_GUESS_LIMITS


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app, with the production limit on failed lookups."""
    app = make_app(CODE_GUESS_LIMITS=configuration.CODE_GUESS_LIMITS)
    with app.app_context():
        yield app


def from_address(app: Flask, address: str) -> FlaskClient:
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return http


def socket_join(app: Flask, address: str, code: str, role: str = "phone") -> dict:
    """One new socket from ``address`` that tries to join once, as a guesser's would."""
    sio = socket_for(app, from_address(app, address))
    try:
        return ask(sio, "join", {"code": code, "role": role})
    finally:
        sio.disconnect()


def use_up_guesses(http: FlaskClient, count: int = GUESSES) -> None:
    for _ in range(count):
        assert http.get(f"/j/{WRONG}").status_code == 404


# --- Over HTTP ----------------------------------------------------------------------------


def test_failed_code_lookups_are_limited_per_address_after_twenty_a_minute(app):
    http = from_address(app, "203.0.113.7")
    statuses = [http.get("/j/ZZZZZZZZ").status_code for _ in range(GUESSES + 2)]
    assert statuses == [404] * GUESSES + [429] * 2


def test_another_address_is_not_limited_by_someone_elses_guesses(app):
    use_up_guesses(from_address(app, "203.0.113.7"))
    assert from_address(app, "203.0.113.8").get("/j/ZZZZZZZZ").status_code == 404


def test_board_link_guesses_are_limited_too(app):
    http = from_address(app, "203.0.113.9")
    statuses = [http.get("/b/not-the-key").status_code for _ in range(GUESSES + 1)]
    assert statuses[-1] == 429


def test_forged_addresses_of_a_rooms_shared_view_are_guesses_too(app, workshop):
    """The body every phone fetches after a phase change lives at a signed address: a
    wrong signature is a failed lookup like a wrong code."""
    http = from_address(app, "203.0.113.10")
    forged = f"/live/{workshop.id}/0/{'0' * 32}.json"
    statuses = [http.get(forged).status_code for _ in range(GUESSES + 1)]
    assert statuses == [404] * GUESSES + [429]


def test_once_the_guesses_are_used_a_real_code_gets_the_same_answer_as_a_wrong_one(app, workshop):
    http = from_address(app, "203.0.113.10")
    use_up_guesses(http)
    pages = [http.get(f"/j/{code}") for code in (workshop.code, "ZZZZZZZZ")]
    assert [page.status_code for page in pages] == [429, 429]
    assert pages[0].get_data() == pages[1].get_data()


def test_a_rooms_phones_scanning_the_qr_code_still_join_after_someone_elses_typos(app, workshop):
    use_up_guesses(from_address(app, "192.0.2.1"))
    phone = from_address(app, "192.0.2.1")
    invited = f"/j/{workshop.code}?i={participants.invitation(workshop.code)}"
    answer = phone.post(invited, data={"csrf_token": csrf_of(phone, invited), "nickname": ""})
    assert answer.status_code == 302
    assert db.session.query(Participant).count() == 1


def test_a_forged_invitation_is_a_guess_like_any_other(app, workshop):
    http = from_address(app, "192.0.2.2")
    use_up_guesses(http)
    assert http.get(f"/j/{workshop.code}?i=AAAAAAAAAAAAAAAA").status_code == 429


# --- Over the live channel ----------------------------------------------------------------


def test_guessing_over_many_sockets_hits_the_address_limit(app):
    answers = [error_of(socket_join(app, "198.51.100.7", WRONG)) for _ in range(GUESSES + 1)]
    assert answers == ["not_authenticated"] * GUESSES + ["rate_limited"]


def test_failed_lookups_over_http_and_the_socket_share_one_count(app):
    http = from_address(app, "198.51.100.8")
    use_up_guesses(http, GUESSES // 2)
    for _ in range(GUESSES // 2):
        assert error_of(socket_join(app, "198.51.100.8", WRONG)) == "not_authenticated"
    assert http.get(f"/j/{WRONG}").status_code == 429


def test_a_socket_join_counts_against_the_guesses_of_the_pages(app):
    use_up_guesses(from_address(app, "198.51.100.9"))
    assert error_of(socket_join(app, "198.51.100.9", WRONG)) == "rate_limited"


def test_a_real_code_without_a_cookie_gets_the_same_socket_answer_as_a_wrong_one(app, workshop):
    answers = [socket_join(app, "198.51.100.10", code) for code in (workshop.code, WRONG)]
    assert answers[0] == answers[1]
    assert error_of(answers[0]) == "not_authenticated"


def test_a_board_or_control_join_of_a_real_code_answers_as_a_wrong_code(app, workshop):
    answers = [
        socket_join(app, "198.51.100.11", code, role)
        for role in ("board", "control")
        for code in (workshop.code, WRONG)
    ]
    assert all(answer == answers[0] for answer in answers)


def test_a_phone_with_its_cookie_still_joins_once_its_address_used_its_guesses(app, workshop):
    participant = participants.join(workshop, None)
    db.session.commit()
    use_up_guesses(from_address(app, "198.51.100.12"))
    phone = from_address(app, "198.51.100.12")
    token = participants.identity_token(participant)
    phone.set_cookie(participants.cookie_name(workshop.id), token)
    assert ask(socket_for(app, phone), "join", {"code": workshop.code, "role": "phone"})["ok"]
