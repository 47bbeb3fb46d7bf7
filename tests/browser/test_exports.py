"""The export links say an export is being prepared, then download it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from facilitation.accounts.models import User
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..bulk import insert_notes
from .conftest import SCREENSHOTS, server_app, sign_in


def test_an_export_link_shows_preparing_then_downloads_the_file(
    live, facilitator_email, new_context
):
    with server_app(live):
        owner = db.session.query(User).filter_by(email=facilitator_email).one()
        workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
        db.session.commit()
        insert_notes(workshop.id, 600)  # seconds of work for the work process
        ident = workshop.id
    page = new_context("desktop").new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live, facilitator_email)
    page.goto(f"{live.url}/workshops/{ident}/control")
    link = page.locator(".exports-list a[data-kind=odt]")
    state = link.locator("xpath=following-sibling::*[contains(@class, 'export-state')]")
    with page.expect_download(timeout=120_000) as download:
        link.click()
        expect(state).to_have_text(re.compile(r"^Préparation…"))
        link.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "export-preparing-control.png"))
    assert download.value.suggested_filename == "pleniere.odt"
    expect(state).to_be_hidden()
