"""From outcomes to coalitions, in real browsers: after the vote of a brainstorm the
facilitator promotes the top group to a proposal, a phone pledges to it, and a coordinator
finds it on the dashboard, in the pipeline, on its sheet and in the synthesis.

Screens: artifacts/screenshots/flows/coalition-fr-<step>-<screen>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import (
    Live,
    Workshop,
    flow_shot,
    phone_card,
    phone_note,
    post_note,
    sign_in,
    vote,
)

pytestmark = pytest.mark.browser

TITLE = "Atelier mobilités douces"
GROUP = "Des vélos pour tous"
NOTES = ["Des vélos partagés devant la gare", "Un atelier de réparation", "Des navettes"]
MEMBER = ("Alix Martin", "Atelier Vélo Vallée")


def test_the_top_group_becomes_a_proposal_that_a_phone_joins_and_a_coordinator_follows(
    live: Live,
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    new_context: Callable[..., BrowserContext],
    coordinator_email: str,
) -> None:
    workshop = run_workshop(title=TITLE)
    control, board = workshop.control, workshop.board
    phone = join_on_phone(workshop.code, nickname="Alix")
    for text in NOTES:
        post_note(phone, text)
        expect(phone_note(phone, text, "saved")).to_have_count(1)
    workshop.next_phase("Révélation")
    workshop.next_phase("Regroupement")
    group = workshop.create_group(GROUP)
    for text in NOTES[:2]:
        workshop.place_note(text, GROUP)
    expect(group.locator(".control-note")).to_have_count(2)
    group_id = group.get_attribute("data-id")
    workshop.next_phase("Vote par gommettes")
    vote(phone_card(phone, NOTES[0]), 3, then=3)
    vote(phone_card(phone, NOTES[1]), 2, then=2)
    workshop.next_phase("Résultats")
    workshop.reveal_results()
    expect(board.locator(".board-bar")).to_have_count(2)

    # The control page promotes the group: a proposal, listed with its members.
    control.locator("#promote-target").select_option(f"group:{group_id}")
    control.locator("#promote-form button[type=submit]").click()
    proposal = control.locator("#proposals-list li").filter(has_text=GROUP)
    expect(proposal).to_contain_text("Proposée · 0 membre")
    href = proposal.locator("a").get_attribute("href") or ""
    assert re.fullmatch(r"/coalitions/\d+", href), href

    # The proposals phase: the board lists it; a phone joins it with a name and organisation.
    workshop.next_phase("Propositions")
    on_board = board.locator(".board-top").filter(has_text=GROUP)
    expect(on_board.locator(".board-top-meta")).to_have_text("0 membre")
    panel = phone.locator("#proposals-panel")
    expect(panel).to_be_visible()
    item = panel.locator("li.proposal").filter(has_text=GROUP)
    expect(item.locator(".badge")).to_have_text("Proposée")
    item.locator("button.pledge-btn").tap()
    dialog = phone.locator("#pledge-dialog")
    expect(dialog.locator("#pledge-name")).to_have_value("Alix")  # the nickname, to complete
    dialog.locator("#pledge-name").fill(MEMBER[0])
    dialog.locator("#pledge-org").fill(MEMBER[1])
    flow_shot(phone, "coalition-fr-1-pledge-dialog-phone")
    dialog.locator("#pledge-ok").tap()
    expect(item.locator("button.pledge-btn")).to_have_text("✓Vous avez rejoint")
    expect(item.locator("button.pledge-btn")).to_be_disabled()
    expect(item.locator(".pledge-count")).to_have_text("1 membre")
    expect(on_board.locator(".board-top-meta")).to_have_text("1 membre")
    expect(proposal).to_contain_text("Proposée · 1 membre")
    flow_shot(board, "coalition-fr-2-proposals-board")
    flow_shot(phone, "coalition-fr-2-proposals-phone", full_page=True)

    # A coordinator: the dashboard, the pipeline, the coalition's sheet, the synthesis.
    coordinator = new_context("desktop").new_page()
    sign_in(coordinator, live, coordinator_email)
    expect(coordinator).to_have_url(f"{live.url}/dashboard")
    row = coordinator.locator("table.list tbody tr").filter(has_text=TITLE)
    headers = coordinator.locator("table.list thead th")
    expect(headers.nth(7)).to_have_text("Propositions")
    expect(row.locator("td").nth(7)).to_have_text("1")
    flow_shot(coordinator, "coalition-fr-3-dashboard", full_page=True)

    coordinator.locator(".topnav").get_by_role("link", name="Coalitions").click()
    expect(coordinator).to_have_url(f"{live.url}/coalitions/")
    lane = coordinator.locator("section.lane").filter(has=coordinator.locator("#lane-proposed"))
    card = lane.locator("article.coalition-card").filter(has_text=GROUP)
    expect(card).to_have_count(1)
    expect(card.locator(".members")).to_have_text("1 membre")
    flow_shot(coordinator, "coalition-fr-4-pipeline", full_page=True)

    card.get_by_role("link", name=GROUP).click()
    expect(coordinator).to_have_url(f"{live.url}{href}")
    expect(coordinator.locator("h1")).to_have_text(GROUP)
    members = coordinator.locator("section[aria-labelledby=members-title]")
    expect(members.locator("h2 .count")).to_have_text("1")
    expect(members.locator("tbody tr td")).to_have_text(
        [MEMBER[0], MEMBER[1], "", "", "pendant l'atelier"]
    )
    expect(coordinator.locator(".canvas-grid")).to_contain_text(NOTES[0])  # its diagnostic
    flow_shot(coordinator, "coalition-fr-5-sheet", full_page=True)

    coordinator.goto(f"{live.url}/workshops/{workshop.id}/export.html")
    proposals = coordinator.locator("section").filter(
        has=coordinator.get_by_role("heading", name="Propositions", exact=True)
    )
    expect(proposals.locator(".proposal h3")).to_have_text(f"{GROUP} Proposée")
    expect(proposals.locator(".proposal")).to_contain_text(f"1 membre : {MEMBER[0]} ({MEMBER[1]})")
    flow_shot(coordinator, "coalition-fr-6-synthesis", full_page=True)
