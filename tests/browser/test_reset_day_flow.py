"""A Reset day in real browsers: ideas and challenges, candidate coalitions made by the
facilitator, votes and pledges ("I would join") from phones, then the coalition canvas
filled from phones for the top coalition and shown on the board.

Screens: artifacts/screenshots/flows/reset-fr-<step>-<screen>.png.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, flow_shot, phone_group, phone_note, post_note, vote

pytestmark = pytest.mark.browser

NOTES = {  # who writes what, in which area
    "alix": [
        ("Idées de projets", "Un atelier de réparation de vélos au marché"),
        ("Défis", "Des trajets sûrs pour les écoliers"),
    ],
    "bao": [
        ("Idées de projets", "Une cantine bio et locale"),
        ("Défis", "Trop de gaspillage à la cantine"),
    ],
}
GROUPS = {
    "Coalition vélo": ["Un atelier de réparation de vélos au marché", "Des trajets sûrs"],
    "Coalition cantines": ["Une cantine bio et locale", "Trop de gaspillage à la cantine"],
}
CANVAS = {
    "Diagnostic": "Les enfants ne vont plus à l'école à vélo",
    "Acteurs": "Atelier Vélo Vallée, parents d'élèves, mairie",
}


def pledge(phone: Page, group: str, name: str, organisation: str) -> None:
    """ "I would join" on a group; the first time, the phone asks a name and organisation."""
    phone_group(phone, group).locator("button.pledge-btn").tap()
    dialog = phone.locator("#pledge-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Rejoindre cette coalition")
    dialog.locator("#pledge-name").fill(name)
    dialog.locator("#pledge-org").fill(organisation)
    dialog.locator("#pledge-ok").tap()
    expect(dialog).to_be_hidden()
    button = phone_group(phone, group).locator("button.pledge-btn")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".badge")).to_have_count(0)  # no longer "Sending…"


def test_a_reset_day_from_candidate_coalitions_to_the_canvas(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(
        title="Reset Vallée", format_key="reset_day", question="Se déplacer et manger autrement"
    )
    board, control = workshop.board, workshop.control
    phones = {name: join_on_phone(workshop.code, nickname=name.title()) for name in NOTES}
    alix, bao = phones["alix"], phones["bao"]

    for name, notes in NOTES.items():
        for area, text in notes:
            post_note(phones[name], text, area)
            expect(phone_note(phones[name], text, "saved")).to_have_count(1)
    expect(board.locator(".board-note")).to_have_count(4)

    # Agree or disagree, note by note (too few people for an opinion map: tested apart,
    # test_opinion_map.py); then candidate coalitions, groups open to both areas.
    workshop.next_phase("D'accord, pas d'accord")
    expect(alix.locator("#phone-react .react-count")).to_have_text("1 sur 4")
    alix.locator("#phone-react button.react-answer.agree").tap()
    expect(alix.locator("#phone-react .react-count")).to_have_text("2 sur 4")
    workshop.next_phase("Coalitions candidates")
    for title, members in GROUPS.items():
        group = workshop.create_group(title)
        for text in members:
            workshop.place_note(text, title)
        expect(group.locator(".control-note")).to_have_count(2)
    expect(board.locator(".board-group-title")).to_contain_text(list(GROUPS))
    expect(phone_group(alix, "Coalition cantines").locator("li.phone-note")).to_have_count(2)

    # Votes and pledges: one dot per coalition at most; "I would join".
    workshop.next_phase("Votes et engagements")
    velo, cantines = (phone_group(alix, title) for title in GROUPS)
    expect(alix.locator("#dots-bar strong")).to_have_text("3 gommettes restantes")
    vote(velo, 1, then=1)
    expect(velo.locator("button.vote-btn.plus")).to_be_disabled()
    pledge(alix, "Coalition vélo", "Alix Martin", "Atelier Vélo Vallée")
    expect(velo.locator(".pledge-count")).to_have_text("1 personne rejoindrait")
    expect(cantines.locator("button.pledge-btn")).to_have_attribute("aria-pressed", "false")
    vote(phone_group(bao, "Coalition vélo"), 1, then=1)
    vote(phone_group(bao, "Coalition cantines"), 1, then=1)
    pledge(bao, "Coalition vélo", "Bao Nguyen", "Parents d'élèves")
    expect(alix.locator("#pledge-identity")).to_contain_text("Alix Martin · Atelier Vélo Vallée")

    on_board = {
        title: board.locator(".board-group").filter(
            has=board.locator(".board-group-title", has_text=title)
        )
        for title in GROUPS
    }
    expect(on_board["Coalition vélo"].locator(".board-badge.pledges")).to_have_text("2 engagements")
    expect(on_board["Coalition cantines"].locator(".board-badge.pledges")).to_have_text(
        "0 engagement"
    )
    expect(board.locator("#board-banner")).to_have_text("3 gommettes posées par 2 participants")
    expect(velo.locator(".pledge-count")).to_have_text("2 personnes rejoindraient")
    expect(control.locator(".control-group .group-meta").first).to_contain_text("2 engagements")
    flow_shot(board, "reset-fr-1-pledges-board")
    flow_shot(alix, "reset-fr-1-pledges-phone")  # the dots bar at the bottom

    # The chosen coalitions: the ranking, revealed before their canvas is filled.
    workshop.next_phase("Coalitions retenues")
    expect(control.locator("#results-toggle")).to_have_class("primary")
    workshop.reveal_results()
    expect(board.locator(".board-bar-label")).to_have_text(["Coalition vélo", "Coalition cantines"])
    expect(board.locator(".board-bar-dots")).to_have_text(["2 gommettes", "1 gommette"])

    # The canvas: the coalitions with the most dots, filled in from the phones.
    workshop.next_phase("Fiche coalition")
    expect(board.locator(".board-canvas-group > span:first-child")).to_have_text(
        ["Coalition vélo", "Coalition cantines"]
    )
    chips = alix.locator("#card-group-chips label.chip")
    expect(chips).to_have_text(["Coalition vélo", "Coalition cantines"])
    chips.filter(has_text="Coalition vélo").click()
    for slot, text in CANVAS.items():
        alix.locator("#card-slot-chips label.chip").filter(has_text=slot).click()
        alix.locator("#card-text").fill(text)
        alix.locator("#card-submit").tap()
        expect(
            alix.locator("li.phone-card[data-status=saved]").filter(has_text=text)
        ).to_have_count(1)

    first_row = {  # the top coalition's row comes first
        "diagnostic": board.locator(".board-slot[data-slot=diagnostic]").first,
        "actors": board.locator(".board-slot[data-slot=actors]").first,
    }
    expect(first_row["diagnostic"].locator(".board-card")).to_have_text(
        CANVAS["Diagnostic"] + "Alix"
    )
    expect(first_row["actors"].locator(".board-card")).to_have_text(CANVAS["Acteurs"] + "Alix")
    expect(board.locator(".board-canvas .board-card")).to_have_count(2)
    expect(board.locator(".board-canvas-field")).to_have_text(
        ["Diagnostic", "Impact visé à deux ans", "Acteurs", "Leviers et chemin", "Évaluation"]
    )
    block = bao.locator(".canvas-block").filter(has_text="Coalition vélo")
    expect(block.locator("li.phone-card")).to_have_count(2)
    flow_shot(board, "reset-fr-2-canvas-board")
    flow_shot(alix, "reset-fr-2-canvas-phone", full_page=True)
