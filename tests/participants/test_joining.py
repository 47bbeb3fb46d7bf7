"""Joining from a phone: by QR code or typed code, no account, optional nickname."""

from __future__ import annotations

from urllib.parse import urlsplit

from facilitation.extensions import db
from facilitation.participants.models import Participant
from facilitation.workshops.codes import display_code


def test_the_home_page_asks_for_a_code(client):
    page = client.get("/").get_data(as_text=True)
    assert 'name="code"' in page


def test_a_typed_code_is_forgiving_about_case_and_dashes(post_form, workshop):
    typed = display_code(workshop.code).lower().replace("-", " ")
    response = post_form("/join", {"code": typed}, page="/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/j/{workshop.code}"


def test_an_unknown_code_gets_a_clear_answer(post_form):
    response = post_form("/join", {"code": "ABCD-EFGH"}, page="/")
    assert response.status_code == 404
    assert "No open workshop has this code" in response.get_data(as_text=True)


def test_a_malformed_code_gets_the_same_answer_as_an_unknown_one(client, post_form):
    malformed = post_form("/join", {"code": "' OR 1=1 --"}, page="/")
    unknown = client.get("/j/ABCDEFGH")
    assert malformed.status_code == unknown.status_code == 404


def test_joining_creates_a_participant_and_opens_the_phone_page(client, post_form, workshop):
    response = post_form(f"/j/{workshop.code}", {"nickname": "Léa"})
    assert response.headers["Location"].endswith(f"/p/{workshop.code}")
    assert db.session.query(Participant).one().nickname == "Léa"
    assert client.get(f"/p/{workshop.code}").status_code == 200


def test_an_empty_nickname_keeps_the_participant_anonymous(post_form, workshop):
    post_form(f"/j/{workshop.code}", {"nickname": "  "})
    assert db.session.query(Participant).one().nickname is None


def test_joining_again_from_the_same_phone_keeps_the_same_identity(post_form, workshop):
    post_form(f"/j/{workshop.code}", {"nickname": "Léa"})
    post_form(f"/j/{workshop.code}", {"nickname": "Léa B."}, page="/")
    assert [p.nickname for p in db.session.query(Participant)] == ["Léa B."]


def test_the_identity_cookie_is_http_only(post_form, workshop):
    response = post_form(f"/j/{workshop.code}", {"nickname": ""})
    cookie = response.headers["Set-Cookie"]
    assert f"fabrique_p{workshop.id}=" in cookie
    assert "HttpOnly" in cookie


def test_the_phone_page_without_an_identity_sends_to_the_join_page(client, workshop):
    response = client.get(f"/p/{workshop.code}")
    assert response.headers["Location"].endswith(f"/j/{workshop.code}")


def test_joining_without_the_form_token_is_refused(client, workshop):
    response = client.post(f"/j/{workshop.code}", data={"nickname": "x"})
    assert response.status_code == 400
    assert db.session.query(Participant).count() == 0


def test_a_nickname_is_cleaned_and_bounded(post_form, workshop):
    response = post_form(f"/j/{workshop.code}", {"nickname": "x" * 41})
    assert response.status_code == 422
    assert db.session.query(Participant).count() == 0
