"""The board read from the back of a room, with a hundred notes: type never below 24 px
on a 1920×1080 screen, pages rather than smaller text, long words hyphenated in the
workshop's language, groups that keep their title when they run on, and the board in
the workshop's language whatever the projector's browser prefers.

Screens: artifacts/screenshots/board/<name>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    SCREENSHOTS,
    Live,
    Workshop,
    assert_fits,
    phone_note,
    post_note,
    screenshot,
)
from .crowd import group, seed, strategies

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


def test_a_group_that_runs_on_keeps_its_title_in_the_workshops_language(
    live: Live, run_workshop: Callable[..., Workshop], facilitator_email: str
) -> None:
    # A French projector's browser, an English workshop: the board speaks English.
    workshop = run_workshop(
        locale="fr-FR", title="Commuting", question="How to come to work?", language="en"
    )
    board = workshop.board
    expect(board.locator("html")).to_have_attribute("lang", "en")
    workshop.next_phase("Reveal")
    seed(live, facilitator_email, workshop.id, "en")
    workshop.next_phase("Grouping")
    titles = group(live, facilitator_email, workshop.id, "en")
    expect(board.locator(".board-group:not(.continued) .board-group-title").first).to_contain_text(
        titles[0], timeout=15_000
    )
    continued = board.locator(".board-group.continued .board-group-title")
    expect(continued.first).to_have_text(re.compile(r" \(continued\)$"))
    runs_on = {text.removesuffix(" (continued)") for text in continued.all_inner_texts()}
    assert runs_on <= {*titles, "Not grouped"}, runs_on
    assert min(note_sizes(board)) >= READABLE_PX
    assert board.evaluate("() => document.querySelector('.board-note p').lang") == "en"
    assert_fits(board)
    screenshot(board, "board/grouping-100-en")


def test_a_word_too_long_for_its_column_breaks_at_a_syllable_with_a_hyphen(
    live: Live, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    board = workshop.board
    phone = join_on_phone(workshop.code)
    long_note = "Anticonstitutionnellement"
    short_note = "Des vélos"
    for text in (long_note, short_note):
        post_note(phone, text)
        expect(phone_note(phone, text, "saved")).to_have_count(1)
    workshop.next_phase("Révélation")
    expect(board.locator(".board-note")).to_have_count(2)
    word = board.locator(".board-note p").first  # the first posted
    expect(word).to_have_text(re.compile("\u00ad"))  # soft hyphens, once the patterns load
    shown = word.evaluate(
        """(p) => ({text: p.textContent, width: p.scrollWidth, room: p.clientWidth,
                   lines: Math.round(p.getBoundingClientRect().height
                                     / parseFloat(getComputedStyle(p).lineHeight))})"""
    )
    assert shown["text"].replace("\u00ad", "") == long_note
    assert shown["width"] <= shown["room"], shown  # nothing runs out of the note
    assert shown["lines"] >= 2, shown  # broken across lines, at a syllable
    # The browser draws a hyphen where it breaks; elsewhere the text stays as typed.
    short = board.locator(".board-note p").filter(has_text=short_note)
    expect(short).to_have_text(short_note)
    screenshot(board, "board/hyphenation-fr")


SWOT = ["strengths", "weaknesses", "opportunities", "threats"]


def test_the_facilitator_zooms_the_board_onto_one_quadrant(
    live: Live, run_workshop: Callable[..., Workshop], facilitator_email: str
) -> None:
    workshop = run_workshop(
        title="Le territoire en 2030", format_key="swot", question="Nos tiers-lieux"
    )
    board, control = workshop.board, workshop.control
    seed(live, facilitator_email, workshop.id, "fr", areas=SWOT)
    expect(board.locator(".board-area .count")).to_have_text(["25"] * 4, timeout=15_000)
    assert min(note_sizes(board)) >= READABLE_PX
    screenshot(board, "board/swot-100-fr")
    whole = board.locator(".board-area").first.locator(".board-area-page").inner_text()

    control.locator("#board-focus-select").select_option(label="Forces")
    expect(board.locator("#board-focus")).to_have_text("Zoom : Forces")
    expect(board.locator(".board-area-label")).to_have_text(["Forces"])
    expect(board.locator(".board-area .count")).to_have_text("25")
    assert min(note_sizes(board)) >= READABLE_PX
    zoomed = board.locator(".board-area-page").inner_text()
    assert (zoomed or "1/1").split("/")[1] < (whole or "1/1").split("/")[1], (whole, zoomed)
    screenshot(board, "board/swot-100-fr-zoom")
    control.set_viewport_size({"width": 1366, "height": 768})  # a common laptop
    card = control.locator("section[aria-labelledby=board-controls-title]")
    card.scroll_into_view_if_needed()
    screenshot(control, "board/swot-control-1366-fr")
    card.screenshot(path=str(SCREENSHOTS / "board" / "swot-control-1366-fr-board-card.png"))

    control.locator("#board-focus-select").select_option(label="Tout le tableau")
    expect(board.locator(".board-area")).to_have_count(4)
    expect(board.locator("#board-focus")).to_be_hidden()


def test_the_join_screen_and_the_warning_that_phones_cannot_reach_localhost(
    run_workshop: Callable[..., Workshop],
) -> None:
    workshop = run_workshop(
        locale="en-US", title="Commuting", question="How to come to work?", language="en"
    )
    board, control = workshop.board, workshop.control
    # The test server listens on 127.0.0.1 and has no PUBLIC_URL: phones could not join.
    expect(control.locator("#join-loopback")).to_contain_text("Phones cannot join at 127.0.0.1")
    expect(board.locator("#join-loopback")).to_be_visible()

    control.locator("#joinview-toggle").click()
    expect(control.locator("#joinview-toggle")).to_have_attribute("aria-pressed", "true")
    joinview = board.locator("#board-joinview")
    expect(joinview).to_be_visible()
    expect(joinview.locator(".board-joinview-code")).to_have_text(workshop.code)
    expect(joinview.locator(".board-joinview-warning")).to_be_visible()
    size = joinview.locator("img").bounding_box()
    assert size is not None
    assert size["height"] >= 0.8 * 1080 * 0.86, size  # the QR code as big as the screen allows
    screenshot(board, "board/join-screen-en")
    control.set_viewport_size({"width": 1366, "height": 768})
    screenshot(control, "board/control-loopback-1366-en")

    control.locator("#joinview-toggle").click()
    expect(joinview).to_be_hidden()
    expect(board.locator("#board-stage")).to_be_visible()


def test_strategies_show_their_full_text_and_a_card_takes_the_spotlight(
    live: Live,
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    facilitator_email: str,
) -> None:
    workshop = run_workshop(
        title="Le territoire en 2030", format_key="swot", question="Nos tiers-lieux"
    )
    board, control = workshop.board, workshop.control
    phone = join_on_phone(workshop.code)
    workshop.next_phase("Regroupement")
    workshop.next_phase("Vote par quadrant")
    workshop.next_phase("Résultats par quadrant")
    workshop.next_phase("Stratégies (TOWS)")
    texts = strategies(live, facilitator_email, workshop.id, count=8)
    cards = board.locator(".board-tows .board-card p")
    expect(cards).to_have_count(8, timeout=15_000)
    shown = cards.evaluate_all(
        """(ps) => ps.map((p) => ({text: p.textContent.replaceAll('\\u00ad', ''),
            cut: p.scrollHeight > p.clientHeight + 1,
            size: parseFloat(getComputedStyle(p).fontSize)}))"""
    )
    assert sorted(card["text"] for card in shown) == sorted(texts)
    assert not [card for card in shown if card["cut"]]  # the whole text, where space allows
    assert min(card["size"] for card in shown) >= READABLE_PX
    screenshot(board, "board/tows-fr")

    listed = control.locator("#cards-list .control-card").filter(has_text=texts[0]).first
    listed.get_by_role("button", name="À l'écran").click()
    spot = board.locator("#board-spotlight")
    expect(spot).to_be_visible()
    expect(spot.locator(".board-spotlight-text")).to_have_text(re.compile(r"^Mon"))
    expect(spot.locator(".board-spotlight-area")).to_contain_text("SO")
    expect(phone.locator("#phone-spotlight .spotlight-text")).to_have_text(texts[0])
    screenshot(board, "board/spotlight-card-fr")
