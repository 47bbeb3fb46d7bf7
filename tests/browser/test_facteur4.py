"""An Innovation Facteur 4 review in real browsers: the facilitator names two projects,
phones describe each in three steps on its project sheet, then rate whether its impact is
profound, large and robust; revealed, the board draws a three-axis radar per project and
the synthesis gives each project its answers and its ratings.

Screens: artifacts/screenshots/flows/facteur4-fr-<step>-<screen>.png.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .conftest import SCREENSHOTS, Live, Workshop, flow_shot, wait_until_sent

pytestmark = pytest.mark.browser

INNOVATION = "Ce qui est innovant"
MODELS = "Modèle économique et modèle d'impact écologique"
GROWTH = "Trajectoire de croissance et ses impacts"
PROJECTS = {
    "Vélos-cargos partagés": {
        INNOVATION: "Des vélos-cargos partagés entre artisans du quartier",
        MODELS: "Abonnement ; une camionnette de moins par artisan",
        GROWTH: "Dix quartiers en trois ans, sans allonger les trajets",
    },
    "Ressourcerie numérique": {
        INNOVATION: "Reconditionner les ordinateurs des administrations",
        MODELS: "Vente solidaire ; des appareils gardés deux fois plus longtemps",
        GROWTH: "Une ressourcerie par département, sans pousser à en acheter davantage",
    },
}
CRITERIA = ["Profond", "Large", "Robuste"]
VALUES = {  # each phone's values for each project: profound, large, robust
    "alix": {"Vélos-cargos partagés": [4, 3, 4], "Ressourcerie numérique": [5, 4, 2]},
    "bao": {"Vélos-cargos partagés": [3, 3, 5], "Ressourcerie numérique": [4, 5, 3]},
}


def describe(phone: Page, project: str, answers: dict[str, str]) -> None:
    phone.locator("#card-group-chips label.chip").filter(has_text=project).click()
    for field, text in answers.items():
        phone.locator("#card-slot-chips label.chip").filter(has_text=field).click()
        phone.locator("#card-text").fill(text)
        phone.locator("#card-submit").tap()
        saved = phone.locator("li.phone-card[data-status=saved]").filter(has_text=text)
        expect(saved).to_have_count(1)


def rate(phone: Page, project: str, values: list[int]) -> None:
    card = phone.locator("#phone-ratings article.rate-item").filter(
        has=phone.locator(".rate-title", has_text=project)
    )
    for criterion, value in zip(CRITERIA, values, strict=True):
        row = card.locator("fieldset.rate-criterion").filter(
            has=phone.locator("legend", has_text=criterion)
        )
        row.locator(f"button.rate-point[data-value='{value}']").tap()
        expect(row.locator(f"button.rate-point[data-value='{value}']")).to_have_attribute(
            "aria-pressed", "true"
        )


def test_two_projects_described_in_three_steps_then_rated_on_their_impact(
    live: Live, run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop(
        title="Accélérateur des possibles",
        format_key="facteur4",
        question="Deux projets de la promotion 2026",
    )
    board, control = workshop.board, workshop.control
    phones = {name: join_on_phone(workshop.code, nickname=name.title()) for name in VALUES}
    for project in PROJECTS:
        workshop.create_group(project)

    # Each project described in three steps, on its own sheet.
    workshop.next_phase("Décrire en trois temps")
    expect(board.locator(".board-canvas-field")).to_have_text([INNOVATION, MODELS, GROWTH])
    for (project, answers), name in zip(PROJECTS.items(), VALUES, strict=True):
        describe(phones[name], project, answers)
    expect(board.locator(".board-canvas .board-card")).to_have_count(6)
    expect(board.locator(".board-canvas .board-badge.pledges")).to_have_count(0)  # none taken
    flow_shot(board, "facteur4-fr-1-describe-board")

    # Rated: profound, large, robust, for each project.
    workshop.next_phase("Évaluer l'impact")
    for name, projects in VALUES.items():
        for project, values in projects.items():
            rate(phones[name], project, values)
        wait_until_sent(phones[name])
    expect(board.locator(".board-rating.progress .board-rating-meta")).to_have_text(
        ["6 réponses", "6 réponses"]
    )
    flow_shot(phones["alix"], "facteur4-fr-2-rate-phone")
    control.locator("#ratings-toggle").click()
    radars = board.locator(".board-rating svg.radar")
    expect(radars).to_have_count(2)
    expect(radars.first.locator("text.radar-label")).to_have_text(
        ["Profond3,5", "Large3", "Robuste4,5"]
    )
    flow_shot(board, "facteur4-fr-3-radar-board")

    # The synthesis: each project's sheet and its ratings.
    workshop.next_phase("Synthèse")
    response = control.request.get(f"{live.url}/workshops/{workshop.id}/export.md")
    text = response.text()
    for project, answers in PROJECTS.items():
        title = project.replace("-", "\\-")
        assert f"## Fiche projet — {title}" in text
        assert f"### {title}" in text
        for answer in answers.values():
            assert answer.replace("-", "\\-") in text
    robust = [line for line in text.splitlines() if line.startswith("| Robuste")]
    assert robust[0].startswith("| Robuste | 4,5 | 0,5 (4,25–4,75) | 2 |")
    sheet = text.split("## Fiche projet — Vélos\\-cargos partagés")[1]
    assert sheet.lstrip().startswith("**Évaluations — Évaluer l'impact** : Profond 3,5 · Large 3")

    # The PDF, rendered: each project's sheet with its medians, the radars.
    pdf = control.request.get(f"{live.url}/workshops/{workshop.id}/export.pdf", timeout=120_000)
    assert pdf.ok, pdf.status
    path = SCREENSHOTS / "flows" / "facteur4-fr-4-synthesis.pdf"
    path.write_bytes(pdf.body())
    pages = SCREENSHOTS / "flows" / "facteur4-fr-4-synthesis"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(pages)], check=True)
    assert sorted(pages.parent.glob(f"{pages.name}-*.png"))
