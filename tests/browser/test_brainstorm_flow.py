"""A whole brainstorm in real browsers, driven only through the screens: the facilitator's
desktop, the projected board and three phones, from silent writing to the results.

Screens of every step go to artifacts/screenshots/flows/brainstorm-<lang>-<step>-<screen>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import (
    Workshop,
    board_note,
    flow_shot,
    phone_card,
    phone_group,
    phone_note,
    post_note,
    vote,
)

pytestmark = pytest.mark.browser

TEXT = {
    "fr-FR": {
        "title": "Venir au travail autrement",
        "question": "Comment venir au travail sans voiture ?",
        "phases": [
            "Écriture silencieuse",
            "Révélation",
            "Regroupement",
            "Vote par gommettes",
            "Résultats",
        ],
        "notes": {
            "velo": "Des vélos partagés devant la gare",
            "piste": "Une piste cyclable continue jusqu'à la zone d'activités",
            "covoit": "Du covoiturage entre collègues",
            "teletravail": "Deux jours de télétravail par semaine",
            "navette": "Une navette depuis le centre-ville",
        },
        "group": "Vélo",
        "facedown": "5 post-it écrits, cachés jusqu'à la révélation",
        "your_notes": "Vos post-it",
        "all_notes": "Tous les post-it",
        "dots_left": {
            5: "5 gommettes restantes",
            2: "2 gommettes restantes",
            1: "1 gommette restante",
            0: "0 gommette restante",
        },
        "all_used": "Toutes vos gommettes sont posées",
        "cast": "13 gommettes posées par 3 participants",
        "dot_count": r"\d+ gommettes?\b",
        "pending": "Les résultats vont être révélés",
        "bar_dots": ["4 gommettes", "4 gommettes", "3 gommettes", "2 gommettes"],
        "not_yet": "L'animateur n'a pas encore dévoilé les résultats.",
        "group_total": "6 gommettes",
    },
    "en-US": {
        "title": "Getting to work differently",
        "question": "How could we get to work without a car?",
        "phases": ["Silent writing", "Reveal", "Grouping", "Dot voting", "Results"],
        "notes": {
            "velo": "Shared bikes at the station",
            "piste": "A continuous cycle lane to the business park",
            "covoit": "Car sharing between colleagues",
            "teletravail": "Two days a week working from home",
            "navette": "A shuttle from the town centre",
        },
        "group": "Cycling",
        "facedown": "5 notes written, hidden until the reveal",
        "your_notes": "Your notes",
        "all_notes": "All notes",
        "dots_left": {5: "5 dots left", 2: "2 dots left", 1: "1 dot left", 0: "0 dots left"},
        "all_used": "All your dots are placed",
        "cast": "13 dots cast by 3 participants",
        "dot_count": r"\d+ dots?\b",
        "pending": "Results will be revealed",
        "bar_dots": ["4 dots", "4 dots", "3 dots", "2 dots"],
        "not_yet": "The facilitator has not revealed the results yet.",
        "group_total": "6 dots",
    },
}
# Who writes what: three phones, five notes.
WRITERS = {"alix": ["velo", "piste"], "bao": ["covoit", "teletravail"], "chris": ["navette"]}


@pytest.mark.parametrize("locale", ["fr-FR", "en-US"])
def test_a_whole_brainstorm_from_silent_writing_to_ranked_results(
    locale: str, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    text = TEXT[locale]
    notes = text["notes"]
    lang = locale[:2]
    workshop = run_workshop(locale, title=text["title"], question=text["question"])
    control, board = workshop.control, workshop.board
    phones = {name: join_on_phone(workshop.code, locale, name.title()) for name in WRITERS}
    alix, bao, chris = phones.values()
    expect(board.locator("#board-presence")).to_contain_text("3")

    def shots(step: str, whole_phone: bool = True) -> None:
        flow_shot(board, f"brainstorm-{lang}-{step}-board")
        flow_shot(alix, f"brainstorm-{lang}-{step}-phone", full_page=whole_phone)

    # 1. Silent writing: each phone sees its own notes only; the board counts them face down.
    for name, keys in WRITERS.items():
        for key in keys:
            post_note(phones[name], notes[key])
    for name, keys in WRITERS.items():
        for key in keys:
            expect(phone_note(phones[name], notes[key], "saved")).to_have_count(1)
    expect(board.locator(".board-facedown")).to_have_text(text["facedown"])
    expect(board.locator(".board-note")).to_have_count(0)
    expect(control.locator("#control-count")).to_have_text("5")
    for name, keys in WRITERS.items():
        phone = phones[name]
        expect(phone.locator("#notes-title")).to_have_text(text["your_notes"])
        expect(phone.locator("li.phone-note")).to_have_count(len(keys))
        for other in set(notes) - set(keys):
            expect(phone.get_by_text(notes[other])).to_have_count(0)
    shots("1-silent-writing")

    # 2. Reveal: every note on the board and on every phone.
    workshop.next_phase(text["phases"][1])
    expect(board.locator(".board-note")).to_have_count(5)
    for note in notes.values():
        expect(board_note(board, note)).to_have_count(1)
    for phone in phones.values():
        expect(phone.locator("#phone-phase")).to_have_text(text["phases"][1])
        expect(phone.locator("#notes-title")).to_have_text(text["all_notes"])
        expect(phone.locator("li.phone-note")).to_have_count(5)
    shots("2-reveal")

    # 3. Grouping: a group, one note put in by the group's title, one dragged onto it.
    workshop.next_phase(text["phases"][2])
    group = workshop.create_group(text["group"])
    workshop.place_note(notes["velo"], text["group"])
    expect(group.locator(".control-note")).to_have_count(1)
    dragged = workshop.note(notes["piste"])
    dragged.drag_to(group.locator(".control-group-head"))
    expect(group.locator(".control-note")).to_have_count(2)
    expect(group.locator(".control-note").filter(has_text=notes["piste"])).to_have_count(1)
    on_board = board.locator(".board-group").filter(
        has=board.locator(".board-group-title", has_text=text["group"])
    )
    expect(on_board.locator(".board-note")).to_have_count(2)
    for phone in phones.values():
        expect(phone_group(phone, text["group"]).locator("li.phone-note")).to_have_count(2)
    shots("3-grouping")
    flow_shot(control, f"brainstorm-{lang}-3-grouping-control", full_page=True)

    # 4. Dot voting: five dots each, at most three on one note.
    workshop.next_phase(text["phases"][3])
    dots_left = alix.locator("#dots-bar strong")
    expect(dots_left).to_have_text(text["dots_left"][5])
    vote(phone_card(alix, notes["velo"]), 3, then=3)
    expect(phone_card(alix, notes["velo"]).locator("button.vote-btn.plus")).to_be_disabled()
    expect(dots_left).to_have_text(text["dots_left"][2])
    vote(phone_card(alix, notes["covoit"]), 2, then=2)
    expect(dots_left).to_have_text(text["dots_left"][0])
    expect(alix.locator("#dots-bar")).to_contain_text(text["all_used"])
    expect(alix.locator("button.vote-btn.plus")).to_have_count(5)
    expect(alix.locator("button.vote-btn.plus:enabled")).to_have_count(0)
    # A dot taken back can be placed again, and no more than the budget.
    vote(phone_card(alix, notes["covoit"]), -1, then=1)
    expect(dots_left).to_have_text(text["dots_left"][1])
    expect(alix.locator("button.vote-btn.plus:enabled")).to_have_count(4)
    vote(phone_card(alix, notes["covoit"]), 1, then=2)
    expect(alix.locator("button.vote-btn.plus:enabled")).to_have_count(0)

    vote(phone_card(bao, notes["covoit"]), 2, then=2)
    vote(phone_card(bao, notes["navette"]), 3, then=3)
    vote(phone_card(chris, notes["velo"]), 1, then=1)
    vote(phone_card(chris, notes["piste"]), 2, then=2)
    expect(chris.locator("#dots-bar strong")).to_have_text(text["dots_left"][2])

    # The board counts the dots, never where they went.
    expect(board.locator("#board-banner")).to_have_text(text["cast"])
    expect(board.locator("#board-stage")).not_to_contain_text(re.compile(text["dot_count"]))
    expect(board.locator(".board-bar, .board-badge")).to_have_count(0)
    shots("4-voting", whole_phone=False)  # the dots bar sits at the bottom of the screen

    # 5. Results: ranked once the facilitator reveals them; equal dots share a rank.
    workshop.next_phase(text["phases"][4])
    expect(board.locator("#board-stage")).to_have_text(text["pending"])
    expect(alix.locator("#phone-results")).to_have_text(text["not_yet"])
    workshop.reveal_results()
    bars = board.locator(".board-bar")
    expect(bars.locator(".board-rank")).to_have_text(["=1", "=1", "3", "4"])
    expect(bars.locator(".board-bar-label")).to_have_text(
        [notes["velo"], notes["covoit"], notes["navette"], notes["piste"]]
    )
    expect(bars.locator(".board-bar-dots")).to_have_text(text["bar_dots"])
    expect(board.locator(".board-rank.tied")).to_have_count(2)
    for phone in phones.values():
        results = phone.locator("#results-panel")
        expect(results).to_have_attribute("open", "")
        expect(results.locator("li.result .rank")).to_have_text(["=1", "=1", "3", "4"])
        expect(results.locator("li.result .result-label")).to_have_text(
            [notes["velo"], notes["covoit"], notes["navette"], notes["piste"]]
        )
    shots("5-results")

    # 6. A group is worth its notes' dots (4 on the bikes, 2 on the cycle lane): on the
    # control page, at the top of what can become a proposal, and on the board's groups.
    group_meta = group.locator(".group-meta")
    expect(group_meta).to_contain_text(text["group_total"])
    expect(control.locator("#promote-target option").first).to_have_text(
        f"{text['group']} — {text['group_total']}"
    )
    control.locator("#control-phases button").nth(2).click()  # back to the grouping
    expect(board.locator("#board-phase")).to_have_text(text["phases"][2])
    expect(on_board.locator(".board-badge")).to_have_text(text["group_total"])
    shots("6-group-totals")
    flow_shot(control, f"brainstorm-{lang}-6-group-totals-control")
