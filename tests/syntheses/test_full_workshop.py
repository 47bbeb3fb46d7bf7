"""A full SWOT (200 notes, eight participants) and a Reset day, exported in every format:
the files open, read back with their own libraries, and hold what the HTML synthesis
holds. The PDF is turned into PNG pages under artifacts/exports/ for people to look at.

Every test here shares the module's workshops (see conftest.module_app).
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import zipfile

import docx
import pytest
from odfdo import Document
from PIL import Image

from facilitation.extensions import db
from facilitation.syntheses import jsonio
from facilitation.syntheses.exports import EXPORTS
from facilitation.votes import services as votes

from ..conftest import csrf_token
from .conftest import ARTIFACTS

PNG = b"\x89PNG\r\n\x1a\n"
SIGNATURES = {
    "md": b"# Revitaliser",
    "html": b"<!doctype html>",
    "pdf": b"%PDF-",
    "notes.csv": "\ufeffid,area".encode(),
    "votes.csv": "\ufeffrank,tied".encode(),
    "reactions.csv": "\ufeffnote,area".encode(),
    "ratings.csv": "\ufeffphase,item".encode(),
    "polls.csv": "\ufeffpoll,question".encode(),
    "json": b"{",
    "odt": b"PK",
    "docx": b"PK",
}
MEDIA_TYPES = {
    "md": "text/markdown",
    "html": "text/html",
    "pdf": "application/pdf",
    "notes.csv": "text/csv",
    "votes.csv": "text/csv",
    "reactions.csv": "text/csv",
    "ratings.csv": "text/csv",
    "polls.csv": "text/csv",
    "json": "application/json",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def html_sections(page: bytes) -> list[str]:
    """The section titles (h2) of the HTML synthesis, as a reader sees them."""
    found = re.findall(r"<h2>(.*?)</h2>", page.decode(), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", title)).strip() for title in found]


def odt_of(body: bytes) -> Document:
    return Document(io.BytesIO(body))


def odt_sections(document: Document) -> list[str]:
    return [h.inner_text for h in document.body.get_headers() if h.level == "2"]


def odt_text(document: Document) -> str:
    """Every heading and paragraph, in document order, one a line."""
    return "\n".join(e.inner_text for e in document.body.get_elements("//text:h | //text:p"))


def odt_rows(document: Document, name: str) -> list[list[str]]:
    table = document.body.get_table(name=name)
    return [
        [cell.text_content for cell in row.get_elements("table:table-cell")]
        for row in table.get_elements("descendant::table:table-row")
    ]


def docx_sections(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 2"]


def docx_rows(document: docx.document.Document, header: list[str]) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0] == header:
            return rows
    raise AssertionError(f"no table headed {header}")


def docx_text(document: docx.document.Document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --- Every format --------------------------------------------------------------------


def test_the_export_list_is_the_nine_formats():
    assert set(EXPORTS) == set(MEDIA_TYPES)


@pytest.mark.parametrize("kind", list(MEDIA_TYPES))
def test_every_format_downloads_for_a_full_workshop(full_swot, exported, kind):
    response = exported(full_swot.workshop, kind)
    assert response.status_code == 200
    assert response.mimetype == MEDIA_TYPES[kind]
    assert response.get_data().startswith(SIGNATURES[kind])
    disposition = response.headers["Content-Disposition"]
    assert disposition.endswith(f'filename="revitaliser-la-vallee.{kind}"')


# --- PDF -----------------------------------------------------------------------------


def test_the_pdf_turns_into_a4_pages(full_swot, exported):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "swot.pdf"
    pdf.write_bytes(exported(full_swot.workshop, "pdf").get_data())
    for old in ARTIFACTS.glob("swot-pdf-*.png"):
        old.unlink()
    command = ["pdftoppm", "-r", "80", "-png", str(pdf), str(ARTIFACTS / "swot-pdf")]
    subprocess.run(command, check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob("swot-pdf-*.png"))
    assert len(pages) >= 5
    with Image.open(pages[0]) as first:
        width, height = first.size
    assert height / width == pytest.approx(297 / 210, abs=0.01)


def test_the_pdf_text_has_the_sections_in_order(full_swot, exported):
    pdf = exported(full_swot.workshop, "pdf").get_data()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    sections = html_sections(exported(full_swot.workshop, "html").get_data())
    positions = [text.find(title) for title in sections]
    assert -1 not in positions, sections
    assert positions == sorted(positions)


# --- ODT -----------------------------------------------------------------------------


def test_the_odt_has_the_sections_of_the_html_synthesis(full_swot, exported):
    document = odt_of(exported(full_swot.workshop, "odt").get_data())
    sections = html_sections(exported(full_swot.workshop, "html").get_data())
    assert odt_sections(document) == sections
    assert {"Strategies", "Roadmap", "Proposals"} <= set(sections)


def test_the_odt_headings_are_real_heading_styles(full_swot, exported):
    document = odt_of(exported(full_swot.workshop, "odt").get_data())
    headers = document.body.get_headers()
    assert headers[0].level == "1"
    assert headers[0].inner_text == "Revitaliser la vallée"
    assert {h.style for h in headers} == {f"Heading_20_{n}" for n in (1, 2, 3, 4)}


def test_the_odt_results_table_has_a_row_per_ranked_item(full_swot, exported):
    document = odt_of(exported(full_swot.workshop, "odt").get_data())
    rows = odt_rows(document, "Results")
    results = votes.results(full_swot.workshop)
    assert rows[0] == ["Rank", "Item", "Dots"]
    assert len(rows) == 1 + len(results)
    assert rows[1] == [
        f"{'=' if results[0]['tied'] else ''}{results[0]['rank']}",
        results[0]["label"],
        str(results[0]["dots"]),
    ]


def test_the_odt_embeds_the_results_chart(full_swot, exported):
    body = exported(full_swot.workshop, "odt").get_data()
    document = odt_of(body)
    frame = document.body.get_frame(name="chart")
    assert frame.get_element("draw:image").url == "Pictures/chart.png"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.read("Pictures/chart.png").startswith(PNG)
        assert "image/png" in archive.read("META-INF/manifest.xml").decode()


def test_the_odt_holds_the_visible_notes_and_not_the_hidden_ones(full_swot, exported):
    text = odt_text(odt_of(exported(full_swot.workshop, "odt").get_data()))
    strengths = full_swot.notes["strengths"]
    assert full_swot.texts[strengths[1]] in text
    for note_id in full_swot.hidden + full_swot.merged + full_swot.deleted:
        assert full_swot.texts[note_id] not in text


def test_the_odt_names_the_proposal_and_its_members(full_swot, exported):
    text = odt_text(odt_of(exported(full_swot.workshop, "odt").get_data()))
    assert "Ressources humaines — Proposed" in text
    assert "Amina Diallo (Centre social)" in text


def test_the_odt_is_in_the_workshops_language_with_its_licence(french_workshop, exported):
    document = odt_of(exported(french_workshop, "odt").get_data())
    assert document.get_language() == "fr-FR"
    areas = [h.inner_text for h in document.body.get_headers() if h.level == "3"][:4]
    assert areas == ["Forces", "Faiblesses", "Opportunités", "Menaces"]  # not the reader's
    assert document.meta.title == "Revitaliser la vallée"
    link = document.body.get_links()[-1]
    assert link.url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert link.inner_text == "CC BY-SA 4.0"


def test_the_odt_of_a_reset_day_shows_its_coalition_canvas(full_reset_day, exported):
    document = odt_of(exported(full_reset_day.workshop, "odt").get_data())
    assert "Coalition canvas — Vélo" in odt_sections(document)
    assert "Mille trajets" in odt_text(document)


# --- DOCX ----------------------------------------------------------------------------


def test_the_docx_has_the_sections_of_the_html_synthesis(full_swot, exported):
    document = docx.Document(io.BytesIO(exported(full_swot.workshop, "docx").get_data()))
    sections = html_sections(exported(full_swot.workshop, "html").get_data())
    assert docx_sections(document) == sections


def test_the_docx_results_table_has_a_row_per_ranked_item(full_swot, exported):
    document = docx.Document(io.BytesIO(exported(full_swot.workshop, "docx").get_data()))
    rows = docx_rows(document, ["Rank", "Item", "Dots"])
    results = votes.results(full_swot.workshop)
    assert len(rows) == 1 + len(results)
    assert rows[-1][1:] == [results[-1]["label"], str(results[-1]["dots"])]


def test_the_docx_embeds_the_results_chart(full_swot, exported):
    document = docx.Document(io.BytesIO(exported(full_swot.workshop, "docx").get_data()))
    (chart,) = document.inline_shapes
    blip = chart._inline.graphic.graphicData.pic.blipFill.blip
    assert document.part.related_parts[blip.embed].blob.startswith(PNG)
    assert chart._inline.docPr.get("descr") == "Vote results"


def test_the_docx_holds_the_visible_notes_and_not_the_hidden_ones(full_swot, exported):
    document = docx.Document(io.BytesIO(exported(full_swot.workshop, "docx").get_data()))
    text = docx_text(document)
    assert full_swot.texts[full_swot.notes["opportunities"][2]] in text
    for note_id in full_swot.hidden + full_swot.merged + full_swot.deleted:
        assert full_swot.texts[note_id] not in text


def test_the_docx_is_in_the_workshops_language_with_its_licence(french_workshop, exported):
    document = docx.Document(io.BytesIO(exported(french_workshop, "docx").get_data()))
    assert document.core_properties.language == "fr-FR"
    assert document.core_properties.title == "Revitaliser la vallée"
    licence = document.paragraphs[-1]
    assert licence.text.startswith("Cette synthèse est publiée sous la licence CC BY-SA 4.0")
    assert licence.hyperlinks[0].address == "https://creativecommons.org/licenses/by-sa/4.0/"


def test_the_docx_of_a_reset_day_lists_the_proposal_members(full_reset_day, exported):
    document = docx.Document(io.BytesIO(exported(full_reset_day.workshop, "docx").get_data()))
    text = docx_text(document)
    assert "Coalition canvas — Vélo" in docx_sections(document)
    assert "3 members: Léa (Vélo-cité), Karim, Yanis" in text


def test_the_exports_are_kept_to_look_at(full_swot, full_reset_day, exported):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, built in (("swot", full_swot), ("reset-day", full_reset_day)):
        for kind in ("odt", "docx", "html", "md"):
            body = exported(built.workshop, kind).get_data()
            (ARTIFACTS / f"{name}.{kind}").write_bytes(body)
    assert (ARTIFACTS / "swot.odt").stat().st_size > 10_000


# --- JSON round trip -----------------------------------------------------------------


def import_archive(browser, archive: bytes):
    token = csrf_token(browser, "/workshops/")
    return browser.post(
        "/workshops/import",
        data={"csrf_token": token, "archive": (io.BytesIO(archive), "atelier.json")},
        content_type="multipart/form-data",
    )


def test_the_swot_archive_holds_every_kind_of_record(full_swot, exported):
    archive = exported(full_swot.workshop, "json").get_json()
    notes = archive["notes"]
    assert len(notes) == 200
    assert sum(n["hidden"] for n in notes) == 2
    assert sum(n["merged_into"] is not None for n in notes) == 2
    assert sum(n["deleted_at"] is not None for n in notes) == 1
    assert len(archive["votes"]) > 50
    assert {c["kind"] for c in archive["cards"]} == {"strategy", "roadmap"}
    assert [step["phase_index"] for step in archive["timeline"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", ["full_swot", "full_reset_day"])
def test_a_json_export_imports_as_the_same_workshop(request, browser, exported, name):
    built = request.getfixturevalue(name)
    archive = exported(built.workshop, "json").get_data()
    response = import_archive(browser, archive)
    assert response.status_code == 302
    new_id = int(re.search(r"/workshops/(\d+)/control", response.location).group(1))
    assert new_id != built.workshop.id
    again = browser.get(f"/workshops/{new_id}/export.json").get_json()
    assert jsonio.same_content(json.loads(archive), again)
    db.session.rollback()


def test_the_reset_day_archive_holds_pledges_and_the_canvas(full_reset_day, exported):
    archive = exported(full_reset_day.workshop, "json").get_json()
    assert [(p["name"], p["organisation"]) for p in archive["pledges"]] == [
        ("Léa", "Vélo-cité"),
        (None, None),
    ]
    assert {c["slot"] for c in archive["cards"]} == {"impact", "actors"}
