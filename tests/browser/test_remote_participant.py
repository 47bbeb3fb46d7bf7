"""A remote participant (a Reset day held in a video call, no projector) follows a whole
brainstorm on a 1440×900 laptop: the live board beside where they write, from the same
link as the phones, showing what a participant may see in each phase and nothing more;
in a hybrid room, the same board as the one on the wall.

Screens: artifacts/screenshots/flows/remote-<step>-<screen>.png.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    Live,
    Workshop,
    flow_shot,
    phone_card,
    phone_note,
    post_note,
    vote,
    wait_until_sent,
)
from .crowd import group, seed

pytestmark = pytest.mark.browser

MINE = ["Un atelier vélo en visio", "Des tiers-lieux équipés pour la visioconférence"]
THEIRS = "Des navettes le soir"
PANE_READABLE_PX = 16  # a screen at arm's length


def texts(page: Page, scope: str) -> set[str]:
    return set(
        page.evaluate(
            """(scope) => [...document.querySelectorAll(scope + ' .board-note p')]
                .map((p) => p.textContent.replaceAll('\\u00ad', ''))""",
            scope,
        )
    )


def sizes(page: Page, scope: str) -> list[float]:
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(scope + ' .board-note p')]
            .map((p) => parseFloat(getComputedStyle(p).fontSize))""",
        scope,
    )


def test_a_remote_participant_follows_a_whole_brainstorm_beside_the_live_board(
    live: Live,
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    facilitator_email: str,
) -> None:
    workshop = run_workshop()
    board, control = workshop.board, workshop.control
    remote = join_on_phone(workshop.code, nickname="Sacha", device="laptop")
    present = join_on_phone(workshop.code, nickname="Alix")
    pane = remote.locator("#phone-board")
    expect(pane).to_be_visible()
    expect(present.locator("#phone-board")).to_be_hidden()  # a phone keeps its one column

    # Silent writing: the pane shows the remote's own notes face down, nobody else's.
    for text in MINE:
        post_note(remote, text)
        expect(phone_note(remote, text, "saved")).to_have_count(1)
    post_note(present, THEIRS)
    expect(phone_note(present, THEIRS, "saved")).to_have_count(1)
    expect(pane.locator(".board-facedown")).to_have_text(
        "2 de vos post-it, cachés aux autres jusqu’à la révélation"
    )
    expect(pane.locator(".board-note")).to_have_count(0)
    expect(board.locator(".board-facedown")).to_contain_text("3")
    flow_shot(remote, "remote-fr-1-silent-laptop")

    # Reveal: the same notes as on the wall; then a hundred, in pages, still readable.
    workshop.next_phase("Révélation")
    expect(pane.locator(".board-note")).to_have_count(3)
    assert texts(remote, "#pane-stage") == texts(board, "#board-stage") == {*MINE, THEIRS}
    seed(live, facilitator_email, workshop.id, "fr", count=97)
    expect(pane.locator(".board-area .count")).to_have_text("100", timeout=15_000)
    expect(remote.locator("#pane-page")).to_contain_text("Page 1/")
    assert min(sizes(remote, "#pane-stage")) >= PANE_READABLE_PX
    flow_shot(remote, "remote-fr-2-reveal-laptop")
    remote.locator("#pane-next").click()
    expect(remote.locator("#pane-page")).to_contain_text("Page 2/")
    expect(pane.locator(".board-area-page")).to_contain_text("2/")

    # Grouping: the groups as the room sees them; the facilitator zooms onto one.
    workshop.next_phase("Regroupement")
    titles = group(live, facilitator_email, workshop.id, "fr")
    expect(pane.locator(".board-group:not(.continued) .board-group-title").first).to_contain_text(
        titles[0], timeout=15_000
    )
    flow_shot(remote, "remote-fr-3-grouping-laptop")
    control.locator("#board-focus-select").select_option(label="groupe « Vélo »")
    expect(remote.locator("#pane-focus")).to_have_text("Zoom : groupe « Vélo »")
    expect(board.locator("#board-focus")).to_have_text("Zoom : groupe « Vélo »")
    expect(pane.locator(".board-group:not(.continued) .board-group-title")).to_have_text(["Vélo"])
    flow_shot(remote, "remote-fr-3-zoom-laptop")
    control.locator("#board-focus-select").select_option(label="Tout le tableau")
    expect(remote.locator("#pane-focus")).to_be_hidden()

    # Voting: dots from the left column; the pane never shows where dots went.
    workshop.next_phase("Vote par gommettes")
    vote(phone_card(remote, MINE[0]), 2, then=2)
    wait_until_sent(remote)
    expect(board.locator("#board-banner")).to_contain_text("2 gommettes")
    expect(pane.locator(".board-badge")).to_have_count(0)
    expect(remote.locator("#dots-bar")).to_be_visible()
    flow_shot(remote, "remote-fr-4-voting-laptop")

    # Results: hidden until the facilitator reveals them, then the same ranking.
    workshop.next_phase("Résultats")
    expect(pane.locator(".board-message")).to_be_visible()
    expect(pane.locator(".board-bar")).to_have_count(0)
    workshop.reveal_results()
    expect(pane.locator(".board-bar-label").first).to_have_text(MINE[0])
    expect(board.locator(".board-bar-label").first).to_have_text(MINE[0])
    flow_shot(remote, "remote-fr-5-results-laptop")
    flow_shot(present, "remote-fr-5-results-phone", full_page=True)


def test_a_laptop_in_english_shows_the_board_in_pages_and_a_phone_keeps_one_column(
    live: Live,
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    facilitator_email: str,
) -> None:
    workshop = run_workshop(
        locale="en-US", title="Commuting", question="How to come to work?", language="en"
    )
    remote = join_on_phone(workshop.code, locale="en-US", nickname="Sam", device="laptop")
    phone = join_on_phone(workshop.code, locale="en-US", nickname="Alex")
    workshop.next_phase("Reveal")
    seed(live, facilitator_email, workshop.id, "en")
    pane = remote.locator("#phone-board")
    expect(pane.locator(".board-area .count")).to_have_text("100", timeout=15_000)
    expect(pane.locator(".pane-title")).to_have_text("The board")
    expect(remote.locator("#pane-page")).to_contain_text("Page 1/")
    assert min(sizes(remote, "#pane-stage")) >= PANE_READABLE_PX
    flow_shot(remote, "remote-en-2-reveal-laptop")
    expect(phone.locator("#phone-board")).to_be_hidden()
    flow_shot(phone, "remote-en-2-reveal-phone")
