"""A Reset day's proposals rated on the seven #Reset qualities in real browsers: phones
rate two proposals on each quality (big buttons, changeable), the board shows only how
far the room has got, the control page counts the answers; the facilitator reveals the
results and the board draws a radar per proposal.

Screens: artifacts/screenshots/flows/rating-fr-<step>-<screen>.png.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import SCREENSHOTS, Live, Workshop, flow_shot, wait_until_sent

pytestmark = pytest.mark.browser

PROPOSALS = ["Coalition vélo", "Coalition cantines"]
QUALITIES = [
    "Inclusif", "Frugal", "Démocratique", "Protecteur", "Innovant", "Capacitant", "Équitable",
]  # fmt: skip
# What each phone gives each proposal on the seven qualities (1 to 5).
VALUES = {
    "alix": {"Coalition vélo": [5, 4, 3, 4, 2, 5, 4], "Coalition cantines": [3, 5, 2, 3, 3, 2, 4]},
    "bao": {"Coalition vélo": [4, 5, 3, 3, 3, 4, 4], "Coalition cantines": [2, 4, 3, 4, 2, 3, 3]},
    "chloe": {"Coalition vélo": [5, 5, 2, 4, 3, 4, 5], "Coalition cantines": [3, 4, 2, 3, 1, 2, 4]},
}


def promote(workshop: Workshop, title: str) -> None:
    """A group made and promoted to a proposal from the control page."""
    workshop.create_group(title)
    control = workshop.control
    option = control.locator("#promote-target option").filter(has_text=title)
    control.locator("#promote-target").select_option(option.get_attribute("value"))
    control.locator("#promote-form button[type=submit]").click()
    expect(control.locator("#proposals-list li").filter(has_text=title)).to_have_count(1)


def proposal_card(phone: Page, title: str) -> Locator:
    return phone.locator("#phone-ratings article.rate-item").filter(
        has=phone.locator(".rate-title", has_text=title)
    )


def rate(phone: Page, title: str, values: list[int]) -> None:
    """The seven qualities in the lens's order, whatever the phone's language."""
    for index, value in enumerate(values):
        row = proposal_card(phone, title).locator("fieldset.rate-criterion").nth(index)
        row.locator(f"button.rate-point[data-value='{value}']").tap()
        expect(row.locator(f"button.rate-point[data-value='{value}']")).to_have_attribute(
            "aria-pressed", "true"
        )


def test_phones_rate_two_proposals_on_the_seven_qualities_and_the_board_draws_radars(
    live: Live, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(
        title="Reset Vallée", format_key="reset_day", question="Se déplacer et manger autrement"
    )
    board, control = workshop.board, workshop.control
    phones = {  # Chloé's phone is in English
        name: join_on_phone(workshop.code, "en-GB" if name == "chloe" else "fr-FR", name.title())
        for name in VALUES
    }
    for title in PROPOSALS:
        promote(workshop, title)
    control.locator("#control-phases button").filter(has_text="Les sept qualités").click()
    expect(board.locator("#board-phase")).to_have_text("Les sept qualités")

    # While the room rates, the board shows how far it has got, never what it said.
    expect(board.locator(".board-rating.progress .board-rating-title")).to_have_text(PROPOSALS)
    expect(board.locator(".board-rating.progress").first).to_be_visible()
    alix = phones["alix"]
    panel = alix.locator("#ratings-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#ratings-title")).to_have_text("Noter")
    expect(proposal_card(alix, PROPOSALS[0]).locator("legend")).to_have_text(QUALITIES)
    rate(alix, PROPOSALS[0], VALUES["alix"][PROPOSALS[0]])
    expect(proposal_card(alix, PROPOSALS[0]).locator(".rate-progress")).to_have_text("7 sur 7")
    expect(panel.locator("#ratings-count")).to_have_text("7/14")
    # A change of mind: the last value counts.
    first = proposal_card(alix, PROPOSALS[0]).locator("fieldset.rate-criterion").first
    first.locator("button.rate-point[data-value='1']").tap()
    expect(first.locator("button.rate-point[data-value='1']")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(first.locator("button.rate-point[data-value='5']")).to_have_attribute(
        "aria-pressed", "false"
    )
    first.locator("button.rate-point[data-value='5']").tap()
    wait_until_sent(alix)
    flow_shot(alix, "rating-fr-1-rating-phone")
    rate(alix, PROPOSALS[1], VALUES["alix"][PROPOSALS[1]])
    for name in ("bao", "chloe"):
        for title in PROPOSALS:
            rate(phones[name], title, VALUES[name][title])
        wait_until_sent(phones[name])

    expect(board.locator(".board-rating-head")).to_contain_text("3 participants évaluent")
    expect(board.locator(".board-rating.progress .board-rating-meta")).to_have_text(
        ["21 réponses", "21 réponses"]
    )
    expect(board.locator(".board-rating svg")).to_have_count(0)
    expect(alix.locator(".rate-result")).to_have_count(0)
    counts = control.locator("#ratings-counts li")
    expect(counts).to_have_count(2)
    expect(counts.first.locator(".rating-count b")).to_have_text(["3"] * 7)
    flow_shot(board, "rating-fr-2-progress-board")
    control.set_viewport_size({"width": 1366, "height": 768})
    control.locator("#ratings-panel").scroll_into_view_if_needed()
    flow_shot(control, "rating-fr-2-progress-control")

    # Revealed: a radar per proposal on the board, the room's results on every phone.
    toggle = control.locator("#ratings-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    radars = board.locator(".board-rating svg.radar")
    expect(radars).to_have_count(2)
    for radar in radars.all():
        expect(radar).to_be_visible()
        box = radar.bounding_box()
        assert box is not None
        assert min(box["width"], box["height"]) > 500, box  # read from across the room
    expect(board.locator(".board-rating-title")).to_have_text(PROPOSALS)
    expect(radars.first.locator("text.radar-label")).to_have_count(7)
    # The median of Inclusif for the bike coalition: 5, 4, 5 → 5.
    expect(radars.first.locator("text.radar-label").first).to_have_text("Inclusif5")
    # The board writes numbers as French does, with a decimal comma.
    said = board.evaluate(
        """async () => (await import("/static/js/radar.js")).medianText(
             {n: 4, median: 3.5, q1: 2.75, q3: 4.25}, {from: 1, to: 5},
             (key, values) => `${values.median} ${values.spread}`)"""
    )
    assert said == "3,5 1,5", said
    expect(board.locator(".board-rating-meta")).to_have_text(
        ["évalué par 3 participants", "évalué par 3 participants"]
    )
    expect(alix.locator(".rate-result svg.radar")).to_have_count(2)
    flow_shot(board, "rating-fr-3-radar-board")
    alix.locator(".rate-result").first.scroll_into_view_if_needed()
    flow_shot(alix, "rating-fr-3-radar-phone")
    chloe = phones["chloe"]
    expect(chloe.locator("#ratings-title")).to_have_text("Rate")
    expect(proposal_card(chloe, PROPOSALS[0]).locator("legend").first).to_have_text("Inclusive")
    expect(chloe.locator(".rate-result-title").first).to_contain_text("The room")
    chloe.locator(".rate-result").first.scroll_into_view_if_needed()
    flow_shot(chloe, "rating-en-3-radar-phone")
    flow_shot(control, "rating-fr-3-revealed-control")

    # The synthesis's PDF draws the same radars: rendered as the coordinator would see it.
    response = control.request.get(
        f"{live.url}/workshops/{workshop.id}/export.pdf", timeout=120_000
    )
    assert response.ok, response.status
    pdf = SCREENSHOTS / "flows" / "rating-fr-4-synthesis.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    assert "Évaluations — Les sept qualités" in text.decode()
    assert text.decode().count("Capacitant") >= 4  # on both radars and in both tables
    pages = SCREENSHOTS / "flows" / "rating-fr-4-synthesis"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(pages)], check=True)
    assert sorted(pages.parent.glob(f"{pages.name}-*.png"))

    # After the workshop, the proposal's page: the room's radar, and the team rates too.
    href = control.locator("#proposals-list li").filter(has_text=PROPOSALS[0]).locator("a")
    sheet = control.context.new_page()
    sheet.set_viewport_size({"width": 1366, "height": 768})
    sheet.goto(f"{live.url}{href.get_attribute('href')}")
    sheet.locator(".qualities-link a.button").click()
    room = sheet.locator('section[data-source="workshop"]')
    expect(room.locator("svg")).to_have_count(1)
    expect(room.locator('tr[data-quality="inclusive"] .median')).to_have_text("5")
    expect(room.locator('tr[data-quality="inclusive"]')).to_contain_text("0,5 (4,5–5)")
    form = sheet.locator("#quality-form")
    for quality, value in zip(QUALITIES, [4, 5, 3, 3, 2, 4, 4], strict=True):
        form.locator("fieldset").filter(has=sheet.locator("legend", has_text=quality)).locator(
            f"input[value='{value}']"
        ).check()
    form.locator("button[type=submit]").click()
    team = sheet.locator('section[data-source="team"]')
    expect(team.locator("h2 .count")).to_have_text("1 personne")
    expect(team.locator('tr[data-quality="frugal"] .median')).to_have_text("5")
    flow_shot(sheet, "rating-fr-5-proposal-page", full_page=True)
