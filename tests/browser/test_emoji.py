"""Emoji in real browsers: a phone counts characters as the server does (a family emoji is
one), refuses to send what the server would refuse, and joined emoji show whole and in
colour on the projected board (Chromium finds Debian's colour emoji font by fontconfig)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from .conftest import Workshop, board_note, phone_note, screenshot

pytestmark = pytest.mark.browser

FAMILY = "👨\u200d👩\u200d👧\u200d👦"
RAINBOW = "🏳\ufe0f\u200d🌈"


def vivid_hues(png: bytes) -> set[int]:
    """Hues (in twelve sectors) of the strongly coloured pixels of a screenshot."""
    from io import BytesIO

    data = Image.open(BytesIO(png)).convert("RGB").convert("HSV").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return {h * 12 // 256 for h, s, v in pixels if s > 120 and v > 90}


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


def test_a_joined_emoji_shows_whole_and_in_colour_on_the_board(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    phone.locator("#note-text").fill(f"{RAINBOW} {FAMILY} 👩🏽\u200d💻")
    phone.locator("#note-form button[type=submit]").tap()
    expect(phone_note(phone, RAINBOW, "saved")).to_have_count(1)
    workshop.next_phase()
    note = board_note(workshop.board, RAINBOW).locator("p")
    expect(note).to_have_text(f"{RAINBOW} {FAMILY} 👩🏽\u200d💻")
    screenshot(workshop.board, "board-fr-1920x1080-emoji")
    screenshot(phone, "phone-fr-360x740-emoji", full_page=True)
    assert len(vivid_hues(note.screenshot())) >= 4  # a rainbow, not an empty box
