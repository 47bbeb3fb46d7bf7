"""Each export format: its file extension, media type, and how it is made."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..groups.models import Group
from ..notes.models import Note
from ..participants import services as participants
from ..workshops.models import Workshop
from . import docx, jsonio, odt, opinions, polls, ratings, services
from .text import csv_cell


@dataclass(frozen=True)
class Export:
    extension: str
    mimetype: str
    make: Callable[[Workshop], bytes]


def _in_language(workshop: Workshop, template: str) -> str:
    """Render a synthesis template in the workshop's language, not the reader's."""
    synthesis = services.build(workshop)
    with force_locale(workshop.language):
        return render_template(template, s=synthesis)


def markdown(workshop: Workshop) -> bytes:
    return _in_language(workshop, "syntheses/synthesis.md").encode()


def html(workshop: Workshop) -> bytes:
    return _in_language(workshop, "syntheses/synthesis.html").encode()


def load_renderers() -> None:
    """Load WeasyPrint ahead: the process that makes exports (worker.py) pays it once."""
    import weasyprint  # noqa: F401


def pdf(workshop: Workshop) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango, not needed elsewhere

    return HTML(string=html(workshop).decode()).write_pdf()


# The separator a spreadsheet of the workshop's language expects: where the decimal mark
# is a comma (French), spreadsheets split on semicolons and would open a comma-separated
# file as one column; English ones split on commas.
SEPARATORS = {"fr": ";"}


def separator(workshop: Workshop) -> str:
    return SEPARATORS.get(workshop.language, ",")


def _csv(workshop: Workshop, header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM (spreadsheets then read accents right), in the separator of the
    workshop's language, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator(workshop))
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def _status(note: Note) -> str:
    if note.deleted_at:
        return "deleted"
    if note.merged_into_id:
        return f"merged into {note.merged_into_id}"
    return "hidden" if note.hidden else "visible"


def _group_titles(workshop: Workshop) -> dict[int, str]:
    """Groups by their title (an untitled one by its number, as "#3")."""
    rows = db.session.execute(
        select(Group.id, Group.title).where(Group.workshop_id == workshop.id)
    ).all()
    return {ident: title or f"#{ident}" for ident, title in rows}


def notes_csv(workshop: Workshop) -> bytes:
    """Every note, whatever became of it."""
    nicknames, groups = participants.nicknames(workshop), _group_titles(workshop)
    notes = db.session.scalars(
        select(Note).where(Note.workshop_id == workshop.id).order_by(Note.id)
    )
    rows = [
        [
            note.id,
            note.area,
            groups.get(note.group_id or 0, ""),
            note.text,
            nicknames.get(note.participant_id or 0) or "",
            note.dots,
            _status(note),
            note.created_at.isoformat(),
        ]
        for note in notes
    ]
    header = ["id", "area", "group", "text", "author", "dots", "status", "created_at"]
    return _csv(workshop, header, rows)


def votes_csv(workshop: Workshop) -> bytes:
    """The ranking, with the group of each note named."""
    results = services.votes.results(workshop)
    groups = _group_titles(workshop)
    note_ids = [r["id"] for r in results if r["kind"] == "note"]
    group_of = dict(
        db.session.execute(select(Note.id, Note.group_id).where(Note.id.in_(note_ids))).all()
    )
    rows = [
        [
            r["rank"],
            "yes" if r["tied"] else "",
            r["target"],
            r["label"],
            r["area"] or "",
            groups.get(group_of.get(r["id"]) or 0, "") if r["kind"] == "note" else r["label"],
            r["dots"],
        ]
        for r in results
    ]
    return _csv(workshop, ["rank", "tied", "target", "label", "area", "group", "dots"], rows)


def reactions_csv(workshop: Workshop) -> bytes:
    """Every agree / disagree / pass, by note, each participant a number, never a name."""
    rows = opinions.csv_rows(workshop, current_app.config["SECRET_KEY"])
    return _csv(workshop, ["note", "area", "text", "participant", "answer"], rows)


def ratings_csv(workshop: Workshop) -> bytes:
    """Every rating, by phase, item and criterion, each participant a number, never a name."""
    rows = ratings.csv_rows(workshop, current_app.config["SECRET_KEY"])
    return _csv(workshop, ["phase", "item", "label", "criterion", "participant", "value"], rows)


def polls_csv(workshop: Workshop) -> bytes:
    """Every choice made in a quick poll, each participant a number, never a name."""
    rows = polls.csv_rows(workshop, current_app.config["SECRET_KEY"])
    return _csv(workshop, ["poll", "question", "participant", "option", "label"], rows)


def archive(workshop: Workshop) -> bytes:
    return json.dumps(jsonio.export(workshop), ensure_ascii=False, indent=2).encode()


EXPORTS: dict[str, Export] = {
    "md": Export("md", "text/markdown; charset=utf-8", markdown),
    "html": Export("html", "text/html; charset=utf-8", html),
    "pdf": Export("pdf", "application/pdf", pdf),
    "notes.csv": Export("notes.csv", "text/csv; charset=utf-8", notes_csv),
    "votes.csv": Export("votes.csv", "text/csv; charset=utf-8", votes_csv),
    "reactions.csv": Export("reactions.csv", "text/csv; charset=utf-8", reactions_csv),
    "ratings.csv": Export("ratings.csv", "text/csv; charset=utf-8", ratings_csv),
    "polls.csv": Export("polls.csv", "text/csv; charset=utf-8", polls_csv),
    "json": Export("json", "application/json", archive),
    "odt": Export("odt", "application/vnd.oasis.opendocument.text", odt.odt),
    "docx": Export(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx.docx,
    ),
}
