"""Quick polls in every synthesis format, in French and English — each poll's question,
its options with their counts and shares, as bars in the HTML and PDF; the raw answers
in a CSV that names nobody; every poll and its counts in the REST API; polls and answers
through the JSON archive and back, a poll the format could not hold refused whole."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import subprocess

import docx
import pytest
from odfdo import Document
from sqlalchemy import select

from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.participants.models import Participant
from facilitation.polls.models import Poll, PollAnswer
from facilitation.syntheses import jsonio
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from .archives import counts, imported_id
from .conftest import ARTIFACTS, ok, open_screen

QUALITIES_FR = [
    "Inclusif", "Frugal", "Démocratique", "Protecteur", "Innovant", "Capacitant", "Équitable",
]  # fmt: skip
# The Reset day's own poll: three phones choose one quality each.
PRIORITY = {"Alix": 6, "Bao": 1, "Chloé": 6}
# A live poll of several choices (at most two).
DAYS = {"Alix": [0, 2], "Bao": [2], "Chloé": [1, 2]}


def polled_day(app, facilitator, language: str):
    """A Reset day whose three phones answered its poll phase and a live poll."""
    with unit_of_work():
        workshop = workshops.create_workshop(
            facilitator, "reset_day", "Reset", "Et après ?", language
        )
    control = open_screen(app, workshop, "control", user=facilitator)
    phones = {name: open_screen(app, workshop, nickname=name) for name in PRIORITY}
    try:
        ok(control.go("priority"))
        (priority,) = control.emit("sync", {"since": 2**31 - 1})["snapshot"]["polls"]
        days = ok(
            control.send(
                "poll.create",
                question="Quel jour pour la suite ?" if language == "fr" else "Which day next?",
                options=["Lundi", "Mardi", "Jeudi"] if language == "fr" else ["Mon", "Tue", "Thu"],
                multiple=True,
                max_choices=2,
            )
        )["poll"]
        for name, phone in phones.items():
            ok(phone.send("poll.answer", poll_id=priority["id"], choices=[PRIORITY[name]]))
            ok(phone.send("poll.answer", poll_id=days["id"], choices=DAYS[name]))
        ok(control.send("poll.reveal", poll_id=priority["id"], revealed=True))
    finally:
        for screen in (control, *phones.values()):
            screen.close()
    return workshop


@pytest.fixture
def french(app, facilitator):
    return polled_day(app, facilitator, "fr")


def test_the_markdown_gives_each_option_its_count_and_share(french, download):
    text = download(french, "md").get_data(as_text=True)
    assert "## Sondage — Laquelle des sept qualités compte le plus pour cette coalition ?" in text
    assert "3 personnes ont répondu · un choix chacun · phase La qualité qui compte le plus" in text
    assert "| Option | Réponses | Part |" in text
    assert "| Équitable | 2 | 67\u00a0% |" in text
    assert "| Frugal | 1 | 33\u00a0% |" in text
    assert "| Inclusif | 0 | 0\u00a0% |" in text
    # Several choices: the shares are of those who answered, and add up past 100 %.
    assert "## Sondage — Quel jour pour la suite ?" in text
    assert "jusqu'à 2 choix chacun : les parts dépassent 100 % au total" in text
    assert "| Jeudi | 3 | 100\u00a0% |" in text


def test_the_english_synthesis_says_the_same_in_english(app, facilitator, download):
    text = download(polled_day(app, facilitator, "en"), "md").get_data(as_text=True)
    assert "## Poll — Which of the seven qualities matters most for this coalition?" in text
    assert "3 people answered · one choice each · phase The quality that matters most" in text
    assert "| Equitable | 2 | 67% |" in text
    assert "| Thu | 3 | 100% |" in text


def test_the_html_draws_a_bar_per_option(french, download):
    page = download(french, "html").get_data(as_text=True)
    charts = re.findall(r'<table class="poll-chart">(.*?)</table>', page, re.S)
    assert len(charts) == 2
    widths = re.findall(r'class="poll-fill" style="width: ([0-9.]+)%"', charts[0])
    assert widths == ["0.0", "33.3", "0.0", "0.0", "0.0", "0.0", "66.7"]
    labels = re.findall(r'<td class="poll-option">([^<]+)</td>', charts[0])
    assert labels == QUALITIES_FR
    assert '<tr class="top"><td class="poll-option">Équitable' in charts[0]


def test_the_pdf_holds_the_questions_and_their_bars(french, download):
    pdf = download(french, "pdf").get_data()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "polls.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    text = re.sub(r"\s+", " ", text)
    assert "Sondage — Laquelle des sept qualités compte le plus pour cette coalition ?" in text
    assert re.search(r"67\s%", text)
    assert "Sondage — Quel jour pour la suite ?" in text


def test_the_odt_and_docx_carry_a_table_per_poll(french, download):
    odt_bytes = download(french, "odt").get_data()
    odt = Document(io.BytesIO(odt_bytes))
    text = "\n".join(e.inner_text for e in odt.body.get_elements("//text:h | //text:p"))
    assert "Sondage — Quel jour pour la suite ?" in text
    word = docx.Document(io.BytesIO(download(french, "docx").get_data()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Sondage — Laquelle des sept qualités compte le plus pour cette coalition ?" in headings
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    assert ["Équitable", "█" * 13, "2", "67\u00a0%"] in rows
    assert ["Jeudi", "█" * 20, "3", "100\u00a0%"] in rows


def test_the_polls_csv_numbers_participants_and_names_nobody(french, download):
    body = download(french, "polls.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 3 + 5  # one row per choice
    assert {row["participant"] for row in rows} == {"1", "2", "3"}
    priority = [row for row in rows if row["question"].startswith("Laquelle")]
    assert sorted(row["label"] for row in priority) == ["Frugal", "Équitable", "Équitable"]
    assert sorted(row["option"] for row in priority) == ["2", "7", "7"]
    nicknames = db.session.scalars(
        select(Participant.nickname).where(Participant.workshop_id == french.id)
    ).all()
    assert not any(name and name in body for name in nicknames)


def test_the_api_gives_the_staff_every_poll_and_its_counts(french, staff):
    body = staff.get(f"/api/workshops/{french.id}/polls").get_json()
    priority, days = body["polls"]
    assert (priority["phase"], priority["revealed"], priority["max_choices"]) == (
        "priority",
        True,
        1,
    )
    assert priority["tally"] == {"counts": [0, 1, 0, 0, 0, 0, 2], "answered": 3}
    assert (days["phase"], days["revealed"], days["multiple"]) == (None, False, True)
    assert days["tally"] == {"counts": [1, 1, 3], "answered": 3}  # not revealed: staff see it


# --- The JSON archive --------------------------------------------------------------------


@pytest.fixture
def archive(french, download):
    return download(french, "json").get_json()


def test_polls_and_their_answers_import_back(archive, download, send):
    assert archive["fabrique"]["version"] == 5
    priority, days = archive["polls"]
    assert priority["phase"] == "priority"
    assert days["question"] == {"fr": "Quel jour pour la suite ?"}
    assert sorted(a["choices"] for a in days["answers"]) == [[0, 2], [1, 2], [2]]
    new_id = imported_id(send(json.dumps(archive).encode()))
    again = download(db.session.get(Workshop, new_id), "json").get_json()
    assert jsonio.same_content(archive, again)
    polls = db.session.scalars(
        select(Poll).where(Poll.workshop_id == new_id).order_by(Poll.id)
    ).all()  # in the order they were made: the archive's
    assert [poll.phase for poll in polls] == ["priority", None]
    answers = db.session.scalars(select(PollAnswer).where(PollAnswer.workshop_id == new_id))
    assert len(answers.all()) == 6


def test_a_version_4_archive_imports_without_polls(archive, send):
    older = copy.deepcopy(archive)
    older["fabrique"]["version"] = 4
    del older["polls"]
    new_id = imported_id(send(json.dumps(older).encode()))
    assert db.session.scalars(select(Poll).where(Poll.workshop_id == new_id)).all() == []


INVALID = {
    "a_phase_that_asks_no_poll": (
        lambda a: a["polls"][0].update(phase="canvas"),
        {"polls": {"0": {"phase": ["The format has no poll phase 'canvas'."]}}},
    ),
    "an_option_the_poll_has_not": (
        lambda a: a["polls"][0]["answers"][0].update(choices=[7]),
        {
            "polls": {
                "0": {"answers": {"0": {"choices": ["Options of this poll: 0 to 6, once each."]}}}
            }
        },
    ),
    "two_choices_in_a_single_choice_poll": (
        lambda a: a["polls"][0]["answers"][0].update(choices=[1, 2]),
        {"polls": {"0": {"answers": {"0": {"choices": ["At most 1 choices in this poll."]}}}}},
    ),
    "an_unknown_participant": (
        lambda a: a["polls"][1]["answers"][0].update(participant="p99"),
        {"polls": {"1": {"answers": {"0": {"participant": ["Unknown reference 'p99'."]}}}}},
    ),
    "the_same_participant_twice": (
        lambda a: a["polls"][1]["answers"].append(dict(a["polls"][1]["answers"][0])),
        {
            "polls": {
                "1": {"answers": {"3": {"participant": ["One answer per participant and poll."]}}}
            }
        },
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_a_poll_the_format_cannot_hold_is_refused_whole(send, archive, case):
    change, errors = INVALID[case]
    before = counts()
    edited = copy.deepcopy(archive)
    change(edited)
    response = send(json.dumps(edited).encode())
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert response.get_json()["error"]["fields"] == errors
    assert counts() == before
