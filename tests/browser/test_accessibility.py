"""Accessibility in real browsers, in French: axe-core (served by the app) on every screen
of a brainstorm a participant, a facilitator and a coordinator see, and the password page;
and the control page driven with the keyboard alone (Tab to move, Enter or Space to act)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import (
    Live,
    Workshop,
    board_note,
    phone_card,
    phone_note,
    post_note,
    run_axe,
    sign_in,
    vote,
)

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
NOTES = ["Des vélos partagés devant la gare", "Du covoiturage entre collègues"]


class Audit:
    """axe-core's findings, screen by screen; every one is printed, the serious and
    critical ones fail the test (all of them reported at once)."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict[str, Any]]] = {}

    def __call__(self, page: Page, screen: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        self.found[screen] = run_axe(page)

    def blocking(self) -> dict[str, list[str]]:
        return {
            screen: [describe(v) for v in violations if v["impact"] in BLOCKING]
            for screen, violations in self.found.items()
            if any(v["impact"] in BLOCKING for v in violations)
        }

    def report(self) -> None:
        for screen, violations in self.found.items():
            print(f"\naxe — {screen}: {len(violations)} violation(s)")
            for violation in violations:
                print(f"  {describe(violation)}")


def describe(violation: dict[str, Any]) -> str:
    targets = [json.dumps(node["target"], ensure_ascii=False) for node in violation["nodes"]]
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({len(targets)}: {', '.join(targets[:4])})"
    )


def test_every_screen_of_a_workshop_passes_axe_in_french(
    live: Live,
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    new_context: Callable[..., BrowserContext],
    coordinator_email: str,
) -> None:
    audit = Audit()
    visitor = new_context("phone").new_page()
    visitor.goto(f"{live.url}/")
    audit(visitor, "home")
    visitor.goto(f"{live.url}/login")
    audit(visitor, "sign-in")

    workshop = run_workshop(title="Atelier accessible")
    control, board = workshop.control, workshop.board
    visitor.goto(f"{live.url}/j/{workshop.code.replace('-', '')}")
    expect(visitor.locator("#nickname")).to_be_visible()
    audit(visitor, "join")

    phone = join_on_phone(workshop.code, nickname="Alix")
    for text in NOTES:
        post_note(phone, text)
        expect(phone_note(phone, text, "saved")).to_have_count(1)
    expect(board.locator(".board-facedown")).to_contain_text("2")
    audit(phone, "phone: silent writing")
    audit(board, "board: silent writing")
    audit(control, "control: silent writing")

    workshop.next_phase("Révélation")
    expect(board_note(board, NOTES[0])).to_have_count(1)
    audit(board, "board: reveal")
    workshop.next_phase("Regroupement")
    group = workshop.create_group("Vélo")
    workshop.place_note(NOTES[0], "Vélo")
    expect(group.locator(".control-note")).to_have_count(1)
    audit(control, "control: grouping")
    workshop.next_phase("Vote par gommettes")
    vote(phone_card(phone, NOTES[0]), 2, then=2)
    audit(phone, "phone: voting")
    audit(board, "board: voting")
    audit(control, "control: voting")

    workshop.next_phase("Résultats")
    workshop.reveal_results()
    expect(board.locator(".board-bar")).to_have_count(1)
    expect(phone.locator("li.result")).to_have_count(1)
    audit(phone, "phone: results")
    audit(board, "board: results")
    vélo = control.locator("#promote-target option", has_text=re.compile("^Vélo"))  # its dots
    control.locator("#promote-target").select_option(vélo.get_attribute("value"))
    control.locator("#promote-form button[type=submit]").click()
    expect(control.locator("#proposals-list a")).to_have_text("Vélo")
    audit(control, "control: results")

    coordinator = new_context("desktop").new_page()
    sign_in(coordinator, live, coordinator_email)
    expect(coordinator).to_have_url(f"{live.url}/dashboard")
    audit(coordinator, "dashboard")
    coordinator.goto(f"{live.url}/coalitions/")
    audit(coordinator, "coalitions")
    coordinator.get_by_role("link", name="Vélo").first.click()
    expect(coordinator.locator("h1")).to_have_text("Vélo")
    audit(coordinator, "coalition page")
    coordinator.goto(f"{live.url}/account/password")
    audit(coordinator, "password")

    audit.report()
    assert audit.blocking() == {}


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focus is on an element matching the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_the_control_page_works_with_the_keyboard_alone(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    """Beyond test_staff_screens (which focuses buttons from the script): here the focus only
    ever moves with Tab, and buttons are pressed with Space or Enter."""
    workshop = run_workshop()
    control, board = workshop.control, workshop.board
    phone = join_on_phone(workshop.code)
    for text in NOTES:
        post_note(phone, text)
    expect(control.locator("#control-count")).to_have_text("2")

    # Next phase, with Space; the focus stays on the button for the next move.
    tab_to(control, "#phase-next")
    control.keyboard.press("Space")
    expect(board.locator("#board-phase")).to_have_text("Révélation")
    expect(control.locator("#phase-next")).to_be_focused()
    expect(control.locator("#control-phases [aria-current=step]")).to_have_text("Révélation")

    # The timer: the minutes typed in their field, then Start with Enter.
    tab_to(control, "#timer-minutes")
    control.keyboard.press("ControlOrMeta+A")
    control.keyboard.type("3")
    tab_to(control, "#timer-form button[type=submit]")
    control.keyboard.press("Enter")
    expect(board.locator("#board-timer .board-timer-clock")).to_have_text(
        re.compile(r"^0[23]:\d\d$")
    )
    expect(control.locator("#timer-display")).to_have_attribute("data-state", "running")

    # Hide a note: Tab to the notes, an arrow to it, Space to pick it, then "Masquer".
    tab_to(control, "#loose-notes [role=option]")
    control.keyboard.press("ArrowDown")
    note = workshop.note(NOTES[1])
    expect(note).to_be_focused()
    control.keyboard.press("Space")
    expect(note).to_have_attribute("aria-selected", "true")
    tab_to(control, "#sel-hide")
    expect(control.locator(":focus")).to_have_text("Masquer")
    control.keyboard.press("Space")
    expect(board_note(board, NOTES[1])).to_have_count(0)
    expect(board_note(board, NOTES[0])).to_have_count(1)
    expect(note).to_have_class(re.compile(r"\bhidden-note\b"))
    expect(note).to_be_focused()  # back on the note once the action is done
    control.keyboard.press("Space")
    tab_to(control, "#sel-hide")
    expect(control.locator(":focus")).to_have_text("Rétablir")
