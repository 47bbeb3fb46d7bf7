"""The ratings in every synthesis format, in French and English — per item a radar of the
seven qualities and, per quality, the median, the spread and the distribution; the raw
ratings in a CSV that names nobody; the counts and results in the REST API."""

from __future__ import annotations

import csv
import io
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

from .conftest import ARTIFACTS, ok, open_screen

QUALITIES = [
    "inclusive", "frugal", "democratic", "protective", "innovative", "capacitating", "equitable",
]  # fmt: skip
# Three participants rate two proposals on the seven qualities (1 to 5).
VALUES = {
    "Coalition vélo": [[5, 4, 3, 4, 2, 5, 4], [4, 5, 3, 3, 3, 4, 4], [5, 5, 2, 4, 3, 4, 5]],
    "Coalition cantines": [[3, 5, 2, 3, 3, 2, 4], [2, 4, 3, 4, 2, 3, 3], [3, 4, 2, 3, 1, 2, 4]],
}


def rated_day(app, facilitator, language: str, reveal: bool = True):
    """A Reset day whose two proposals three phones rated on the seven qualities."""
    with unit_of_work():
        workshop = workshops.create_workshop(
            facilitator, "reset_day", "Reset", "Et après ?", language
        )
    control = open_screen(app, workshop, "control", user=facilitator)
    phones = [open_screen(app, workshop, nickname=name) for name in ("Alix", "Bao", "Chloé")]
    try:
        items = []
        for title in VALUES:
            group = ok(control.send("group.create", title=title))["group"]["id"]
            proposal = ok(control.send("proposal.promote", target=f"group:{group}"))["proposal"]
            items.append(f"proposal:{proposal['id']}")
        ok(control.go("qualities"))
        for item, rows in zip(items, VALUES.values(), strict=True):
            for phone, values in zip(phones, rows, strict=True):
                for quality, value in zip(QUALITIES, values, strict=True):
                    ok(phone.send("rate.cast", item=item, criterion=quality, value=value))
        if reveal:
            ok(control.send("ratings.reveal", revealed=True))
    finally:
        for screen in (control, *phones):
            screen.close()
    return workshop


@pytest.fixture
def french(app, facilitator):
    return rated_day(app, facilitator, "fr")


def section(markdown: str, title: str) -> str:
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^#)", markdown, re.S | re.M)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_the_markdown_gives_each_quality_its_median_spread_and_distribution(french, download):
    """In French, with a decimal comma: "0,5 (4,5–5)"."""
    text = download(french, "md").get_data(as_text=True)
    assert "## Évaluations — Les sept qualités" in text
    assert "Participants ayant évalué : 3" in text
    assert "Échelle : 1 = Pas du tout … 5 = Pleinement" in text
    velo = section(text, "Coalition vélo")
    assert "| Critère | Médiane | Dispersion (Q1–Q3) | Réponses | Distribution |" in velo
    assert "| Inclusif | 5 | 0,5 (4,5–5) | 3 | 1: 0 · 2: 0 · 3: 0 · 4: 1 · 5: 2 |" in velo
    cantines = section(text, "Coalition cantines")
    assert "| Innovant | 2 | 1 (1,5–2,5) | 3 | 1: 1 · 2: 1 · 3: 1 · 4: 0 · 5: 0 |" in cantines


def test_the_english_synthesis_says_the_same_in_english(app, facilitator, download):
    text = download(rated_day(app, facilitator, "en"), "md").get_data(as_text=True)
    assert "## Ratings — The seven qualities" in text
    assert "Scale: 1 = Not at all … 5 = Fully" in text
    assert "| Equitable | 4 | 0.5 (4–4.5) | 3 |" in section(text, "Coalition vélo")  # a point
    page = download(rated_day(app, facilitator, "en"), "html").get_data(as_text=True)
    assert "<td>0.5 (4–4.5)</td>" in page


def test_the_html_draws_a_radar_per_proposal(french, download):
    page = download(french, "html").get_data(as_text=True)
    radars = re.findall(r'<figure class="radar">(.*?)</figure>', page, re.S)
    assert len(radars) == 2
    labels = re.findall(r'font-weight="bold" fill="#1b1f24">([^<]+)', radars[0])
    assert [label.strip() for label in labels] == [
        "Inclusif", "Frugal", "Démocratique", "Protecteur", "Innovant", "Capacitant", "Équitable",
    ]  # fmt: skip
    assert 'aria-label="Radar de Coalition vélo' in radars[0]
    assert radars[0].count("<circle") == 7
    assert "<td>0,5 (4,5–5)</td>" in page  # the decimal comma of French


def test_the_pdf_holds_the_radars_and_the_tables(french, download):
    pdf = download(french, "pdf").get_data()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ratings.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert "Évaluations — Les sept qualités" in text
    assert text.index("Coalition vélo", text.index("Évaluations")) < text.index("Médiane")
    assert "Capacitant" in text


def test_the_odt_and_docx_carry_a_radar_picture_per_proposal(french, download):
    odt_bytes = download(french, "odt").get_data()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ratings.odt").write_bytes(odt_bytes)  # its radars, to look at
    odt = Document(io.BytesIO(odt_bytes))
    text = "\n".join(e.inner_text for e in odt.body.get_elements("//text:h | //text:p"))
    assert "Évaluations — Les sept qualités" in text
    assert len([part for part in odt.get_parts() if part.startswith("Pictures/radar")]) == 2
    word = docx.Document(io.BytesIO(download(french, "docx").get_data()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Évaluations — Les sept qualités" in headings
    assert len(word.inline_shapes) == 2  # the two radars (no vote: no results chart)
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "Équitable" in cells
    assert "0,5 (4,5–5)" in cells


def test_the_ratings_csv_numbers_participants_and_names_nobody(french, download):
    body = download(french, "ratings.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 2 * 3 * 7
    assert {row["participant"] for row in rows} == {"1", "2", "3"}
    assert {row["label"] for row in rows} == set(VALUES)
    assert {row["criterion"] for row in rows} == set(QUALITIES)
    nicknames = db.session.scalars(
        select(Participant.nickname).where(Participant.workshop_id == french.id)
    ).all()
    assert not any(name and name in body for name in nicknames)
    inclusive = [
        r["value"] for r in rows if r["label"] == "Coalition vélo" and r["criterion"] == "inclusive"
    ]
    assert sorted(inclusive) == ["4", "5", "5"]


def test_ratings_never_revealed_are_still_in_the_staffs_synthesis(app, facilitator, download):
    workshop = rated_day(app, facilitator, "fr", reveal=False)
    assert "## Évaluations — Les sept qualités" in download(workshop, "md").get_data(as_text=True)


def api(staff, workshop) -> Any:
    return staff.get(f"/api/workshops/{workshop.id}/ratings").get_json()


def test_the_api_gives_the_staff_the_counts_and_the_results(french, staff):
    body = api(staff, french)
    counts = body["counts"]["qualities"]
    assert counts["participants"] == 3
    assert all(count == 3 for item in counts["items"].values() for count in item.values())
    (phase,) = body["phases"]
    assert (phase["phase"], phase["revealed"], phase["target"]) == ("qualities", True, "proposals")
    velo = phase["items"][0]["criteria"]["inclusive"]
    assert velo == {"n": 3, "distribution": [0, 0, 0, 1, 2], "median": 5.0, "q1": 4.5, "q3": 5.0}
