"""Sorting a hundred notes into groups from the control page, at 1366×768: filtered by
quadrant, notes picked with a click, each group named once for all its notes.

The figures (actions, seconds) are printed and kept in docs/performance.md; the test
asserts what was sorted, and that it took well under the per-note menus' actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from facilitation.accounts.services import find_by_email
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.workshops import controls
from facilitation.workshops.services import create_workshop, get_workshop

from . import crowd
from .conftest import Live, exactly, screenshot, server_app, sign_in, wait_until_sent
from .grouping_plan import AREAS, Hands, members

pytestmark = pytest.mark.browser

LABELS = {
    "strengths": "Forces",
    "weaknesses": "Faiblesses",
    "opportunities": "Opportunités",
    "threats": "Menaces",
}
# Each note's own menu took 482 actions for the same sort (docs/performance.md).
BOUND = 320


def swot_to_sort(live: Live, email: str) -> int:
    """A SWOT of 100 notes (25 per quadrant) in its grouping phase; its id."""
    with server_app(live):
        workshop = create_workshop(find_by_email(email), "swot", "Tri", "Nos mobilités", "fr")
        db.session.commit()
        workshop_id = workshop.id
    crowd.seed(live, email, workshop_id, "fr", 100, AREAS)
    with server_app(live), unit_of_work(workshop_id):
        actor = crowd.facilitator(email, workshop_id)
        controls.move_phase(actor, get_workshop(workshop_id), 1)
    return workshop_id


def test_a_hundred_notes_are_sorted_into_eight_groups_in_a_few_actions(
    live: Live, facilitator_email: str, new_context: Callable[..., BrowserContext]
) -> None:
    workshop_id = swot_to_sort(live, facilitator_email)
    page = new_context("desktop").new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live, facilitator_email)
    page.goto(f"{live.url}/workshops/{workshop_id}/control")
    expect(page.locator("#loose-notes .control-note")).to_have_count(100)
    screenshot(page, "staff/control-fr-1366x768-100-notes-to-sort")

    hands = Hands(page)
    title = page.locator("#group-title")
    for area, groups in members().items():
        hands.click(page.locator("#notes-areas .chip").filter(has_text=LABELS[area]))
        for group, texts in groups.items():
            for text in texts:
                note = page.locator("#loose-notes .control-note").filter(
                    has=page.locator(".note-text", has_text=exactly(text))
                )
                hands.click(note)
            hands.click(title)
            hands.type(title, group)
            hands.press(title, "Enter")
    wait_until_sent(page)
    seconds = hands.seconds()
    expect(page.locator("#loose-notes .control-note")).to_have_count(0)
    screenshot(page, "staff/control-fr-1366x768-100-notes-sorted")

    with server_app(live):
        rows = db.session.execute(
            select(Group.title, Group.area, Note.area)
            .join(Group, Group.id == Note.group_id)
            .where(Note.workshop_id == workshop_id)
        ).all()
    per_group = Counter(title for title, _, _ in rows)
    print(
        f"\nsorting 100 notes into 8 groups: {hands.total} actions {dict(hands.counts)}, "
        f"{seconds:.1f} s"
    )
    assert sum(per_group.values()) == 100
    assert per_group == Counter({t: len(x) for g in members().values() for t, x in g.items()})
    assert all(group_area == note_area for _, group_area, note_area in rows)
    assert hands.total < BOUND
