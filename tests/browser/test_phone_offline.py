"""A phone that reloads without network keeps its page and its outbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from facilitation.extensions import db
from facilitation.notes.models import Note

from .conftest import Live, Workshop, phone_note, post_note, screenshot, server_app

pytestmark = pytest.mark.browser

KEPT = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  const page = await caches.match(location.href);
  return !!page && !!localStorage.getItem(`fabrique.view.${JSON.parse(
    document.getElementById("page-config").textContent).code}`);
}"""


def kept_for_offline(phone: Page) -> None:
    """Wait until the service worker controls the page and keeps it, and the view is kept.
    (Polled here: `wait_for_function` takes the promise an async check returns as true.)"""
    for _ in range(40):
        if phone.evaluate(KEPT):
            return
        phone.wait_for_timeout(250)
    raise AssertionError("the phone's page and view were not kept for offline within 10 s")


def notes_in(live: Live, workshop: Workshop, text: str) -> int:
    with server_app(live):
        query = select(func.count()).where(Note.workshop_id == workshop.id, Note.text == text)
        return db.session.scalar(query) or 0


def test_a_phone_reloaded_offline_shows_its_page_and_its_unsent_notes_then_sends_them_once(
    live: Live, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    kept_for_offline(phone)

    phone.context.set_offline(True)
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "offline")
    post_note(phone, "Un garage à vélos")
    post_note(phone, "Des douches au bureau")
    phone.reload()  # without network: the kept page, its kept view, its outbox

    expect(phone.locator("#phone-phase")).to_have_text("Écriture silencieuse")
    expect(phone_note(phone, "Un garage à vélos", "sending")).to_have_count(1)
    expect(phone_note(phone, "Des douches au bureau", "sending")).to_have_count(1)
    expect(phone.locator("#phone-banner")).to_contain_text("En attente d'envoi : 2 post-it.")
    screenshot(phone, "phone-fr-360x740-offline-reloaded", full_page=True)

    post_note(phone, "Un troisième, hors ligne")
    expect(phone.locator("#phone-banner")).to_contain_text("3 post-it")

    phone.context.set_offline(False)
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "online")
    for text in ("Un garage à vélos", "Des douches au bureau", "Un troisième, hors ligne"):
        expect(phone_note(phone, text, "saved")).to_have_count(1)
        assert notes_in(live, workshop, text) == 1
    expect(phone.locator("#phone-banner")).to_be_hidden()
    expect(workshop.board.locator(".board-facedown")).to_contain_text("3")
