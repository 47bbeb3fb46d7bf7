"""The facilitator writes the synthesis's introduction and conclusions on the control
page; the synthesis opens and ends with them, as plain text."""

from __future__ import annotations

from playwright.sync_api import expect

from facilitation.accounts.models import User
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from .conftest import screenshot, server_app, sign_in


def test_the_introduction_and_conclusions_written_on_the_control_page_frame_the_synthesis(
    live, facilitator_email, new_context
):
    with server_app(live):
        owner = db.session.query(User).filter_by(email=facilitator_email).one()
        workshop = workshops.create_workshop(owner, "swot", "Vallée", "Quel avenir ?", "fr")
        db.session.commit()
        ident = workshop.id
    page = new_context("laptop").new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live, facilitator_email)
    page.goto(f"{live.url}/workshops/{ident}/control")
    expect(page.get_by_text("Connecté", exact=True)).to_be_visible()  # the page laid out

    page.get_by_label("Introduction").fill("Soixante habitants réunis.\nDeux heures.")
    page.get_by_label("Conclusions").fill("Prochaine réunion : <b>janvier</b>")
    with page.expect_navigation():  # the form posted, then the page back (slow machine: 30 s)
        page.get_by_role("button", name="Enregistrer l'introduction et les conclusions").click()
    expect(page.locator(".flash").filter(has_text="sont enregistrées")).to_have_count(1)
    expect(page.get_by_label("Introduction")).to_have_value(
        "Soixante habitants réunis.\nDeux heures."
    )
    expect(page.get_by_text("Connecté", exact=True)).to_be_visible()  # back after the form
    page.get_by_label("Introduction").scroll_into_view_if_needed()
    screenshot(page, "staff/control-fr-1366x768-synthesis-texts")

    too_long = "x" * 4001
    page.get_by_label("Conclusions").evaluate(
        "(area, text) => { area.removeAttribute('maxlength'); area.value = text; }", too_long
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'introduction et les conclusions").click()
    expect(page.locator(".flash-error").filter(has_text="Conclusions")).to_have_count(1)
    expect(page.get_by_label("Conclusions")).to_have_value("Prochaine réunion : <b>janvier</b>")

    synthesis = new_context("desktop").new_page()
    sign_in(synthesis, live, facilitator_email)
    synthesis.goto(f"{live.url}/workshops/{ident}/export.html")
    expect(synthesis.get_by_text("Soixante habitants réunis.")).to_be_visible()
    expect(synthesis.get_by_text("Prochaine réunion : <b>janvier</b>")).to_be_visible()
    assert synthesis.locator("b", has_text="janvier").count() == 0  # text, never markup
