"""The revealed opinion map in every synthesis format, in French and English; the raw
answers in a CSV that names nobody; the map and the counts in the REST API."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from typing import Any

import docx
import pytest
from odfdo import Document
from sqlalchemy import select

from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.participants.models import Participant
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from ..reactions.camps import seat_two_camps
from .archives import imported_id
from .conftest import ARTIFACTS, ok, open_screen

NOTES = [
    "Un atelier de réparation de vélos",
    "Une cantine bio et locale",
    "Des jardins partagés",
    "Une ressourcerie",
    "Un café associatif",
    "Interdire les voitures le samedi",
    "Supprimer des places de stationnement",
    "Une taxe sur les grandes surfaces",
    "Des trajets sûrs pour les écoliers",
    "Moins de gaspillage à la cantine",
]
AGREED, SPLIT = [0, 1, 2, 3, 4, 8, 9], [5, 6, 7]


def room(app, facilitator, language: str, reveal: bool = True, camps: bool = True):
    """A Reset day whose ten notes two camps of seven answered (camp A against notes 6–8,
    camp B for them), the map revealed."""
    with unit_of_work():
        workshop = workshops.create_workshop(
            facilitator, "reset_day", "Reset", "Et après ?", language
        )
    control = open_screen(app, workshop, "control", user=facilitator)
    phone = open_screen(app, workshop, nickname="Alix")
    try:
        ids = [ok(phone.send("note.post", area="projects", text=t))["note"]["id"] for t in NOTES]
        ok(control.go("react"))
        if camps:
            seat_two_camps(workshop.id, [ids[i] for i in AGREED], [], [ids[i] for i in SPLIT])
        else:
            ok(phone.send("react.cast", note_id=ids[0], value=1))
        if reveal:
            ok(control.send("opinions.reveal", revealed=True))
    finally:
        control.close()
        phone.close()
    return workshop


@pytest.fixture
def french(app, facilitator):
    return room(app, facilitator, "fr")


@pytest.fixture
def english(app, facilitator):
    return room(app, facilitator, "en")


def section(markdown: str, title: str) -> str:
    """A '### title' section of the Markdown synthesis, up to the next heading."""
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^#)", markdown, re.S | re.M)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_the_markdown_names_the_groups_what_unites_and_what_divides(french, download):
    text = download(french, "md").get_data(as_text=True)
    assert "## Ce que pense la salle" in text
    assert "Participants ayant répondu : 14 · Réponses : 140 · Sur la carte : 14" in text
    groups = section(text, "Groupes d'opinion")
    assert "**Groupe A** — 7 personnes" in groups
    assert "**Groupe B** — 7 personnes" in groups
    together, divided = section(text, "Ce qui nous rassemble"), section(text, "Ce qui nous divise")
    assert all(NOTES[i] in together for i in AGREED)
    assert all(NOTES[i] in divided and NOTES[i] not in together for i in SPLIT)
    assert "A 0\u202f%, B 100\u202f%" in divided or "A 100\u202f%, B 0\u202f%" in divided
    apart = section(text, "Ce qui distingue chaque groupe")
    assert "*Plus en désaccord* : Interdire les voitures le samedi" in apart
    assert "*Plus d'accord* : Interdire les voitures le samedi" in apart


def test_the_english_synthesis_says_the_same_in_english(english, download):
    text = download(english, "md").get_data(as_text=True)
    assert "## What the room thinks" in text
    assert "- **Group A** — 7 people" in text
    assert NOTES[9] in section(text, "What brings us together")
    assert "A 0%, B 100%" in section(text, "What divides us") or "A 100%, B 0%" in text


def test_the_html_draws_the_map_as_svg_with_every_participant(french, download):
    page = download(french, "html").get_data(as_text=True)
    svg = re.search(r'<figure class="opinion-map">(.*?)</figure>', page, re.S).group(1)
    assert sum(int(n) for n in re.findall(r'data-count="(\d+)"', svg)) == 14
    assert re.findall(r">([AB])</text>", svg) == ["A", "B"]
    assert 'aria-label="Carte des opinions : 14 participants en 2 groupes"' in svg


def test_the_pdf_holds_the_map_and_its_lists(french, download):
    pdf = download(french, "pdf").get_data()
    (ARTIFACTS / "opinions.pdf").parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "opinions.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    order = ["Ce que pense la salle", "Groupes d'opinion", "Ce qui nous rassemble"]
    assert [text.index(title) for title in order] == sorted(text.index(t) for t in order)
    assert "Ce qui nous divise" in text
    assert NOTES[5] in text


def test_the_odt_and_docx_carry_the_map_as_a_picture_and_the_lists(french, download):
    odt = Document(io.BytesIO(download(french, "odt").get_data()))
    text = "\n".join(e.inner_text for e in odt.body.get_elements("//text:h | //text:p"))
    assert "Ce que pense la salle" in text
    assert "Ce qui distingue chaque groupe" in text
    assert "Pictures/opinion-map.png" in odt.get_parts()
    word = docx.Document(io.BytesIO(download(french, "docx").get_data()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Ce que pense la salle" in headings
    assert "Ce qui nous divise" in headings
    assert any(NOTES[5] in p.text and "B 100\u202f%" in p.text for p in word.paragraphs)
    assert len(word.inline_shapes) == 1  # the map (no vote: no results chart)


def test_the_answers_csv_numbers_participants_and_names_nobody(french, download):
    body = download(french, "reactions.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 140
    assert {row["participant"] for row in rows} == {str(n) for n in range(1, 15)}
    assert {row["answer"] for row in rows} == {"agree", "disagree"}
    nicknames = db.session.scalars(
        select(Participant.nickname).where(Participant.workshop_id == french.id)
    ).all()
    assert len(nicknames) == 15  # Alix, who wrote the notes, and the two camps
    assert not any(name and name in body for name in nicknames)
    first = [row for row in rows if row["text"] == NOTES[5]]
    assert sorted(row["answer"] for row in first) == ["agree"] * 7 + ["disagree"] * 7


def test_a_map_never_revealed_is_not_in_the_synthesis(app, facilitator, download):
    workshop = room(app, facilitator, "fr", reveal=False)
    assert "Ce que pense la salle" not in download(workshop, "md").get_data(as_text=True)


def test_a_map_below_the_minimum_says_why_instead_of_drawing(app, facilitator, download):
    workshop = room(app, facilitator, "fr", camps=False)
    text = download(workshop, "md").get_data(as_text=True)
    assert "**Pas de carte des opinions** : Trop peu de personnes" in text
    page = download(workshop, "html").get_data(as_text=True)
    assert "opinion-map" not in page.split("<style>")[0] + page.split("</style>")[1]


def api(staff, workshop) -> Any:
    return staff.get(f"/api/workshops/{workshop.id}/opinions")


def test_the_api_gives_the_staff_each_notes_counts_and_the_map(french, staff):
    body = api(staff, french).get_json()
    assert body["counts"]["participants"] == 14
    assert sorted(c["agree"] for c in body["counts"]["items"].values()) == [7] * 3 + [14] * 7
    assert len(body["opinions"]["groups"]) == 2
    assert {d["text"] for d in body["opinions"]["divisive"]} == {NOTES[i] for i in SPLIT}
    assert len(body["opinions"]["dots"]) == 14


def test_the_api_says_null_while_the_map_is_hidden(app, facilitator, staff):
    workshop = room(app, facilitator, "fr", reveal=False)
    body = api(staff, workshop).get_json()
    assert body["opinions"] is None
    assert body["counts"]["participants"] == 14


def test_an_imported_archive_keeps_the_revealed_map(french, download, send):
    archive = download(french, "json").get_json()
    assert archive["workshop"]["opinions_revealed"] is True
    new_id = imported_id(send(json.dumps(archive).encode()))
    db.session.rollback()
    imported = db.session.get(Workshop, new_id)
    opinions = section_of(download(imported, "md").get_data(as_text=True))
    assert opinions == section_of(download(french, "md").get_data(as_text=True))
    assert "**Groupe A** — 7 personnes" in opinions


def test_an_archive_without_the_flag_imports_with_the_map_hidden(french, download, send):
    archive = download(french, "json").get_json()
    del archive["workshop"]["opinions_revealed"]  # an archive made before it was carried
    new_id = imported_id(send(json.dumps(archive).encode()))
    db.session.rollback()
    imported = db.session.get(Workshop, new_id)
    assert "Ce que pense la salle" not in download(imported, "md").get_data(as_text=True)


def section_of(markdown: str) -> str:
    """The Markdown synthesis's opinion section, from its title to the next section."""
    return markdown.split("## Ce que pense la salle")[1].split("\n## ")[0]
