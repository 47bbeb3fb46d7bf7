"""The Innovation Facteur 4 review: each project (a group) described in three steps on a
canvas of the format's own — what is innovative, business and ecological impact models,
growth path and its impacts — then rated on whether its impact is profound, large and
robust; the synthesis gives each project its answers and its ratings."""

from __future__ import annotations

import pytest

ANSWERS = {
    "innovation": "Des vélos-cargos partagés entre artisans",
    "models": "Abonnement mensuel ; un camion de livraison en moins par quartier",
    "growth": "Dix quartiers en trois ans, sans élargir les trajets",
}


@pytest.fixture
def workshop(create_workshop):
    return create_workshop("facteur4")


@pytest.fixture
def projects(control) -> list[int]:
    """Two projects, one group each, made by the facilitator."""
    return [
        control.send("group.create", title=title)["data"]["group"]["id"]
        for title in ("Vélos-cargos", "Ressourcerie")
    ]


def test_the_canvas_asks_the_formats_three_questions(control):
    phases = {p["key"]: p for p in control.join_ack["snapshot"]["format"]["phases"]}
    fields = phases["describe"]["slots"]["canvas"]
    assert [field["key"] for field in fields] == ["innovation", "models", "growth"]
    assert fields[1]["label"]["fr"] == "Modèle économique et modèle d'impact écologique"


def test_a_project_is_described_on_its_own_fields_and_not_on_the_coalitions(
    workshop, screens, projects, go_to
):
    go_to("describe")
    phone = screens(workshop)
    for slot, text in ANSWERS.items():
        ack = phone.send("card.add", kind="canvas", slot=slot, text=text, group_id=projects[0])
        assert ack["ok"], ack
    refused = phone.send(
        "card.add", kind="canvas", slot="diagnostic", text="Hors sujet", group_id=projects[0]
    )
    assert refused["error"]["code"] == "invalid"
    assert "slot" in refused["error"]["fields"]


def test_each_project_ends_in_the_synthesis_with_its_answers_and_its_ratings(
    workshop, screens, control, projects, go_to, client, facilitator
):
    go_to("describe")
    phone = screens(workshop)
    for slot, text in ANSWERS.items():
        phone.send("card.add", kind="canvas", slot=slot, text=text, group_id=projects[0])
    go_to("review")
    for value, criterion in zip((4, 5, 2), ("profound", "large", "robust"), strict=True):
        ack = phone.send("rate.cast", item=f"group:{projects[0]}", criterion=criterion, value=value)
        assert ack["ok"], ack
    assert phone.send("rate.cast", item=f"group:{projects[1]}", criterion="robust", value=3)["ok"]
    from ..sockets import login

    login(client, facilitator)
    text = client.get(f"/workshops/{workshop.id}/export.md").get_data(as_text=True)
    assert "Ce qui est innovant" in text
    assert ANSWERS["growth"] in text
    assert "## Évaluations — Évaluer l'impact" in text
    sheet = text.split("## Fiche projet — Vélos\\-cargos")[1]
    ratings = "**Évaluations — Évaluer l'impact** : Profond 4 · Large 5 · Robuste 2 (1 participant)"
    assert sheet.lstrip().startswith(ratings)
    assert "### Vélos\\-cargos" in text
    assert "| Robuste | 2 |" in text
    assert "### Ressourcerie" in text
    # Participation says what this format does: cards and ratings, never votes.
    figures = text.split("## Participation")[1].split("##")[0]
    assert "- Cartes : 3\n" in figures
    assert "- Participants ayant évalué : 1\n" in figures
    assert "- Évaluations : 4\n" in figures
    assert "Votants" not in figures
    assert "gommette" not in figures
    page = client.get(f"/workshops/{workshop.id}/export.html").get_data(as_text=True)
    shown = page.split("<h2>Participation</h2>")[1].split("</section>")[0]
    assert "<dt>Évaluations</dt><dd>4</dd>" in shown
    assert "Votants" not in shown
    assert "Gommettes" not in shown


def test_a_rated_project_deleted_after_the_reveal_leaves_every_screen(
    workshop, screens, control, projects, go_to
):
    go_to("review")
    phone = screens(workshop)
    for project in projects:
        assert phone.send("rate.cast", item=f"group:{project}", criterion="large", value=4)["ok"]
    control.send("ratings.reveal", revealed=True)
    phone.events()
    assert control.send("group.delete", id=projects[0])["ok"]
    published = [e["data"] for e in phone.events() if e["type"] == "ratings.published"]
    assert [entry["item"] for entry in published[-1]["ratings"]["items"]] == [
        f"group:{projects[1]}"
    ]
    snapshot = phone.emit("sync", {"since": 2**31 - 1})["snapshot"]
    assert [e["item"] for e in snapshot["ratings"]["review"]["items"]] == [f"group:{projects[1]}"]
