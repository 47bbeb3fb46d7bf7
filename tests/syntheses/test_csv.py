"""CSV exports are opened in spreadsheets: a cell that starts like a formula (= + - @)
is written with a leading apostrophe, so it shows as text and never runs."""

from __future__ import annotations

import csv
import io

import pytest

FORMULAS = ['=HYPERLINK("http://example.org","clic")', "+33 6 12 34 56 78", "-2+3", "@SUM(A1)"]


@pytest.fixture
def voted(create_workshop, screens, facilitator):
    """A SWOT whose notes start like formulas, by an author whose name does too; each
    note has a dot and the results are revealed."""
    workshop = create_workshop("swot")
    phone = screens(workshop, nickname="=Léa")
    ids = [
        phone.send("note.post", area="strengths", text=text)["data"]["note"]["id"]
        for text in [*FORMULAS, "Vélo"]
    ]
    control = screens(workshop, "control", user=facilitator)
    control.send("phase.move", index=2)
    for note_id in ids[:3]:
        assert phone.send("vote.cast", target=f"note:{note_id}")["ok"]
    voter = screens(workshop)
    for note_id in ids[3:]:
        assert voter.send("vote.cast", target=f"note:{note_id}")["ok"]
    control.send("results.reveal", revealed=True)
    return workshop


def rows(response) -> list[dict[str, str]]:
    """A French workshop's CSV, split on semicolons as a French spreadsheet splits it."""
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_notes_csv_neutralises_note_texts_that_start_like_formulas(voted, download):
    texts = [row["text"] for row in rows(download(voted, "notes.csv"))]
    assert texts == [f"'{text}" for text in FORMULAS] + ["Vélo"]


def test_notes_csv_neutralises_an_author_name_that_starts_like_a_formula(voted, download):
    assert {row["author"] for row in rows(download(voted, "notes.csv"))} == {"'=Léa"}


def test_votes_csv_neutralises_item_labels_that_start_like_formulas(voted, download):
    labels = sorted(row["label"] for row in rows(download(voted, "votes.csv")))
    assert labels == sorted([f"'{text}" for text in FORMULAS] + ["Vélo"])


def test_csv_exports_start_with_a_byte_order_mark_for_spreadsheets(voted, download):
    assert download(voted, "votes.csv").get_data().startswith("\ufeffrank".encode())
