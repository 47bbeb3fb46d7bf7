"""A signed-in staff member changes their own password on the web."""

from __future__ import annotations

import pytest

from facilitation.accounts import services

from ..conftest import PASSWORD
from ..sockets import login

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def change(client, post_form, facilitator):
    """Post the password form as ``facilitator``, signed in on ``client``."""
    login(client, facilitator)

    def post(current: str, new: str = NEW_PASSWORD, again: str | None = None):
        form = {"current_password": current, "new_password": new}
        return post_form("/account/password", {**form, "new_password_again": again or new})

    return post


def test_a_staff_member_changes_their_password_and_signs_in_with_the_new_one(change, facilitator):
    response = change(PASSWORD)
    assert response.status_code == 302
    assert services.authenticate(facilitator.email, NEW_PASSWORD) == facilitator
    assert services.authenticate(facilitator.email, PASSWORD) is None


def test_the_browser_that_changed_the_password_stays_signed_in(change, client):
    change(PASSWORD)
    page = client.get("/account/password")
    assert page.status_code == 200
    assert "Password changed" in page.get_data(as_text=True)


def test_a_wrong_current_password_is_refused_and_changes_nothing(change, facilitator):
    response = change("not my password")
    assert response.status_code == 422
    assert "Wrong password." in response.get_data(as_text=True)
    assert services.authenticate(facilitator.email, PASSWORD) == facilitator


def test_the_new_password_follows_the_rules_of_account_creation(change, facilitator):
    response = change(PASSWORD, new="too short")
    assert response.status_code == 422
    assert "At least 10 characters." in response.get_data(as_text=True)
    assert services.authenticate(facilitator.email, PASSWORD) == facilitator


def test_the_new_password_must_be_typed_twice_alike(change, facilitator):
    response = change(PASSWORD, again="a brand new passphrasf")
    assert response.status_code == 422
    assert services.authenticate(facilitator.email, PASSWORD) == facilitator


def test_the_password_page_speaks_french(client, facilitator):
    login(client, facilitator)
    page = client.get("/account/password", headers={"Accept-Language": "fr"})
    text = page.get_data(as_text=True)
    assert "Changer votre mot de passe" in text
    assert "Mot de passe actuel" in text


def test_the_password_page_needs_a_signed_in_account(client):
    response = client.get("/account/password")
    assert (response.status_code, response.headers["Location"].split("?")[0]) == (302, "/login")
