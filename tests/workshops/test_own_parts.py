"""A phone's own part of its snapshot: what its participant gave, read in a statement per
kind — once one statement has found that the participant gave anything at all. A room's
newcomers, joining by the hundred, cost one read for all their own parts."""

from __future__ import annotations

import pytest

from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.workshops import snapshots

from ..statements import statements


def joined_reading(screens, workshop, **join):
    """A phone joins; what it received and the statements its join sent."""
    phone = screens(workshop, join=False)
    with statements() as seen:
        ack = phone.emit("join", {"code": phone.code, "role": "phone", **join})
    assert ack["ok"], ack
    return phone, ack["snapshot"], seen


def kinds_read(seen: list[str]) -> int:
    """Statements reading poll answers: the union that finds who gave anything, and the
    read of the answers themselves."""
    return len([statement for statement in seen if "FROM poll_answers" in statement])


@pytest.mark.parametrize("fetch", [False, True], ids=["in pages", "fetched body"])
def test_a_newcomer_s_own_part_is_one_read(workshop, screens, fetch):
    _phone, snapshot, seen = joined_reading(screens, workshop, fetch=fetch)
    assert kinds_read(seen) == 1, seen
    mine = snapshot["own"] if fetch else snapshot
    assert [note for note in mine["notes"] if note.get("mine")] == []
    assert snapshot["me"]["votes"] == {}


def test_a_phone_that_gave_something_gets_it_back_on_joining_again(workshop, screens):
    phone, _snapshot, _seen = joined_reading(screens, workshop)
    posted = phone.send("note.post", area="ideas", text="Déjà là")["data"]["note"]["id"]

    with statements() as seen:
        again = phone.emit("join", {"code": phone.code, "role": "phone", "fetch": True})

    assert kinds_read(seen) == 2, seen  # found, then read
    assert [note["id"] for note in again["snapshot"]["own"]["notes"]] == [posted]


@pytest.mark.parametrize("anonymous", [True, False])
def test_the_part_of_one_who_gave_nothing_is_what_reading_it_would_give(
    app, create_workshop, anonymous
):
    workshop = create_workshop(anonymous=anonymous)
    participant = participants.join(workshop, "Léa")
    db.session.commit()
    read = snapshots._given_parts(workshop.id, [participant.id], not anonymous)
    assert read[participant.id] == snapshots._nothing_given()


def test_every_table_of_what_participants_give_is_looked_at(app):
    """A new kind of item with a participant_id column must be in OWN_TABLES, or its
    givers' part would be taken as empty. Events name a participant only as their
    audience."""
    with_participant = {
        table.name for table in db.metadata.tables.values() if "participant_id" in table.c
    }
    assert with_participant - {"events"} == {table.name for table in snapshots.OWN_TABLES}
