"""The board read from the back of a room, with a hundred notes: type never below 24 px
on a 1920×1080 screen, pages rather than smaller text, long words hyphenated in the
workshop's language, groups that keep their title when they run on, and the board in
the workshop's language whatever the projector's browser prefers.

Screens: artifacts/screenshots/board/<name>.png.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Live, Workshop, assert_fits, screenshot
from .crowd import seed

pytestmark = pytest.mark.browser

READABLE_PX = 24  # the smallest type on a 1920×1080 board, from the back of a room


def note_sizes(board: Page) -> list[float]:
    """The computed font size of every note's text on the board's current page."""
    return board.evaluate(
        """() => [...document.querySelectorAll('#board-stage .board-note p')]
            .map((p) => parseFloat(getComputedStyle(p).fontSize))"""
    )


def shown_notes(board: Page) -> set[str]:
    return set(
        board.evaluate(
            """() => [...document.querySelectorAll('#board-stage .board-note p')]
                .map((p) => p.textContent.replaceAll('\\u00ad', ''))"""
        )
    )


def test_a_hundred_notes_stay_readable_and_take_pages(
    live: Live, run_workshop: Callable[..., Workshop], facilitator_email: str
) -> None:
    workshop = run_workshop()
    board = workshop.board
    workshop.next_phase("Révélation")
    texts = seed(live, facilitator_email, workshop.id, "fr")
    expect(board.locator(".board-area .count")).to_have_text("100", timeout=15_000)
    page = board.locator("#board-page")
    expect(page).to_contain_text("Page 1/")
    pages = int(page.inner_text().split("/")[1].split()[0])
    assert pages > 1
    seen: set[str] = set()
    for n in range(1, pages + 1):
        sizes = note_sizes(board)
        assert sizes, n
        assert min(sizes) >= READABLE_PX, (n, min(sizes))
        assert_fits(board)
        screenshot(board, f"board/reveal-100-fr-page{n}")
        seen |= shown_notes(board)
        if n < pages:
            workshop.control.locator("#board-page-next").click()
            expect(page).to_contain_text(f"Page {n + 1}/{pages}")
    assert seen == set(texts)
