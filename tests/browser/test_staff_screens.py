"""The facilitator's control page and the projected board, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, board_note, post_note, screenshot

pytestmark = pytest.mark.browser


def test_moderation_grouping_and_timer_from_the_keyboard(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop("en-US")
    control, board = workshop.control, workshop.board
    phone = join_on_phone(workshop.code, "en-US")
    for text in ("Bike lanes to the station", "Car sharing", "Rude words here"):
        post_note(phone, text)
    expect(control.locator("#control-count")).to_have_text("3")
    expect(board.locator(".board-facedown")).to_contain_text("3")

    # The timer: minutes typed, started with Enter, shown on both screens.
    control.locator("#timer-minutes").fill("2")
    control.locator("#timer-minutes").press("Enter")
    expect(board.locator("#board-timer")).to_be_visible()
    expect(board.locator("#board-timer")).to_contain_text("0")
    expect(control.locator("#timer-display")).to_contain_text(":")

    workshop.next_phase()
    expect(board.locator(".board-note")).to_have_count(3)

    # Hide a note: picked, then Hide; gone from the board, kept (faded) on the control page.
    rude = workshop.note("Rude words here")
    rude.focus()
    control.keyboard.press("Space")
    control.locator("#sel-hide").focus()
    control.keyboard.press("Enter")
    expect(board_note(board, "Rude words here")).to_have_count(0)
    expect(rude).to_have_class("control-note hidden-note")
    expect(rude.locator(".note-text")).to_have_text("Rude words here")

    # A group named with nothing picked, and a note put into it by its title.
    control.locator("#group-title").fill("Cycling")
    control.locator("#group-title").press("Enter")
    expect(control.locator(".control-group .group-title-input")).to_have_value("Cycling")
    workshop.place_note("Bike lanes to the station", "Cycling")
    expect(control.locator(".control-group[data-id] .control-note")).to_have_count(1)
    workshop.next_phase()  # grouping
    expect(board.locator(".board-group-title").first).to_contain_text("Cycling")

    # The spotlight shows one note very large over the board.
    workshop.note("Car sharing").click()
    control.locator("#sel-spotlight").click()
    expect(board.locator("#board-spotlight")).to_contain_text("Car sharing")
    screenshot(board, "staff/test-board-spotlight")
    control.locator("#spotlight-clear").click()
    expect(board.locator("#board-spotlight")).to_be_hidden()

    # Voting: a refusal from the server is read out in the alert region.
    workshop.next_phase()
    expect(control.locator("#vote-panel")).to_be_visible()
    control.locator("#vote-budget").fill("2")
    control.locator("#vote-max").fill("3")
    control.locator("#vote-max").press("Enter")
    expect(control.locator("#control-feedback")).to_contain_text("cap per item")
    expect(board.locator("#board-banner")).to_contain_text("0 dots cast")
    screenshot(control, "staff/test-control", full_page=True)


def test_a_title_with_dollar_signs_is_quoted_as_typed(
    run_workshop: Callable[..., Workshop],
) -> None:
    """People's text is never read as a replacement pattern ("$&" is the matched text)."""
    workshop = run_workshop("en-US")
    control, board = workshop.control, workshop.board
    title = "Bikes $& trains $1 $$"
    group = workshop.create_group(title)
    focus = control.locator("#board-focus-select option").filter(has_text="Bikes")
    expect(focus).to_have_text(f"group “{title}”")
    group.get_by_role("button", name="Spotlight").click()
    expect(control.locator("#spotlight-status")).to_have_text(f"In the spotlight: {title}")
    expect(board.locator("#board-presence")).to_have_text("0 participants")
