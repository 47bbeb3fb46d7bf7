"""The timer: one per phase, and a gentle end — "time is up" for a few seconds, a chime
if the facilitator wants one, then it leaves the screens; never in the question's way."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop

pytestmark = pytest.mark.browser

QUESTION = (
    "Comment rendre nos déplacements domicile-travail plus simples, moins chers et moins "
    "polluants pour toutes les équipes du site, y compris celles du matin ?"
)
# Counts the tones the page makes (the chime is two).
COUNT_TONES = """() => {
  window.tones = 0;
  const make = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.tones += 1;
    return make.call(this);
  };
}"""


def boxes(board: Page) -> dict[str, list[float]]:
    """Where the question and the stage are on the board."""
    return board.evaluate(
        """() => Object.fromEntries(["#board-question", "#board-stage"].map((s) => {
            const r = document.querySelector(s).getBoundingClientRect();
            return [s, [r.x, r.y, r.width, r.height]];
        }))"""
    )


def start_seconds(control: Page, seconds: int) -> None:
    """The timer started from its form, for a few seconds (the field steps by half minutes)."""
    field = control.locator("#timer-minutes")
    field.evaluate("(input) => input.setAttribute('step', 'any')")
    field.evaluate("(input) => input.removeAttribute('min')")
    field.fill(str(seconds / 60))
    field.press("Enter")


def test_time_up_is_said_calmly_then_leaves_the_board_and_the_phone(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(question=QUESTION)
    control, board = workshop.control, workshop.board
    phone = join_on_phone(workshop.code)
    before = boxes(board)
    control.evaluate(COUNT_TONES)
    control.locator("#timer-chime").check()  # heard once, so the facilitator knows it works
    control.wait_for_function("window.tones === 2")

    start_seconds(control, 3)
    expect(board.locator("#board-timer .board-timer-clock")).to_have_text(re.compile(r"^00:0\d$"))
    assert boxes(board) == before
    expect(board.locator("#board-timer")).to_have_text("Temps écoulé")
    expect(board.locator("#board-timer")).to_have_attribute("data-state", "over")
    expect(phone.locator("#phone-timer")).to_have_text("temps écoulé")
    expect(control.locator("#control-status")).to_have_text("Temps écoulé")
    control.wait_for_function("window.tones === 4")
    assert boxes(board) == before

    expect(board.locator("#board-timer")).to_be_hidden(timeout=15_000)
    expect(phone.locator("#phone-timer")).to_be_hidden()
    expect(control.locator("#timer-display")).to_have_attribute("data-state", "done")
    assert boxes(board) == before


def test_each_phase_keeps_its_own_timer(run_workshop: Callable[..., Workshop]) -> None:
    workshop = run_workshop()
    control, board = workshop.control, workshop.board
    control.locator("#timer-minutes").fill("5")
    control.locator("#timer-minutes").press("Enter")
    expect(board.locator("#board-timer .board-timer-clock")).to_have_text(re.compile(r"^0[45]:"))

    workshop.next_phase("Révélation")
    expect(board.locator("#board-timer")).to_be_hidden()
    expect(control.locator("#timer-display")).to_have_text("Aucun minuteur en cours")

    control.locator("#phase-previous").click()
    expect(board.locator("#board-phase")).to_have_text("Écriture silencieuse")
    expect(control.locator("#timer-display")).to_have_text(re.compile(r"^0[45]:\d\d · En pause$"))
    expect(board.locator("#board-timer")).to_contain_text("En pause")
