"""The synthesis as a Word document (DOCX), written with python-docx from the same outline
as the ODT (see odt.py): real heading styles, real tables, the chart as a picture."""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..workshops.models import Workshop
from .odt import (
    Bullets,
    Figures,
    Grid,
    Heading,
    Outline,
    Para,
    Picture,
    Quadrants,
    Run,
    outline,
    xml_text,
)

TEXT_WIDTH_CM = 17.0
GREY = RGBColor(0x4A, 0x53, 0x60)
LINK = RGBColor(0x0B, 0x5C, 0xAD)


def _page(document: Document) -> None:
    """A4, 2 cm margins (python-docx's template is US Letter)."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))


def _language(document: Document, tag: str) -> None:
    """The document's language, for spelling and hyphenation, and in its properties."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), tag)
    document.core_properties.language = tag


def _hyperlink(paragraph: Paragraph, text: str, url: str, size: float | None) -> None:
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    paragraph._p.append(link)
    run = paragraph.add_run(text)
    run.font.color.rgb = LINK
    run.font.underline = True
    if size:
        run.font.size = Pt(size)
    link.append(run._r)  # moves the run into the link


def _runs(paragraph: Paragraph, runs: tuple[Run, ...], size: float | None = None) -> None:
    for piece in runs:
        text = xml_text(piece.text)
        if piece.url:
            _hyperlink(paragraph, text, piece.url, size)
            continue
        run = paragraph.add_run(text)
        run.bold = piece.bold or None
        run.italic = piece.italic or None
        if piece.muted:
            run.font.color.rgb = GREY
        if size:
            run.font.size = Pt(size)


def _para(document: Document, block: Para) -> None:
    paragraph = document.add_paragraph()
    if block.kind == "eyebrow":
        _runs(paragraph, block.runs, size=9)
        for run in paragraph.runs:
            run.font.all_caps = True
            run.font.color.rgb = GREY
    elif block.kind in ("meta", "empty", "aside"):
        _runs(paragraph, block.runs)
        for run in paragraph.runs:
            run.font.color.rgb = GREY
    elif block.kind == "licence":
        paragraph.paragraph_format.space_before = Pt(24)
        _runs(paragraph, block.runs, size=9)
    else:
        _runs(paragraph, block.runs)


def _styled(document: Document, style_id: str) -> Paragraph:
    """A new paragraph of a style, set by its id: python-docx's `style=` scans every style
    of the document twice per paragraph, seconds for a synthesis of a few hundred notes."""
    paragraph = document.add_paragraph()
    paragraph._p.style = style_id
    return paragraph


def _heading(document: Document, heading: Heading, styles: dict[str, str]) -> None:
    paragraph = _styled(document, styles[f"Heading {heading.level}"])
    paragraph.add_run(xml_text(heading.text))
    if heading.aside:
        aside = paragraph.add_run(xml_text(f" — {heading.aside}"))
        aside.font.color.rgb = GREY
        aside.font.size = Pt(9)
        aside.bold = False


def _widths(shares: tuple[int, ...]) -> list[Cm]:
    total = sum(shares)
    return [Cm(TEXT_WIDTH_CM * share / total) for share in shares]


def _fixed(table: Table, widths: list[Cm]) -> None:
    """Column widths that Word (per cell) and LibreOffice (per grid column) both keep."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def _repeat_header(table: Table) -> None:
    """The header row comes back at the top of each page the table runs over."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _grid(document: Document, grid: Grid, styles: dict[str, str]) -> None:
    widths = _widths(grid.widths)
    table = document.add_table(rows=1, cols=len(grid.header))
    table._tbl.tblStyle_val = styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed(table, widths)
    for cell, title, width in zip(table.rows[0].cells, grid.header, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(xml_text(title)).bold = True
    for values in grid.rows:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].add_run(xml_text(value))
    _repeat_header(table)
    document.add_paragraph()


def _quadrants(document: Document, quadrants: Quadrants, styles: dict[str, str]) -> None:
    """Two areas a row (a SWOT's 2×2 grid), each cell its title and its ranked lines."""
    widths = _widths((1, 1))
    rows = (len(quadrants.cells) + 1) // 2
    table = document.add_table(rows=rows, cols=2)
    table._tbl.tblStyle_val = styles["Table Grid"]
    _fixed(table, widths)
    for index, (title, lines) in enumerate(quadrants.cells):
        cell = table.rows[index // 2].cells[index % 2]
        cell.width = widths[index % 2]
        cell.paragraphs[0].add_run(xml_text(title)).bold = True
        for line in lines:
            cell.add_paragraph().add_run(xml_text(line))
    document.add_paragraph()


def _figures(document: Document, figures: Figures) -> None:
    widths = _widths((1,) * len(figures.items))
    table = document.add_table(rows=2, cols=len(figures.items))
    _fixed(table, widths)
    labels, values = table.rows[0].cells, table.rows[1].cells
    for index, (label, value) in enumerate(figures.items):
        labels[index].width = values[index].width = widths[index]
        top = labels[index].paragraphs[0].add_run(xml_text(label))
        top.font.size, top.font.color.rgb = Pt(9), GREY
        bottom = values[index].paragraphs[0].add_run(str(value))
        bottom.font.size, bottom.bold = Pt(16), True


def _picture(document: Document, picture: Picture) -> None:
    width = Cm(picture.width_cm or TEXT_WIDTH_CM)
    shape = document.add_picture(io.BytesIO(picture.png), width=width)
    properties = shape._inline.docPr
    properties.set("name", picture.name)
    properties.set("descr", xml_text(picture.description))


def _bullets(document: Document, bullets: Bullets, styles: dict[str, str]) -> None:
    style = styles["List Number" if bullets.numbered else "List Bullet"]
    for runs in bullets.items:
        _runs(_styled(document, style), runs)


def write(doc: Outline) -> bytes:
    document = new_document()
    _page(document)
    _language(document, doc.language)
    document.core_properties.title = xml_text(doc.title)
    document.core_properties.subject = xml_text(doc.subject)
    document.core_properties.author = "Fabrique"
    names = ["Table Grid", "List Bullet", "List Number"] + [f"Heading {n}" for n in range(1, 5)]
    styles = {name: document.styles[name].style_id for name in names}
    for block in doc.blocks:
        if isinstance(block, Heading):
            _heading(document, block, styles)
        elif isinstance(block, Para):
            _para(document, block)
        elif isinstance(block, Bullets):
            _bullets(document, block, styles)
        elif isinstance(block, Figures):
            _figures(document, block)
        elif isinstance(block, Grid):
            _grid(document, block, styles)
        elif isinstance(block, Quadrants):
            _quadrants(document, block, styles)
        else:
            _picture(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx(workshop: Workshop) -> bytes:
    return write(outline(workshop))
