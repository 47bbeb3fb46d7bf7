"""The live core in real browsers: a facilitator's desktop, a projected board, phones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, board_note, phone_note, post_note, screenshot

pytestmark = pytest.mark.browser

SILENT_WRITING = {"fr-FR": "Écriture silencieuse", "en-US": "Silent writing"}
REVEAL = {"fr-FR": "Révélation", "en-US": "Reveal"}
PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_a_note_posted_on_a_phone_appears_on_the_projected_board(
    locale: str, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    lang = locale[:2]
    workshop = run_workshop(locale)
    phone = join_on_phone(workshop.code, locale, shots=f"phone-{lang}-360x740")
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    expect(phone.locator("#phone-phase")).to_have_text(SILENT_WRITING[locale])

    post_note(phone, "Des vélos partagés devant la gare")
    expect(phone_note(phone, "vélos partagés", "saved")).to_have_count(1)
    expect(workshop.board.locator(".board-facedown")).to_contain_text("1")
    expect(workshop.board.locator(".board-note")).to_have_count(0)
    expect(workshop.board.locator("#board-presence")).to_contain_text("1 ")
    screenshot(phone, f"phone-{lang}-360x740-3-silent-writing", full_page=True)
    screenshot(workshop.board, f"board-{lang}-1920x1080-1-silent-writing")

    workshop.next_phase()
    expect(workshop.board.locator("#board-phase")).to_have_text(REVEAL[locale])
    expect(board_note(workshop.board, "Des vélos partagés devant la gare")).to_have_count(1)
    expect(phone.locator("#phone-phase")).to_have_text(REVEAL[locale])
    screenshot(workshop.board, f"board-{lang}-1920x1080-2-reveal")
    screenshot(phone, f"phone-{lang}-360x740-4-reveal", full_page=True)
    screenshot(workshop.control, f"control-{lang}-1920x1080-reveal", full_page=True)


def test_a_note_with_markup_shows_as_literal_text(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    post_note(phone, PAYLOAD)
    expect(phone_note(phone, "window.__pwned", "saved")).to_have_count(1)
    workshop.next_phase()

    expect(workshop.board.locator(".board-note p").first).to_have_text(PAYLOAD)
    expect(phone.locator("li.phone-note .note-text")).to_have_text(PAYLOAD)
    expect(workshop.control.locator(".control-note p").first).to_have_text(PAYLOAD)
    for page in (workshop.board, phone, workshop.control):
        expect(page.locator(".board-note img, .phone-note img, .control-note img")).to_have_count(0)
        assert page.evaluate("() => typeof window.__pwned") == "undefined"


def test_a_note_typed_offline_is_sent_once_back_online(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)

    phone.context.set_offline(True)
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "offline")
    post_note(phone, "Écrite dans le tunnel")
    expect(phone_note(phone, "tunnel", "sending")).to_have_count(1)
    screenshot(phone, "phone-fr-360x740-offline-sending", full_page=True)
    phone.context.set_offline(False)

    expect(phone_note(phone, "tunnel", "saved")).to_have_count(1)
    expect(phone.locator("li.phone-note")).to_have_count(1)
    expect(workshop.control.locator("#control-count")).to_have_text("1")
    workshop.next_phase()
    expect(board_note(workshop.board, "Écrite dans le tunnel")).to_have_count(1)
    expect(workshop.board.locator(".board-note")).to_have_count(1)


def test_a_hidden_note_edited_by_its_author_shows_its_new_text_on_the_control_page(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    """Events about a hidden note travel without its text; the control page, which may
    read it, fetches the edited version (docs/protocol.md, "Hidden notes")."""
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    post_note(phone, "Propos maladroit")
    expect(phone_note(phone, "Propos maladroit", "saved")).to_have_count(1)
    note = workshop.note("Propos maladroit")
    note.click()
    workshop.control.locator("#sel-hide").click()
    expect(note.locator(".badge")).to_have_text("Masqué")

    phone_note(phone, "Propos maladroit", "saved").locator("button", has_text="Modifier").tap()
    phone.locator("textarea.edit-text").fill("Propos reformulé")
    phone.locator(".edit-form button[type=submit]").tap()
    expect(phone_note(phone, "Propos reformulé", "saved")).to_have_count(1)
    expect(workshop.control.locator(".control-note p", has_text="Propos reformulé")).to_have_count(
        1
    )
    expect(workshop.board.locator(".board-note")).to_have_count(0)
    screenshot(workshop.control, "control-fr-1920x1080-hidden-note-edited", full_page=True)
