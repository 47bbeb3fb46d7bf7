"""A quick poll in real browsers: the facilitator asks it live from the control page,
three phones answer (one changes its mind), the board shows the question and how many
answered — never what — and the control page the live counts; the facilitator closes and
reveals it, and the board draws a bar per option. The Reset day's own poll opens with its
phase. The synthesis's PDF draws the same bars.

Screens: artifacts/screenshots/flows/poll-fr-<step>-<screen>.png.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from itertools import pairwise

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import SCREENSHOTS, Live, Workshop, flow_shot, run_axe, wait_until_sent

pytestmark = pytest.mark.browser

QUESTION = "Laquelle des sept qualités compte le plus pour cette coalition ?"
QUALITIES = [
    "Inclusif", "Frugal", "Démocratique", "Protecteur", "Innovant", "Capacitant", "Équitable",
]  # fmt: skip
CHOICES = {"alix": "Équitable", "bao": "Frugal", "chloe": "Équitable"}


def poll_card(phone: Page) -> Locator:
    return phone.locator("#phone-polls article.poll-card").first


def answer(phone: Page, option: str) -> None:
    card = poll_card(phone)
    card.locator("label.poll-option").filter(has_text=option).tap()
    expect(card.get_by_role("radio", name=option)).to_be_checked()
    card.locator("button.poll-send").tap()
    expect(poll_card(phone).locator(".poll-status.done")).to_have_text(
        f"✓ Votre réponse est enregistrée : {option}"
    )


def no_serious_violation(page: Page) -> None:
    """axe finds nothing serious on the page (the poll's radios, labels, contrast)."""
    found = [v["id"] for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not found, (page.url, found)


def test_a_facilitator_asks_a_poll_live_phones_answer_and_the_board_reveals_the_bars(
    live: Live, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(title="Reset Vallée", format_key="reset_day", question="Mobilités")
    board, control = workshop.board, workshop.control
    control.set_viewport_size({"width": 1366, "height": 768})
    phones = {name: join_on_phone(workshop.code, nickname=name.title()) for name in CHOICES}

    # Asked live, in the workshop's language: on every screen above the current phase.
    panel = control.locator("#polls-panel")
    panel.locator("#poll-new summary").click()
    panel.locator("#poll-question").fill(QUESTION)
    panel.locator("#poll-options").fill("\n".join(QUALITIES))
    expect(panel.locator("#poll-options-count")).to_have_text("7 options")
    panel.locator("#poll-form button[type=submit]").click()
    item = panel.locator("#polls-list li.poll-item")
    expect(item).to_have_count(1)
    expect(item.locator(".poll-item-question")).to_have_text(QUESTION)
    expect(board.locator("#board-poll .board-poll-question")).to_have_text(QUESTION)
    expect(board.locator("#board-poll .board-poll-options li")).to_have_text(QUALITIES)
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("0")

    alix = phones["alix"]
    card = poll_card(alix)
    expect(card.locator(".poll-question")).to_have_text(QUESTION)
    expect(card.get_by_role("radio")).to_have_count(7)
    expect(card.locator(".poll-how")).to_have_text("Choisissez une seule option.")
    expect(card.locator("button.poll-send")).to_be_disabled()  # nothing chosen yet
    answer(alix, "Frugal")
    # A change of mind: the last answer counts, once.
    expect(poll_card(alix).locator("button.poll-send")).to_have_text("Changer ma réponse")
    expect(poll_card(alix).locator("button.poll-send")).to_be_disabled()
    answer(alix, "Équitable")
    wait_until_sent(alix)
    flow_shot(alix, "poll-fr-1-answered-phone", full_page=True)
    no_serious_violation(alix)
    for name in ("bao", "chloe"):
        answer(phones[name], CHOICES[name])
        wait_until_sent(phones[name])

    # The board knows how many answered, not what; the control page counts per option.
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("3")
    expect(board.locator("#board-poll .poll-bar")).to_have_count(0)
    expect(alix.locator(".poll-result")).to_have_count(0)
    bars = item.locator(".poll-bar")
    expect(bars).to_have_count(7)
    expect(bars.filter(has_text="Équitable")).to_have_attribute("data-count", "2")
    expect(bars.filter(has_text="Frugal")).to_have_attribute("data-count", "1")
    expect(item.locator(".poll-item-state")).to_contain_text("3 réponses")
    leaked = board.evaluate("() => JSON.stringify(window.localStorage)")
    assert '"counts"' not in leaked
    flow_shot(board, "poll-fr-2-open-board")
    panel.scroll_into_view_if_needed()
    flow_shot(control, "poll-fr-2-open-control")

    # Closed, then revealed: a bar per option on the board, the room's answers on phones.
    item.get_by_role("button", name="Fermer").click()
    expect(poll_card(alix).locator(".poll-closed")).to_contain_text("Le sondage est fermé")
    expect(poll_card(alix).get_by_role("radio", name="Frugal")).to_be_disabled()
    expect(board.locator("#board-poll .board-poll-instruction")).to_contain_text("fermé")
    item.get_by_role("button", name="Révéler les résultats").click()
    chart = board.locator("#board-poll .board-poll-bars")
    expect(chart.locator(".poll-bar")).to_have_count(7)
    expect(chart.locator(".poll-bar-label")).to_have_text(QUALITIES)
    equitable = chart.locator(".poll-bar").filter(has_text="Équitable")
    expect(equitable.locator(".poll-bar-value")).to_have_text(re.compile(r"^2\s+67\s?%$"))
    expect(equitable).to_have_class(re.compile(r"\btop\b"))
    expect(board.locator("#board-poll .board-poll-answered")).to_have_text(
        "3 personnes ont répondu"
    )
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 1500, box  # the whole width of a projected 1920 board
    fill = equitable.locator(".poll-bar-fill").bounding_box()
    empty = chart.locator(".poll-bar").filter(has_text="Inclusif").locator(".poll-bar-fill")
    assert fill is not None and fill["width"] > 400, fill  # noqa: PT018
    assert (empty.bounding_box() or {"width": 0})["width"] == 0
    result = poll_card(alix).locator(".poll-result")
    expect(result.locator(".poll-bar")).to_have_count(7)
    expect(result.locator(".poll-bar.mine .poll-bar-label")).to_have_text("Équitable")
    flow_shot(board, "poll-fr-3-revealed-board")
    flow_shot(alix, "poll-fr-3-revealed-phone", full_page=True)
    no_serious_violation(alix)
    no_serious_violation(board)
    flow_shot(control, "poll-fr-3-revealed-control")

    # Off the screens; the Reset day's own poll opens with its phase and closes after it.
    item.get_by_role("button", name="Retirer des écrans").click()
    expect(board.locator("#board-poll")).to_be_hidden()
    expect(alix.locator("#phone-polls")).to_be_hidden()
    control.locator("#control-phases button").filter(
        has_text="La qualité qui compte le plus"
    ).click()
    expect(board.locator("#board-poll .board-poll-question")).to_have_text(QUESTION)
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("0")
    answer(phones["bao"], "Capacitant")
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("1")
    flow_shot(phones["bao"], "poll-fr-5-phase-phone")
    # A phone in English reads the format's poll in English.
    english = join_on_phone(workshop.code, locale="en-GB", nickname="Sam")
    card = poll_card(english)
    expect(card.locator(".poll-question")).to_have_text(
        "Which of the seven qualities matters most for this coalition?"
    )
    expect(card.locator(".poll-option-text")).to_have_text(
        [
            "Inclusive",
            "Frugal",
            "Democratic",
            "Protective",
            "Innovative",
            "Capacitating",
            "Equitable",
        ]
    )
    card.locator("label.poll-option").filter(has_text="Capacitating").tap()
    card.locator("button.poll-send").tap()
    expect(poll_card(english).locator(".poll-status.done")).to_have_text(
        "✓ Your answer is recorded: Capacitating"
    )
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("2")
    flow_shot(english, "poll-en-5-phase-phone", full_page=True)

    # Several choices, at most two: once two are ticked, the third waits.
    panel.locator("#poll-new summary").click()
    panel.locator("#poll-question").fill("Quels jours pour la suite ?")
    panel.locator("#poll-options").fill("Lundi\nMardi\nJeudi")
    panel.locator("#poll-multiple").check()
    panel.locator("#poll-max").fill("2")
    panel.locator("#poll-form button[type=submit]").click()
    expect(panel.locator("#polls-list li.poll-item")).to_have_count(3)
    expect(board.locator("#board-poll .board-poll-kicker")).to_have_text(
        "Sondage éclair · jusqu'à 2 choix"
    )
    card = poll_card(english)
    expect(card.locator(".poll-question")).to_have_text("Quels jours pour la suite ?")
    expect(card.get_by_role("checkbox")).to_have_count(3)
    expect(card.locator(".poll-how")).to_have_text("Choose up to 2 options.")
    card.locator("label.poll-option").filter(has_text="Lundi").tap()
    card.locator("label.poll-option").filter(has_text="Jeudi").tap()
    expect(card.get_by_role("checkbox", name="Mardi")).to_be_disabled()
    expect(card.locator(".poll-chosen")).to_have_text("2 of 2 chosen")
    card.locator("button.poll-send").tap()
    expect(poll_card(english).locator(".poll-status.done")).to_have_text(
        "✓ Your answer is recorded: Lundi, Jeudi"
    )
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("1")
    flow_shot(english, "poll-en-6-several-phone", full_page=True)

    # The synthesis's PDF draws the same bars.
    response = control.request.get(
        f"{live.url}/workshops/{workshop.id}/export.pdf", timeout=120_000
    )
    assert response.ok, response.status
    pdf = SCREENSHOTS / "flows" / "poll-fr-4-synthesis.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    assert QUESTION in text.decode().replace("\n", " ")
    assert re.search(r"67\s%", text.decode())
    pages = SCREENSHOTS / "flows" / "poll-fr-4-synthesis"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(pages)], check=True)
    assert sorted(pages.parent.glob(f"{pages.name}-*.png"))


def rows_apart(rows: Locator) -> None:
    """Each row below the one before it: none overlaps another."""
    boxes = []
    for row in rows.all():
        box = row.bounding_box()
        assert box is not None, row
        boxes.append(box)
    for above, below in pairwise(boxes):
        assert above["y"] + above["height"] <= below["y"] + 1, (above, below)


def test_ten_long_options_fit_the_board_without_overlapping(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(title="Long", format_key="reset_day", question="Q")
    board, control = workshop.board, workshop.control
    phone = join_on_phone(workshop.code, nickname="Ana")
    options = [
        f"Option {n} : une proposition assez longue pour passer à la ligne sur le tableau"
        for n in range(1, 11)
    ]
    panel = control.locator("#polls-panel")
    panel.locator("#poll-new summary").click()
    panel.locator("#poll-question").fill("Une question qui tient sur plusieurs lignes ? " * 5)
    panel.locator("#poll-options").fill("\n".join(options))
    panel.locator("#poll-multiple").check()
    panel.locator("#poll-form button[type=submit]").click()
    expect(board.locator("#board-poll .board-poll-options li")).to_have_count(10)
    for column in (range(0, 5), range(5, 10)):
        rows_apart(
            board.locator("#board-poll .board-poll-options li").filter(
                has_text=re.compile("|".join(rf"Option {n + 1} :" for n in column))
            )
        )
    flow_shot(board, "poll-fr-7-long-open-board")
    card = poll_card(phone)
    card.locator("label.poll-option").nth(2).tap()
    card.locator("label.poll-option").nth(9).tap()
    card.locator("button.poll-send").tap()
    expect(board.locator("#board-poll .board-poll-count b")).to_have_text("1")
    panel.get_by_role("button", name="Révéler les résultats").click()
    bars = board.locator("#board-poll .poll-bar")
    expect(bars).to_have_count(10)
    rows_apart(bars.locator(".poll-bar-label"))
    flow_shot(board, "poll-fr-7-long-revealed-board")
