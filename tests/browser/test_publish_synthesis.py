"""Participants leave with the outcome: once the workshop has ended, the facilitator
publishes the synthesis; phones show a link to it that opens without an account, and the
board shows its QR code. Withdrawn, both go.

Screens go to artifacts/screenshots/flows/publish-<lang>-<step>-<screen>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, flow_shot, phone_note, post_note

pytestmark = pytest.mark.browser

TEXT = {
    "fr-FR": {
        "publish": "Publier la synthèse",
        "withdraw": "Retirer la synthèse",
        "read": "Lire la synthèse",
        "note": "Des vélos partagés devant la gare",
    },
    "en-US": {
        "publish": "Publish the synthesis",
        "withdraw": "Withdraw the synthesis",
        "read": "Read the synthesis",
        "note": "Shared bikes at the station",
    },
}


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_an_ended_workshops_synthesis_reaches_the_phones_and_the_board(
    locale: str, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    text, lang = TEXT[locale], locale[:2]
    workshop = run_workshop(locale, title="Venir au travail autrement")
    control, board = workshop.control, workshop.board
    phone = join_on_phone(workshop.code, locale, "Alix")
    post_note(phone, text["note"])
    expect(phone_note(phone, text["note"], "saved")).to_have_count(1)

    toggle = control.locator("#publish-toggle")
    expect(toggle).to_be_disabled()  # only an ended workshop's synthesis
    control.locator("#end-workshop").click()
    control.locator("#end-dialog button[value=end]").click()
    expect(toggle).to_be_enabled()
    expect(toggle).to_have_text(text["publish"])
    toggle.click()
    expect(toggle).to_have_text(text["withdraw"])
    expect(toggle).to_have_attribute("aria-pressed", "true")
    address = control.locator("#publish-link")
    expect(address).to_have_attribute("href", re.compile(r"/s/[\w.-]+$"))

    link = phone.locator("#synthesis-link")
    expect(link).to_have_text(text["read"])
    qr = board.locator("#board-synthesis-qr")
    expect(qr).to_be_visible()
    expect(board.locator("#board-join")).to_be_hidden()
    # The QR image loads (it is served to whoever holds the link).
    board.wait_for_function("() => document.getElementById('board-synthesis-qr').naturalWidth > 0")
    flow_shot(board, f"publish-{lang}-1-published-board")
    flow_shot(phone, f"publish-{lang}-1-published-phone", full_page=True)
    flow_shot(control, f"publish-{lang}-1-published-control", full_page=True)

    # The link opens in a browser with no account and no cookie of this workshop.
    href = link.get_attribute("href") or ""
    reader = phone.context.browser.new_context().new_page()  # type: ignore[union-attr]
    reader.goto(phone.url.split("/p/")[0] + href)
    expect(reader.locator("h1")).to_have_text("Venir au travail autrement")
    expect(reader.locator("body")).to_contain_text(text["note"])
    reader.context.close()

    toggle.click()  # withdrawn: the link and the QR code go
    expect(toggle).to_have_text(text["publish"])
    expect(link).to_have_count(0)
    expect(board.locator("#board-synthesis")).to_be_hidden()
    expect(board.locator("#board-join")).to_be_visible()
