"""Workshops worth a synthesis, built through the socket commands as real screens send them.

`build_swot` makes a SWOT of 200 notes by eight participants: groups, hidden, merged and
deleted notes, votes in every quadrant, revealed results, strategy and roadmap cards, and
a proposal promoted from a group. `build_reset_day` makes a small Reset day with group
pledges, a coalition canvas and a proposal joined from a phone.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.accounts.models import Role, User
from facilitation.coalitions import services as coalitions
from facilitation.database import unit_of_work
from facilitation.extensions import db, socketio
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from ..conftest import PASSWORD, csrf_token, empty_tables, test_config
from ..sockets import Screen, login
from .archives import every_kind_of_record

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "exports"

SWOT_SEEDS = {
    "strengths": [
        "Tissu associatif dense et engagé",
        "Des élus prêts à expérimenter",
        "Une gare à vingt minutes de la métropole",
        "Un tiers-lieu qui accueille déjà des ateliers de réparation",
        "Des agriculteurs en circuit court depuis dix ans",
        "Le savoir-faire des anciens de la filature",
    ],
    "weaknesses": [
        "Peu de transports le soir",
        "Les jeunes partent faire leurs études ailleurs et reviennent rarement",
        "Des friches industrielles sans projet",
        "Un budget communal très contraint",
        "La fibre n'arrive pas dans les hameaux",
        "Des associations qui s'épuisent, toujours les mêmes bénévoles",
    ],
    "opportunities": [
        "Fonds européens pour la transition",
        "Le télétravail ramène des familles",
        "Un appel à projets régional sur la mobilité",
        "La demande de produits locaux dans les cantines",
        "Le plan vélo départemental",
        "Des entreprises cherchent à s'implanter hors des métropoles",
    ],
    "threats": [
        "Fermeture annoncée de la maternité",
        "Sécheresses plus longues chaque été",
        "Hausse du prix de l'énergie pour les ménages modestes",
        "La ligne de bus menacée faute de voyageurs",
        "Spéculation foncière sur les résidences secondaires",
        "Désertification médicale",
    ],
}
LONG = (
    "Une note plus longue, comme on en écrit quand on a vraiment quelque chose à dire : "
    "il faudrait réunir les communes voisines, les associations et les entreprises autour "
    "d'une même table, chaque trimestre, avec un ordre du jour préparé ensemble et un "
    "compte rendu public."
)
TRICKY = [
    '=HYPERLINK("http://example.org")',
    "<script>alert('x')</script> **gras** [lien](javascript:alert(1))",
    "# Pas un titre\nmais deux lignes",
]
# Which note of its quadrant each participant gives two dots to: clear winners and ties.
FAVOURITES = {
    "strengths": [0, 0, 0, 0, 1, 1, 2, 3],
    "weaknesses": [0, 0, 0, 1, 1, 1, 2, 2],
    "opportunities": [0, 0, 0, 0, 0, 1, 2, 3],
    "threats": [0, 0, 1, 1, 2, 3, 4, 5],
}
NICKNAMES = ["Léa", "Karim", "Inès", "Tom", "Zoé", "Hugo", "Maëlle", "Yanis"]


@dataclass
class Built:
    """A workshop and the ids a test needs to find things in its exports."""

    workshop: Workshop
    notes: dict[str, list[int]] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    groups: dict[str, list[int]] = field(default_factory=dict)
    hidden: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    proposal_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def ok(ack: dict[str, Any]) -> dict[str, Any]:
    assert ack, ack
    assert ack.get("ok"), ack
    return ack["data"]


def open_screen(app: Flask, workshop: Workshop, role: str = "phone", **kwargs: Any) -> Screen:
    return Screen.open(app, socketio, workshop, role, **kwargs)


def note_texts(count: int) -> Iterator[tuple[str, str]]:
    """(area, text) for `count` notes spread over the four quadrants."""
    areas = list(SWOT_SEEDS)
    for index in range(count):
        area = areas[index % 4]
        seeds = SWOT_SEEDS[area]
        number = index // 4
        text = seeds[number % len(seeds)]
        if number >= len(seeds):
            text = f"{text} — variante {number // len(seeds)}"
        if number == 7 and area == "strengths":
            text = LONG
        if area == "weaknesses" and number in (9, 10, 11):
            text = TRICKY[number - 9]
        yield area, text


def build_swot(app: Flask, facilitator: User, notes: int = 200, language: str = "en") -> Built:
    """A full SWOT, from the first note to the synthesis phase."""
    workshop = workshops.create_workshop(
        facilitator,
        "swot",
        "Revitaliser la vallée",
        "Quel avenir pour la vallée d'ici 2030 ?",
        language,  # most tests read section titles in English; French is checked apart
    )
    db.session.commit()
    built = Built(workshop)
    control = open_screen(app, workshop, "control", user=facilitator)
    phones = [open_screen(app, workshop, nickname=name) for name in NICKNAMES]
    try:
        _swot_session(built, control, phones, notes)
    finally:
        for screen in [control, *phones]:
            screen.close()
    return built


def _swot_session(built: Built, control: Screen, phones: list[Screen], count: int) -> None:
    for index, (area, text) in enumerate(note_texts(count)):
        writer = phones[(index + index // 4) % len(phones)]
        note = ok(writer.send("note.post", area=area, text=text))["note"]
        built.notes.setdefault(area, []).append(note["id"])
        built.texts[note["id"]] = text

    ok(control.send("phase.move", index=1))  # grouping
    titles = {
        "strengths": ["Ressources humaines", "Territoire"],
        "weaknesses": ["Mobilité", "Moyens"],
        "opportunities": ["Financements", "Nouveaux habitants"],
        "threats": ["Services publics", "Climat"],
    }
    for area, names in titles.items():
        ids = built.notes[area]
        for position, title in enumerate(names):
            group = ok(control.send("group.create", title=title, area=area))["group"]
            built.groups.setdefault(area, []).append(group["id"])
            for note_id in ids[position * 6 : position * 6 + 6]:
                ok(control.send("note.place", id=note_id, group_id=group["id"]))
    threats = built.notes["threats"]
    for note_id in threats[-2:]:
        ok(control.send("note.moderate", id=note_id, hidden=True))
        built.hidden.append(note_id)
    for note_id in threats[-4:-2]:
        ok(control.send("note.merge", id=note_id, into=threats[0]))
        built.merged.append(note_id)
    ok(control.send("note.delete", id=threats[-5]))
    built.deleted.append(threats[-5])

    ok(control.send("phase.move", index=2))  # voting: 3 dots per quadrant, 2 at most per item
    for number, phone in enumerate(phones):
        for area, ids in built.notes.items():
            favourite, other = ids[FAVOURITES[area][number]], ids[6 + number % 5]
            for target in (favourite, favourite, other):
                ok(phone.send("vote.cast", target=f"note:{target}"))
    ok(control.go("results"))  # per quadrant
    ok(control.send("results.reveal", revealed=True))

    ok(control.go("strategies"))
    strengths, chances = built.notes["strengths"], built.notes["opportunities"]
    strategies = {
        "SO": "Monter un consortium associations-entreprises pour les fonds européens",
        "ST": "Un réseau de santé porté par les associations",
        "WO": "Des navettes le soir financées par l'appel à projets",
        "WT": "Mutualiser les moyens des communes",
    }
    for phone, (slot, text) in zip(phones, strategies.items(), strict=False):
        links = [f"note:{strengths[0]}", f"note:{chances[0]}"]
        ok(phone.send("card.add", kind="strategy", slot=slot, text=text, links=links))
    ok(control.go("roadmap"))
    roadmap = {
        "now": "Réunir les élus et les associations",
        "next": "Déposer le dossier européen",
        "later": "Ouvrir la première navette",
    }
    for phone, (slot, text) in zip(phones, roadmap.items(), strict=False):
        ok(phone.send("card.add", kind="roadmap", slot=slot, text=text))
    group_id = built.groups["strengths"][0]
    proposal = ok(control.send("proposal.promote", target=f"group:{group_id}"))["proposal"]
    built.proposal_id = proposal["id"]
    # SWOT has no pledge phase: a coordinator's contact joins from the proposal's page.
    coalition = coalitions.get(proposal["id"])
    with unit_of_work(*coalitions.workshops_of(coalition)):
        coalitions.join(coalition, {"name": "Amina Diallo", "organisation": "Centre social"})
    ok(control.go("synthesis"))


def build_reset_day(app: Flask, facilitator: User) -> Built:
    """A Reset day with group pledges, a canvas, and a proposal joined from a phone."""
    workshop = workshops.create_workshop(
        facilitator, "reset_day", "Reset mobilités", "Se déplacer sans voiture", "en"
    )
    db.session.commit()
    built = Built(workshop)
    control = open_screen(app, workshop, "control", user=facilitator)
    phones = [open_screen(app, workshop, nickname=name) for name in NICKNAMES[:4]]
    try:
        ideas = ["Vélobus", "Autopartage", "Navettes", "Covoiturage"]
        for phone, text in zip(phones, ideas, strict=True):
            note = ok(phone.send("note.post", area="projects", text=text))["note"]
            built.notes.setdefault("projects", []).append(note["id"])
        ok(control.go("grouping"))
        for title, note_ids in (("Vélo", built.notes["projects"][:2]), ("Partage", [])):
            group = ok(control.send("group.create", title=title))["group"]
            built.groups.setdefault("", []).append(group["id"])
            for note_id in note_ids:
                ok(control.send("note.place", id=note_id, group_id=group["id"]))
        ok(control.go("votes_pledges"))
        velo, partage = built.groups[""]
        for phone in phones:
            ok(phone.send("vote.cast", target=f"group:{velo}"))
        ok(phones[0].send("vote.cast", target=f"group:{partage}"))
        ok(phones[0].send("pledge.add", group_id=velo, name="Léa", organisation="Vélo-cité"))
        ok(phones[1].send("pledge.add", group_id=velo, name="", organisation=""))
        ok(control.send("results.reveal", revealed=True))
        ok(control.go("canvas"))
        ok(
            phones[2].send(
                "card.add", kind="canvas", slot="impact", text="Mille trajets", group_id=velo
            )
        )
        ok(
            phones[3].send(
                "card.add", kind="canvas", slot="actors", text="La mairie", group_id=velo
            )
        )
        proposal = ok(control.send("proposal.promote", target=f"group:{velo}"))["proposal"]
        built.proposal_id = proposal["id"]
        ok(control.go("proposals"))
        ok(phones[3].send("proposal.pledge", proposal_id=proposal["id"], name="Yanis"))
    finally:
        for screen in [control, *phones]:
            screen.close()
    return built


@pytest.fixture
def swot(app: Flask, facilitator: User) -> Built:
    return build_swot(app, facilitator)


@pytest.fixture
def reset_day(app: Flask, facilitator: User) -> Built:
    return build_reset_day(app, facilitator)


@pytest.fixture
def staff(client: FlaskClient, facilitator: User) -> FlaskClient:
    """The facilitator's browser, signed in."""
    login(client, facilitator)
    return client


@pytest.fixture
def download(staff: FlaskClient) -> Callable[[Workshop, str], Any]:
    def get(workshop: Workshop, kind: str) -> Any:
        response = staff.get(f"/workshops/{workshop.id}/export.{kind}")
        assert response.status_code == 200, (kind, response.status_code)
        return response

    return get


# Module-scoped: building the full SWOT takes seconds, so a module of tests about it shares
# one. Such a module must not use the function-scoped `app` fixtures, which empty every
# table after each test; its own app empties them when the module ends.


@pytest.fixture(scope="module")
def module_app(database_url: str, channel: str, instance_path: Path) -> Iterator[Flask]:
    os.environ["FABRIQUE_INSTANCE"] = str(instance_path)
    app = create_app(test_config(database_url, channel))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            empty_tables()
            db.engine.dispose()


@pytest.fixture(scope="module")
def owner(module_app: Flask) -> User:
    user = accounts.create_user("owner@example.org", "Camille Martin", PASSWORD, Role.FACILITATOR)
    db.session.commit()
    return user


@pytest.fixture(scope="module")
def full_swot(module_app: Flask, owner: User) -> Built:
    return build_swot(module_app, owner)


@pytest.fixture(scope="module")
def french_workshop(module_app: Flask, owner: User) -> Workshop:
    """A workshop held in French: its synthesis is in French, whoever reads it."""
    workshop = workshops.create_workshop(owner, "swot", "Revitaliser la vallée", "", "fr")
    db.session.commit()
    return workshop


@pytest.fixture(scope="module")
def full_reset_day(module_app: Flask, owner: User) -> Built:
    return build_reset_day(module_app, owner)


@pytest.fixture(scope="module")
def browser(module_app: Flask, owner: User) -> FlaskClient:
    """The owner's browser, signed in, preferring English."""
    client = module_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, owner)
    return client


@pytest.fixture(scope="module")
def exported(browser: FlaskClient) -> Callable[[Workshop, str], Any]:
    """Each export of a workshop, downloaded once per module (the PDF takes seconds)."""
    downloads: dict[tuple[int, str], Any] = {}

    def get(workshop: Workshop, kind: str) -> Any:
        key = (workshop.id, kind)
        if key not in downloads:
            downloads[key] = browser.get(f"/workshops/{workshop.id}/export.{kind}")
        return downloads[key]

    return get


@pytest.fixture
def archive(facilitator, download):
    """The JSON export of a SWOT holding one of every kind of record."""
    return download(every_kind_of_record(facilitator, "swot"), "json").get_json()


@pytest.fixture
def send(staff):
    """Post a file as the import form does; ask for a JSON answer, as a script would. The
    body is encoded here, in memory: the test client would spool a big one to a file it
    never closes."""

    def post(content: bytes):
        token = csrf_token(staff, "/workshops/")
        archive = FileStorage(io.BytesIO(content), "atelier.json", content_type="application/json")
        fields = {"csrf_token": token, "archive": archive}
        boundary, body = encode_multipart(fields)
        return staff.post(
            "/workshops/import",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers={"Accept": "application/json"},
        )

    return post
