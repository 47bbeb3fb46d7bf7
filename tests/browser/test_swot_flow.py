"""A SWOT in real browsers up to the TOWS strategies: notes in the four quadrants, dots
per quadrant, the results of each quadrant, then a strategy card drawn from the voted
items, on the phone and the board.

Screens: artifacts/screenshots/flows/swot-fr-<step>-<screen>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import Workshop, flow_shot, phone_card, phone_note, post_note, vote

pytestmark = pytest.mark.browser

NOTES = {  # who writes what, in which quadrant
    "alix": [
        ("Forces", "Un réseau d'associations très actif"),
        ("Forces", "Des élus à l'écoute"),
        ("Opportunités", "Les fonds européens pour la transition"),
        ("Menaces", "La fermeture de la ligne de bus"),
    ],
    "bao": [
        ("Faiblesses", "Peu de transports le soir"),
        ("Opportunités", "L'arrivée de la fibre dans les villages"),
    ],
}
STRATEGY = "Monter avec les associations un dossier pour les fonds européens"


def test_a_swot_from_the_quadrants_to_a_tows_strategy(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(
        title="Le territoire en 2030", format_key="swot", question="Nos tiers-lieux ruraux"
    )
    board, control = workshop.board, workshop.control
    phones = {name: join_on_phone(workshop.code, nickname=name.title()) for name in NOTES}
    alix, bao = phones["alix"], phones["bao"]

    # Ideation: each phone picks a quadrant for each note; the board shows four quadrants.
    for name, notes in NOTES.items():
        for area, text in notes:
            post_note(phones[name], text, area)
            expect(phone_note(phones[name], text, "saved")).to_have_count(1)
    quadrants = board.locator(".board-area")
    expect(quadrants.locator("h2 .board-area-label")).to_have_text(
        ["Forces", "Faiblesses", "Opportunités", "Menaces"]
    )
    expect(quadrants.locator(".count")).to_have_text(["2", "1", "2", "1"])
    expect(quadrants.nth(2).locator(".board-note")).to_contain_text(
        ["Les fonds européens", "L'arrivée de la fibre"]
    )
    expect(alix.locator(".note-section .section-title")).to_have_text(
        ["Forces", "Faiblesses", "Opportunités", "Menaces"]
    )
    flow_shot(board, "swot-fr-1-ideation-board")
    flow_shot(alix, "swot-fr-1-ideation-phone", full_page=True)

    # Voting per quadrant: three dots in each, at most two on one item.
    workshop.next_phase("Regroupement")
    workshop.next_phase("Vote par quadrant")
    bar = alix.locator("#dots-bar")
    expect(bar.locator(".dots-title")).to_have_text("Gommettes restantes (3 par zone)")
    expect(bar.locator("li strong")).to_have_text(["3", "3", "3", "3"])
    vote(phone_card(alix, "Un réseau d'associations très actif"), 2, then=2)
    expect(
        phone_card(alix, "Un réseau d'associations très actif").locator("button.vote-btn.plus")
    ).to_be_disabled()
    vote(phone_card(alix, "Des élus à l'écoute"), 1, then=1)
    # Strengths are spent; the other quadrants keep their own dots.
    forces = alix.locator(".note-section").filter(
        has=alix.locator(".section-title", has_text="Forces")
    )
    expect(forces.locator(".section-dots")).to_have_text("0 gommette restante")
    expect(forces.locator("button.vote-btn.plus:enabled")).to_have_count(0)
    vote(phone_card(alix, "Les fonds européens pour la transition"), 2, then=2)
    expect(bar.locator("li strong")).to_have_text(["0", "3", "1", "3"])
    expect(
        phone_card(alix, "La fermeture de la ligne de bus").locator("button.vote-btn.plus")
    ).to_be_enabled()
    vote(phone_card(bao, "Un réseau d'associations très actif"), 1, then=1)
    vote(phone_card(bao, "Peu de transports le soir"), 1, then=1)
    expect(board.locator("#board-banner")).to_have_text("7 gommettes posées par 2 participants")
    flow_shot(board, "swot-fr-2-voting-board")
    flow_shot(alix, "swot-fr-2-voting-phone")  # the dots bar at the bottom

    # The results, quadrant by quadrant: revealing them is the control page's first action.
    workshop.next_phase("Résultats par quadrant")
    expect(board.locator(".board-message")).to_have_text("Les résultats vont être révélés")
    expect(control.locator("#results-toggle")).to_have_class("primary")
    expect(control.locator("#phase-next")).not_to_have_class(re.compile(r"\bprimary\b"))
    workshop.reveal_results()
    expect(control.locator("#phase-next")).to_have_class(re.compile(r"\bprimary\b"))
    panels = board.locator(".board-area")
    expect(panels.locator("h2 .board-area-label")).to_have_text(
        ["Forces", "Faiblesses", "Opportunités", "Menaces"]
    )
    expect(panels.nth(0).locator(".board-bar-label")).to_have_text(
        ["Un réseau d'associations très actif", "Des élus à l'écoute"]
    )
    expect(panels.nth(0).locator(".board-rank")).to_have_text(["1", "2"])
    expect(panels.nth(2).locator(".board-rank")).to_have_text(["1"])
    expect(alix.locator(".results-area-title")).to_have_text(
        ["Forces", "Faiblesses", "Opportunités", "Menaces"]
    )
    flow_shot(board, "swot-fr-3-results-board")
    flow_shot(alix, "swot-fr-3-results-phone", full_page=True)

    # Strategies: a phone adds an SO card linked to the items voted for.
    workshop.next_phase("Stratégies (TOWS)")
    expect(alix.locator("#card-form-title")).to_have_text("Proposer une stratégie")
    slots = alix.locator("#card-slot-chips label.chip")
    expect(slots.locator(".chip-label")).to_have_text(["SO", "ST", "WO", "WT"])
    slots.filter(has_text="SO").click()
    expect(slots.filter(has_text="SO").locator("input")).to_be_checked()
    alix.locator("#card-links summary").click()
    links = alix.locator("#card-links-list")
    expect(links.locator("legend")).to_have_text(["Forces", "Opportunités"])
    # The results are revealed: the items come with their dots, most voted first.
    expect(links.locator("label.check .check-text")).to_have_text(
        [
            "Un réseau d'associations très actif",
            "Des élus à l'écoute",
            "Les fonds européens pour la transition",
            "L'arrivée de la fibre dans les villages",
        ]
    )
    expect(links.locator("label.check .check-dots")).to_have_text(
        ["3 gommettes", "1 gommette", "2 gommettes"]
    )
    for item in ("Un réseau d'associations très actif", "Les fonds européens pour la transition"):
        links.locator("label.check").filter(has_text=item).click()
    expect(alix.locator("#card-links summary")).to_have_text("Éléments reliés : 2 (10 au plus)")
    alix.locator("#card-text").fill(STRATEGY)
    alix.locator("#card-submit").tap()

    card = alix.locator("li.phone-card[data-status=saved]").filter(has_text=STRATEGY)
    expect(card).to_have_count(1)
    expect(card.locator("ul.card-links li")).to_have_text(
        ["Un réseau d'associations très actif", "Les fonds européens pour la transition"]
    )
    so = board.locator(".board-tows .board-quadrant.so")
    expect(so.locator(".board-card")).to_have_text(STRATEGY + "Alix")
    expect(board.locator(".board-tows .board-quadrant .board-card")).to_have_count(1)
    # The voted items head their rows and columns (strengths, opportunities).
    expect(board.locator(".board-axis.row").first.locator("li").first).to_have_text(
        "Un réseau d'associations très actif"
    )
    expect(board.locator(".board-axis.col").first.locator("li").first).to_have_text(
        "Les fonds européens pour la transition"
    )
    expect(control.locator("#cards-list .control-card")).to_contain_text(STRATEGY)
    expect(bao.locator("li.phone-card").filter(has_text=STRATEGY)).to_have_count(1)
    flow_shot(board, "swot-fr-4-strategies-board")
    flow_shot(alix, "swot-fr-4-strategies-phone", full_page=True)
