"""Facilitator pages: create a workshop from a format, control it, project its board."""

from __future__ import annotations

import pytest

from facilitation.accounts.models import Role
from facilitation.extensions import db
from facilitation.workshops.codes import CODE_ALPHABET, CODE_LENGTH, display_code
from facilitation.workshops.models import Workshop
from facilitation.workshops.views import is_loopback

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


def test_the_board_speaks_the_workshops_language_not_the_browsers(client, signed_in, workshop):
    workshop.language = "en"
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = client.get(f"/workshops/{workshop.id}/board").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Join the workshop" in page
    assert '"no_notes": "No notes yet."' in page


def test_the_board_by_its_link_speaks_the_workshops_language(client, workshop):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/b/{workshop.board_key}").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Rejoindre l’atelier" in page


def test_the_control_page_and_the_board_warn_when_phones_cannot_reach_the_join_address(
    client, signed_in, workshop
):
    for page in ("control", "board"):
        html = client.get(f"/workshops/{workshop.id}/{page}").get_data(as_text=True)
        assert 'id="join-loopback"' in html, page


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:5000/j/ABCD", True),
        ("http://127.0.0.1:5000/j/ABCD", True),
        ("http://127.0.1.1/j/ABCD", True),
        ("http://[::1]:5000/j/ABCD", True),
        ("http://0.0.0.0:5000/j/ABCD", True),
        ("http://atelier.localhost/j/ABCD", True),
        ("http://192.168.1.20:5000/j/ABCD", False),
        ("https://atelier.example.org/j/ABCD", False),
    ],
)
def test_a_join_address_only_this_computer_reaches_is_recognised(url, loopback):
    assert is_loopback(url) is loopback


def test_no_warning_on_a_board_opened_at_the_computers_network_address(client, workshop):
    html = client.get(f"/b/{workshop.board_key}", base_url="http://192.168.1.20:5000").get_data(
        as_text=True
    )
    assert "192.168.1.20:5000" in html
    assert 'id="join-loopback"' not in html


def test_no_warning_once_the_public_address_is_set(app, client, signed_in, workshop):
    app.config["PUBLIC_URL"] = "https://atelier.example.org"
    html = client.get(f"/workshops/{workshop.id}/control").get_data(as_text=True)
    assert 'id="join-loopback"' not in html
