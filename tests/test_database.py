"""Rows inserted ahead of their statement (a burst of notes carried out together): the
transaction reads and changes them as if they were written, they are written once, and
nothing of them outlives a rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select, text

from facilitation.database import Inserted, _column_defaults, inserted_ahead
from facilitation.extensions import db
from facilitation.notes.models import Note

from .statements import statements

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def values(workshop: Any, words: str) -> dict[str, Any]:
    return {
        "workshop_id": workshop.id,
        "area": "ideas",
        "text": words,
        "seq": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }


def sequences() -> bool:
    return bool(db.engine.dialect.supports_sequences)


def test_a_burst_of_rows_takes_its_ids_at_once_and_is_written_in_one_statement(workshop):
    with statements() as seen:
        notes = [inserted_ahead(db.session(), Note, values(workshop, f"n{n}"), 4) for n in range(4)]
        ids = [note.id for note in notes]
        db.session.commit()

    assert ids == sorted(set(ids))  # four ids, in the order the rows came
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO NOTES")]
    if sequences():  # PostgreSQL: one read of the sequence, one statement for the rows
        assert len(inserts) == 1, inserts
        assert len([s for s in seen if "nextval" in s]) == 1
    else:  # SQLite, in the process: each row inserted as it comes
        assert len(inserts) == 4, inserts
    stored = db.session.execute(select(Note.id, Note.text).order_by(Note.id)).all()
    assert [tuple(row) for row in stored] == [(ids[n], f"n{n}") for n in range(4)]


def test_rows_inserted_ahead_are_read_by_the_next_statement_plain_or_orm(workshop):
    first = inserted_ahead(db.session(), Note, values(workshop, "first"), 3)
    second = inserted_ahead(db.session(), Note, values(workshop, "second"), 3)
    counted = db.session.connection().execute(select(func.count()).select_from(Note)).scalar()
    assert counted == 2  # a plain statement on the connection
    db.session.connection().execute(
        text("UPDATE notes SET dots = dots + 2 WHERE id = :id"), {"id": second.id}
    )
    third = inserted_ahead(db.session(), Note, values(workshop, "third"), 3)
    assert db.session.scalars(select(Note.text).order_by(Note.id)).all() == [
        "first",
        "second",
        "third",
    ]  # an ORM statement
    first.text = "changed"  # the unit of work's UPDATE finds its row
    db.session.flush()
    db.session.commit()

    rows = db.session.execute(select(Note.id, Note.text, Note.dots))
    stored = {ident: (words, dots) for ident, words, dots in rows}
    assert stored[first.id] == ("changed", 0)
    assert stored[second.id] == ("second", 2)
    assert stored[third.id] == ("third", 0)


def test_rows_inserted_ahead_then_rolled_back_leave_nothing_for_the_next_transaction(workshop):
    inserted_ahead(db.session(), Note, values(workshop, "gone"), 3)
    inserted_ahead(db.session(), Note, values(workshop, "gone too"), 3)
    db.session.rollback()
    kept = inserted_ahead(db.session(), Note, values(workshop, "kept"), 1)
    db.session.commit()

    assert db.session.scalars(select(Note.text)).all() == ["kept"]
    assert kept.id is not None


@pytest.mark.postgresql
def test_rows_inserted_by_one_statement_land_in_their_columns_whatever_the_order_of_their_keys(
    workshop,
):
    """The rows a statement carries (database.Inserted: INSERT … SELECT … FROM
    json_to_recordset of one JSON parameter, what PostgreSQL's carrying statement is made
    of) each name their columns; a row that names them in another order still puts each
    value in its column."""
    full = _column_defaults(Note.__table__)  # every column but the id, as rows ahead are
    first = full | values(workshop, "first") | {"color": "yellow"}
    second = dict(reversed(list((full | values(workshop, "second")).items())))
    rows = Inserted(Note.__table__, [first, second])
    db.session.connection().execute(rows.statement("p"), rows.parameters("p"))
    db.session.commit()

    stored = db.session.execute(select(Note.text, Note.color, Note.area).order_by(Note.id))
    assert [tuple(row) for row in stored] == [
        ("first", "yellow", "ideas"),
        ("second", None, "ideas"),
    ]


@pytest.mark.postgresql
def test_carried_rows_keep_every_character_and_instant_and_refuse_a_naive_time(workshop):
    """A carried row's values travel as JSON: text JSON has to escape lands as typed, a
    time given in another zone lands as the same instant, and a time with no zone is
    refused as UTCDateTime refuses it, before anything is written."""
    typed = 'a "quote", a \\ back\\slash,\na new line, \u2028, \t, an emoji 🙂 and عربي'
    elsewhere = datetime(2026, 12, 4, 10, 30, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    row = _column_defaults(Note.__table__) | values(workshop, typed) | {"created_at": elsewhere}
    rows = Inserted(Note.__table__, [row])
    db.session.connection().execute(rows.statement("p"), rows.parameters("p"))
    db.session.commit()
    stored = db.session.execute(select(Note.text, Note.created_at, Note.hidden)).one()
    assert tuple(stored) == (typed, elsewhere, False)
    assert stored.created_at.utcoffset() == timedelta(0)

    naive = Inserted(Note.__table__, [row | {"created_at": datetime(2026, 12, 4, 10, 30)}])
    with pytest.raises(ValueError, match="Naive datetimes"):
        naive.parameters("p")
