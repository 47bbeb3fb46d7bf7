"""Facilitator pages: create a workshop from a format, control it, project its board."""

from __future__ import annotations

import pytest

from facilitation.accounts.models import Role
from facilitation.extensions import db
from facilitation.workshops.codes import CODE_ALPHABET, CODE_LENGTH, display_code
from facilitation.workshops.models import Workshop

from ..sockets import login


@pytest.fixture
def signed_in(client, facilitator):
    login(client, facilitator)
    return facilitator


def test_a_facilitator_creates_a_workshop_from_a_format(post_form, signed_in):
    data = {
        "format": "swot",
        "title": "Feuille de route",
        "question": "Le territoire",
        "language": "fr",
    }
    response = post_form("/workshops/", data)
    workshop = db.session.query(Workshop).one()
    assert response.headers["Location"].endswith(f"/workshops/{workshop.id}/control")
    assert (workshop.format_key, workshop.title, workshop.created_by_id) == (
        "swot",
        "Feuille de route",
        signed_in.id,
    )


def test_an_unknown_format_is_refused(post_form, signed_in):
    response = post_form("/workshops/", {"format": "nope", "title": "X"})
    assert response.status_code == 422
    assert db.session.query(Workshop).count() == 0


def test_a_workshop_needs_a_title(post_form, signed_in):
    response = post_form("/workshops/", {"format": "brainstorm", "title": "  "})
    assert response.status_code == 422
    assert db.session.query(Workshop).count() == 0


def test_a_join_code_is_eight_unambiguous_characters(workshop):
    assert len(workshop.code) == CODE_LENGTH
    assert set(workshop.code) <= set(CODE_ALPHABET)


def test_the_control_page_shows_the_join_code(client, signed_in, workshop):
    page = client.get(f"/workshops/{workshop.id}/control").get_data(as_text=True)
    assert display_code(workshop.code) in page


def test_another_facilitator_cannot_open_the_control_page(client, create_user, workshop):
    login(client, create_user(Role.FACILITATOR))
    assert client.get(f"/workshops/{workshop.id}/control").status_code == 403


def test_an_admin_can_open_any_control_page(client, create_user, workshop):
    login(client, create_user(Role.ADMIN))
    assert client.get(f"/workshops/{workshop.id}/control").status_code == 200


def test_the_board_shows_the_code_and_a_qr_code(client, signed_in, workshop):
    page = client.get(f"/workshops/{workshop.id}/board").get_data(as_text=True)
    assert display_code(workshop.code) in page
    assert f"/j/{workshop.code}/qr.svg" in page


def test_the_qr_code_is_made_by_the_app(client, workshop):
    response = client.get(f"/j/{workshop.code}/qr.svg")
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<?xml")


def test_the_board_link_opens_the_board_without_signing_in(client, workshop):
    assert client.get(f"/b/{workshop.board_key}").status_code == 200


def test_a_wrong_board_link_is_not_found(client):
    assert client.get("/b/not-a-key").status_code == 404


def test_the_page_language_follows_the_browser_and_can_be_switched(client):
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-GB"}).get_data(True)
    assert 'lang="fr"' in client.get("/?lang=fr", headers={"Accept-Language": "en"}).get_data(True)
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "en"}).get_data(True)


def test_health_reports_the_database(client):
    assert client.get("/healthz").get_json() == {"ok": True, "database": "ok", "redis": "off"}
