"""A staff member changes their password in a real browser; other browsers are signed out."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from ..conftest import PASSWORD
from .conftest import Live, sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "une toute nouvelle phrase"


def test_changing_the_password_signs_every_other_browser_out(
    live: Live, facilitator_email: str, new_context: Callable[..., BrowserContext]
) -> None:
    here, elsewhere = new_context("desktop").new_page(), new_context("desktop").new_page()
    sign_in(here, live, facilitator_email)
    sign_in(elsewhere, live, facilitator_email)
    here.get_by_role("link", name="Mot de passe").click()
    here.locator("#current_password").fill(PASSWORD)
    here.locator("#new_password").fill(NEW_PASSWORD)
    here.locator("#new_password_again").fill(NEW_PASSWORD)
    here.get_by_role("button", name="Changer le mot de passe").click()
    expect(here.locator(".flash-ok")).to_contain_text("Mot de passe modifié")
    here.goto(f"{live.url}/workshops/")
    expect(here).to_have_url(f"{live.url}/workshops/")
    elsewhere.goto(f"{live.url}/workshops/")
    expect(elsewhere).to_have_url(re.compile(r"/login"))
