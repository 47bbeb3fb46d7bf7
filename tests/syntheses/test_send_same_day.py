"""A synthesis a coordinator sends the same day, read back from each file as its reader
opens it: a French SWOT of 66 notes with its 2×2 grid of rankings per quadrant, its
strategies and the items they draw on, the introduction and conclusions the facilitator
wrote, no page left with only the licence, CSV that a French spreadsheet splits into
columns, and the pledges made on a Reset day's groups."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from typing import Any

import docx
import pytest
from odfdo import Document
from sqlalchemy import func, select

from facilitation.extensions import db
from facilitation.notes.models import Note

from ..conftest import csrf_token
from .conftest import ARTIFACTS, build_swot

INTRODUCTION = "Soixante habitants réunis à la salle des fêtes.\nDeux heures d'atelier."
CONCLUSIONS = "Prochaine réunion en janvier : <b>pas du HTML</b> & **pas du Markdown**"
QUADRANTS = ["Forces", "Faiblesses", "Opportunités", "Menaces"]


@pytest.fixture(scope="module")
def swot66(module_app, owner, browser):
    """A French SWOT of 66 notes; the facilitator writes the introduction and conclusions
    in the form beside the export links."""
    built = build_swot(module_app, owner, notes=66, language="fr")
    control = f"/workshops/{built.workshop.id}/control"
    response = browser.post(
        f"/workshops/{built.workshop.id}/synthesis-texts",
        data={
            "csrf_token": csrf_token(browser, control),
            "introduction": INTRODUCTION,
            "conclusions": CONCLUSIONS,
        },
    )
    assert response.status_code == 302
    return built


def pdf_pages(body: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


def formatted(odt: Document) -> str:
    """The ODT's text as odfdo reads it, a line per paragraph or heading."""
    return "\n".join(e.get_formatted_text() for e in odt.body.get_elements("//text:h | //text:p"))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- The facilitator's own words --------------------------------------------------------


def test_the_introduction_and_conclusions_open_and_close_the_synthesis(swot66, exported):
    page = exported(swot66.workshop, "html").get_data(as_text=True)
    assert "Soixante habitants réunis à la salle des fêtes.\nDeux heures" in page
    assert page.index("<h2>Introduction</h2>") < page.index("<h2>Participation</h2>")
    assert page.index("<h2>Conclusions</h2>") < page.index("<h2>Déroulé</h2>")
    # Written as text: the markup shows as typed, it does not become markup.
    assert "&lt;b&gt;pas du HTML&lt;/b&gt; &amp; **pas du Markdown**" in page
    markdown = exported(swot66.workshop, "md").get_data(as_text=True)
    assert "\\*\\*pas du Markdown\\*\\*" in markdown
    assert markdown.index("## Introduction") < markdown.index("## Conclusions")


def test_text_too_long_is_refused_with_the_reason_and_nothing_changes(swot66, browser):
    workshop = swot66.workshop
    control = f"/workshops/{workshop.id}/control"
    response = browser.post(
        f"/workshops/{workshop.id}/synthesis-texts",
        data={
            "csrf_token": csrf_token(browser, control),
            "introduction": "x" * 4001,
            "conclusions": "Autre chose",
        },
        follow_redirects=True,
    )
    assert "4000" in response.get_data(as_text=True)
    db.session.refresh(workshop)
    assert workshop.synthesis_introduction == INTRODUCTION
    assert workshop.synthesis_conclusions == CONCLUSIONS


def test_the_control_page_shows_what_was_written_as_text(swot66, browser):
    page = browser.get(f"/workshops/{swot66.workshop.id}/control").get_data(as_text=True)
    assert "&lt;b&gt;pas du HTML&lt;/b&gt;" in page
    assert 'name="introduction"' in page
    assert 'maxlength="4000"' in page


def test_someone_else_cannot_write_them(swot66, module_app):
    client = module_app.test_client()
    response = client.post(
        f"/workshops/{swot66.workshop.id}/synthesis-texts", data={"introduction": "Piraté"}
    )
    assert response.status_code in (302, 400, 401, 403)
    db.session.refresh(swot66.workshop)
    assert swot66.workshop.synthesis_introduction == INTRODUCTION


# --- The SWOT grid ------------------------------------------------------------------------


def test_the_pdf_has_the_swot_grid_and_no_page_with_only_the_licence(swot66, exported):
    body = exported(swot66.workshop, "pdf").get_data()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "swot66-fr.pdf").write_bytes(body)
    pages = pdf_pages(body)
    text = flat(" ".join(pages))
    grid = text.index("Résultats par zone")
    assert [text.index(label, grid) for label in QUADRANTS] == sorted(
        text.index(label, grid) for label in QUADRANTS
    )
    assert "Soixante habitants" in text
    assert "Prochaine réunion en janvier" in text
    last = flat(pages[-1])
    assert "Cette synthèse est publiée sous la licence" in last
    # The licence shares its page with the end of the synthesis.
    assert "Déroulé" in last or "Synthèse" in last.replace("Cette synthèse", "")


def test_each_quadrant_ranks_its_own_notes_by_dots(swot66, exported):
    odt = Document(io.BytesIO(exported(swot66.workshop, "odt").get_data()))
    table = odt.body.get_table(name="Quadrants")
    cells = [
        [p.inner_text for p in cell.get_elements("text:p")]
        for row in table.get_elements("table:table-row")
        for cell in row.get_elements("table:table-cell")
    ]
    assert [cell[0] for cell in cells] == QUADRANTS
    for cell in cells:
        ranked = [line for line in cell[1:] if re.match(r"=?\d+\. ", line)]
        dots = [int(re.search(r"\((\d+)\)$", line).group(1)) for line in ranked]
        assert dots == sorted(dots, reverse=True)
        assert dots
        assert re.match(r"=?1\. ", cell[1])
    strengths = dict(zip(["strengths"], [cells[0]], strict=True))["strengths"]
    top = swot66.texts[swot66.notes["strengths"][0]]
    assert strengths[1] == f"1. {top} (8)"  # four participants' two dots


def test_the_docx_has_the_grid_as_a_two_by_two_table(swot66, exported):
    document = docx.Document(io.BytesIO(exported(swot66.workshop, "docx").get_data()))
    grid = next(t for t in document.tables if t.rows[0].cells[0].paragraphs[0].text == "Forces")
    assert len(grid.rows) == 2
    assert len(grid.columns) == 2
    titles = [cell.paragraphs[0].text for row in grid.rows for cell in row.cells]
    assert titles == QUADRANTS
    assert re.match(r"=?1\. ", grid.rows[1].cells[1].paragraphs[1].text)


def test_the_markdown_has_a_section_per_quadrant(swot66, exported):
    markdown = exported(swot66.workshop, "md").get_data(as_text=True)
    grid = markdown.index("## Résultats par zone")
    positions = [markdown.index(f"### {label}", grid) for label in QUADRANTS]
    assert positions == sorted(positions)
    assert positions[-1] < markdown.index("## Résultats des votes")


# --- Strategies and what they draw on ------------------------------------------------------


def test_strategies_show_the_notes_they_draw_on_in_every_format(swot66, exported):
    strength = swot66.texts[swot66.notes["strengths"][0]]
    chance = swot66.texts[swot66.notes["opportunities"][0]]
    page = exported(swot66.workshop, "html").get_data(as_text=True)
    strategies = page[page.index("<h2>Stratégies</h2>") :]
    assert f"{strength} <em>(Forces)</em>" in strategies
    assert f"{chance} <em>(Opportunités)</em>" in strategies
    odt = Document(io.BytesIO(exported(swot66.workshop, "odt").get_data()))
    line = next(
        p.get_formatted_text().strip()
        for p in odt.body.get_paragraphs()
        if p.inner_text.startswith("Monter un consortium")
    )
    assert line == (
        "Monter un consortium associations-entreprises pour les fonds européens"
        f" — S'appuie sur : {strength} (Forces); {chance} (Opportunités)"
    )
    document = docx.Document(io.BytesIO(exported(swot66.workshop, "docx").get_data()))
    assert any(
        p.text.startswith("Des navettes le soir") and f"{strength} (Forces)" in p.text
        for p in document.paragraphs
    )
    markdown = exported(swot66.workshop, "md").get_data(as_text=True)
    assert "S'appuie sur : Tissu associatif dense et engagé *(Forces)*" in markdown


# --- Spaces, groups, CSV --------------------------------------------------------------------


def test_the_odt_keeps_the_spaces_between_a_text_and_what_follows(swot66, exported):
    odt = Document(io.BytesIO(exported(swot66.workshop, "odt").get_data()))
    text = formatted(odt)
    assert "Nouveaux habitants — " in text
    assert re.search(r"Tissu associatif dense et engagé \(\d+\)", text)
    counted = [line for line in text.splitlines() if re.search(r"\(\d+\)$", line)]
    assert counted
    assert all(re.search(r" \(\d+\)$", line) for line in counted)


def test_a_group_counts_its_own_dots_and_its_notes(swot66, exported):
    group_id = swot66.groups["strengths"][0]
    total = db.session.scalar(
        select(func.sum(Note.dots)).where(Note.group_id == group_id, Note.hidden.is_(False))
    )
    assert total > 0
    page = exported(swot66.workshop, "html").get_data(as_text=True)
    assert f'Ressources humaines <span class="dots-badge">{total} gommettes</span>' in page


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_a_french_spreadsheet_opens_the_notes_in_columns_with_groups_named(swot66, exported):
    rows = read_csv(exported(swot66.workshop, "notes.csv").get_data())
    header, rest = rows[0], rows[1:]
    assert header == ["id", "area", "group", "text", "author", "dots", "status", "created_at"]
    assert len(rest) == 66
    assert all(len(row) == 8 for row in rest)
    groups = {row[2] for row in rest}
    assert {"Ressources humaines", "Territoire", "Mobilité", "Nouveaux habitants"} <= groups
    assert not any(group.isdigit() for group in groups)


def test_a_french_spreadsheet_opens_the_votes_in_columns(swot66, exported):
    rows = read_csv(exported(swot66.workshop, "votes.csv").get_data())
    assert rows[0] == ["rank", "tied", "target", "label", "area", "group", "dots"]
    assert all(len(row) == 7 for row in rows)
    assert "Ressources humaines" in {row[5] for row in rows}


# --- Pledges on groups ------------------------------------------------------------------------


def pledges_line(page: str, group: str) -> str:
    start = page.index(f"<h4>{group}")
    return flat(re.sub(r"<[^>]+>", "", page[start : page.index("<ul>", start)]))


def test_the_pledges_made_on_a_group_are_shown_with_who_made_them(full_reset_day, exported):
    """Léa gave her name; Karim gave none and is shown by his nickname."""
    page = exported(full_reset_day.workshop, "html").get_data(as_text=True)
    line = pledges_line(page, "Vélo")
    assert "2 pledges: Léa, Karim" in line
    odt = Document(io.BytesIO(exported(full_reset_day.workshop, "odt").get_data()))
    assert "2 pledges: Léa, Karim" in formatted(odt)
    markdown = exported(full_reset_day.workshop, "md").get_data(as_text=True)
    assert "2 pledges: Léa, Karim" in markdown


def test_a_group_with_dots_but_no_notes_still_shows(full_reset_day, exported):
    page = exported(full_reset_day.workshop, "html").get_data(as_text=True)
    assert "<h4>Partage" in page


def write_pdf_pages(built: Any, exported: Any, name: str) -> None:
    """The pages as PNG, to look at (artifacts/exports)."""
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(exported(built.workshop, "pdf").get_data())
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(ARTIFACTS / name)], check=True, timeout=60
    )


def test_the_pages_are_kept_to_look_at(swot66, full_reset_day, exported):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    write_pdf_pages(swot66, exported, "swot66-fr")
    write_pdf_pages(full_reset_day, exported, "reset-day")
    assert list(ARTIFACTS.glob("swot66-fr-*.png"))
