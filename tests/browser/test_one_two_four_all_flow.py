"""A format that exists only as a file, in real browsers: 1-2-4-All writes alone, in pairs
and in fours, each step in its own column, and the room sees them all at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, board_note, flow_shot, phone_note, post_note

pytestmark = pytest.mark.browser

STEPS = [
    ("1 — Alone", "A car-free day each month"),
    ("2 — In pairs", "Car-free days with the neighbouring towns"),
    ("4 — In fours", "One car-free Sunday a month across the valley"),
]


def test_alone_then_in_pairs_then_in_fours_then_all_together(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(
        "en-US", "Quieter streets", "one_two_four_all", "How could our streets be quieter?"
    )
    phone = join_on_phone(workshop.code, "en-US")
    for index, (phase, text) in enumerate(STEPS):
        if index:
            workshop.next_phase(phase)
        expect(phone.locator("#phone-phase")).to_have_text(phase)
        post_note(phone, text)
        expect(phone_note(phone, text, "saved")).to_have_count(1)
        expect(workshop.board.locator(".board-note")).to_have_count(0)  # private until all
    flow_shot(phone, "one-two-four-all-en-1-fours-phone", full_page=True)

    workshop.next_phase("All")
    columns = workshop.board.locator(".board-area")
    expect(columns).to_have_count(3)
    for column, (_, text) in zip(columns.all(), STEPS, strict=True):
        expect(board_note(column, text)).to_have_count(1)
    flow_shot(workshop.board, "one-two-four-all-en-2-all-board")
