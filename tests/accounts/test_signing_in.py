"""Facilitators sign in with their e-mail address and password."""

from __future__ import annotations

import pytest

from facilitation.accounts import services
from facilitation.errors import Conflict, InvalidInput

from ..conftest import PASSWORD


def test_a_facilitator_signs_in_and_reaches_the_workshops(client, post_form, facilitator):
    response = post_form("/login", {"email": facilitator.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/workshops/")
    assert client.get("/workshops/").status_code == 200


def test_a_wrong_password_is_refused(post_form, facilitator):
    response = post_form("/login", {"email": facilitator.email, "password": "nope"})
    assert response.status_code == 401
    assert "Wrong e-mail address or password" in response.get_data(as_text=True)


def test_an_unknown_account_gets_the_same_answer(post_form):
    response = post_form("/login", {"email": "nobody@example.org", "password": "nope"})
    assert response.status_code == 401


def test_the_next_page_must_be_on_this_site(post_form, facilitator):
    data = {"email": facilitator.email, "password": PASSWORD, "next": "//evil.example/"}
    response = post_form("/login", data)
    assert response.headers["Location"].endswith("/workshops/")


def test_workshop_pages_need_a_signed_in_facilitator(client):
    response = client.get("/workshops/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_two_accounts_cannot_share_an_e_mail_address(app, facilitator):
    with pytest.raises(Conflict):
        services.create_user(facilitator.email.upper(), "Twin", PASSWORD)


def test_a_short_password_is_refused(app):
    with pytest.raises(InvalidInput):
        services.create_user("short@example.org", "Short", "1234")


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\\evil.example"])
def test_a_next_page_that_a_browser_would_read_as_another_site_is_refused(
    post_form, facilitator, target
):
    data = {"email": facilitator.email, "password": PASSWORD, "next": target}
    assert post_form("/login", data).headers["Location"].endswith("/workshops/")
