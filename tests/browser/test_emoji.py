"""Emoji in real browsers: a phone counts characters as the server does (a family emoji is
one) and refuses to send what the server would refuse."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, phone_note

pytestmark = pytest.mark.browser

FAMILY = "👨\u200d👩\u200d👧\u200d👦"


def test_a_phone_counts_280_family_emoji_as_280_characters_and_sends_them(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    phone.locator("#note-text").fill(FAMILY * 280)
    expect(phone.locator("#note-count")).to_have_text("0 caractère restant")
    phone.locator("#note-form button[type=submit]").tap()
    expect(phone_note(phone, FAMILY, "saved")).to_have_count(1)
    workshop.next_phase()
    expect(workshop.board.locator(".board-note p").first).to_have_text(FAMILY * 280)


def test_a_phone_does_not_send_a_281st_character(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    text = phone.locator("#note-text")
    text.fill(FAMILY * 281)
    expect(phone.locator("#note-count")).to_have_text("1 caractère en trop")
    phone.locator("#note-form button[type=submit]").tap()
    message = text.evaluate("(field) => field.validationMessage")
    assert message == "Trop long : 280 caractères au plus."
    expect(text).to_have_value(FAMILY * 281)  # kept, to be shortened
    text.fill(FAMILY)
    phone.locator("#note-form button[type=submit]").tap()
    expect(phone_note(phone, FAMILY, "saved")).to_have_count(1)
    expect(phone.locator("li.phone-note")).to_have_count(1)  # the long one was never sent
