"""Participants' text is text in every synthesis: markup they type (HTML, Markdown links,
emphasis, headings) is shown as typed, never interpreted."""

from __future__ import annotations

import io

import docx
import pytest
from odfdo import Document

SCRIPT = "<script>alert('x')</script>"
LINK = "[cliquez](javascript:alert(1))"
BOLD = "**gras** et _penché_"
HEADING = "# Pas un titre"
TEXTS = [SCRIPT, LINK, BOLD, HEADING]
LICENCE = "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.fixture
def marked(create_workshop, screens, facilitator):
    """A SWOT whose notes, group title and author name are all markup."""
    workshop = create_workshop("swot")
    phone = screens(workshop, nickname="<b>Léa</b>")
    ids = [
        phone.send("note.post", area="strengths", text=text)["data"]["note"]["id"] for text in TEXTS
    ]
    control = screens(workshop, "control", user=facilitator)
    control.send("phase.move", index=1)
    group = control.send("group.create", title="<i>[groupe](http://evil.example)</i>")
    control.send("note.place", id=ids[0], group_id=group["data"]["group"]["id"])
    return workshop


def test_markdown_escapes_markup_in_user_text(marked, download):
    text = download(marked, "md").get_data().decode()
    assert r"&lt;script\>alert\('x'\)&lt;/script\>" in text
    assert r"\[cliquez\]\(javascript:alert\(1\)\)" in text
    assert r"\*\*gras\*\* et \_penché\_" in text
    assert r"\# Pas un titre" in text
    assert r"&lt;b\>Léa&lt;/b\>" in text
    assert "<" not in text
    assert "](javascript:" not in text


def test_html_escapes_markup_in_user_text(marked, download):
    page = download(marked, "html").get_data().decode()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "<b>Léa</b>" not in page
    assert all(text in page for text in (LINK, BOLD, HEADING))
    assert 'href="javascript:' not in page
    assert 'href="http://evil.example' not in page


def test_odt_writes_markup_as_plain_text_runs(marked, download):
    document = Document(io.BytesIO(download(marked, "odt").get_data()))
    paragraphs = [p.inner_text for p in document.body.get_paragraphs()]
    for text in TEXTS:
        assert any(p.startswith(f"{text} — <b>Léa</b>") for p in paragraphs), text
    headings = [h.inner_text for h in document.body.get_headers()]
    assert "<i>[groupe](http://evil.example)</i>" in headings
    assert [link.url for link in document.body.get_links()] == [LICENCE]


def test_docx_writes_markup_as_plain_text_runs(marked, download):
    document = docx.Document(io.BytesIO(download(marked, "docx").get_data()))
    paragraphs = [p.text for p in document.paragraphs]
    for text in TEXTS:
        assert any(p.startswith(f"{text} — <b>Léa</b>") for p in paragraphs), text
    assert "<i>[groupe](http://evil.example)</i>" in paragraphs
    links = [link.address for p in document.paragraphs for link in p.hyperlinks]
    assert links == [LICENCE]


def test_characters_xml_cannot_hold_are_left_out_of_odt_and_docx(create_workshop, download):
    workshop = create_workshop("swot", title="Atelier\x0b de la\x1b vallée")
    odt = Document(io.BytesIO(download(workshop, "odt").get_data()))
    assert odt.body.get_headers()[0].inner_text == "Atelier de la vallée"
    word = docx.Document(io.BytesIO(download(workshop, "docx").get_data()))
    assert "Atelier de la vallée" in [p.text for p in word.paragraphs]
