"""Posting notes from a phone: acknowledged, numbered, delivered to those who may see them."""

from __future__ import annotations

from sqlalchemy import event, func, inspect, select

from facilitation.auth import Actor, ActorKind
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.notes import services as notes
from facilitation.notes.models import Note
from facilitation.realtime import eventlog
from facilitation.realtime.models import Event
from facilitation.realtime.protocol import Audience, EventType
from facilitation.workshops.models import Workshop
from facilitation.workshops.services import get_workshop

from ..statements import statements

COLUMNS = [attribute.key for attribute in inspect(Note).column_attrs]


def note_count() -> int:
    return db.session.scalar(select(func.count(Note.id)))


def test_a_posted_note_is_acked_with_its_sequence_number(workshop, screens):
    phone = screens(workshop)
    ack = phone.send("note.post", area="ideas", text="Des jardins partagés")
    assert ack["ok"] is True
    assert ack["duplicate"] is False
    assert ack["seq"] == phone.state.seq + 1
    assert ack["data"]["note"]["text"] == "Des jardins partagés"


def test_the_board_receives_the_note_with_the_same_sequence_number(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    phone = screens(workshop)
    ack = phone.send("note.post", area="ideas", text="Un atelier vélo")
    events = board.events()
    assert [(e["seq"], e["type"]) for e in events] == [(ack["seq"], "note.posted")]
    assert board.state.notes[ack["data"]["note"]["id"]]["text"] == "Un atelier vélo"


def test_a_command_sent_twice_creates_one_note_and_returns_the_same_ack(workshop, screens):
    phone = screens(workshop)
    payload = {"command_id": "same-command-0001", "area": "ideas", "text": "Une seule fois"}
    first = phone.send("note.post", dict(payload))
    second = phone.send("note.post", dict(payload))
    assert note_count() == 1
    assert second["duplicate"] is True
    assert {**second, "duplicate": False} == first


def test_a_resent_command_publishes_nothing_new(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    phone = screens(workshop)
    payload = {"command_id": "same-command-0002", "area": "ideas", "text": "Une fois"}
    phone.send("note.post", dict(payload))
    phone.send("note.post", dict(payload))
    assert len(board.events()) == 1
    assert db.session.scalar(select(func.count(Event.id)).where(Event.type == "note.posted")) == 1


def test_the_same_command_id_from_two_participants_is_two_commands(workshop, screens):
    payload = {"command_id": "shared-id-0003", "area": "ideas", "text": "Chacun la sienne"}
    assert screens(workshop).send("note.post", dict(payload))["duplicate"] is False
    assert screens(workshop).send("note.post", dict(payload))["duplicate"] is False
    assert note_count() == 2


def test_during_silent_writing_other_phones_do_not_receive_the_note(workshop, screens, facilitator):
    author, neighbour = screens(workshop), screens(workshop)
    board = screens(workshop, "board", user=facilitator)
    author.send("note.post", area="ideas", text="Secret pour l'instant")
    assert neighbour.events() == []
    assert len(board.events()) == 1
    assert len(author.events()) == 1


def test_a_late_phone_does_not_get_unrevealed_notes_in_its_snapshot(workshop, screens):
    screens(workshop).send("note.post", area="ideas", text="Pas encore révélé")
    late = screens(workshop)
    assert late.join_ack["snapshot"]["notes"] == []


def test_after_the_reveal_every_phone_sees_every_note(workshop, screens, facilitator):
    screens(workshop).send("note.post", area="ideas", text="Bientôt visible")
    control = screens(workshop, "control", user=facilitator)
    assert control.send("phase.move", index=1)["ok"]
    late = screens(workshop)
    assert [note["text"] for note in late.join_ack["snapshot"]["notes"]] == ["Bientôt visible"]


def test_the_author_sees_their_note_marked_as_theirs(workshop, screens):
    phone = screens(workshop)
    phone.send("note.post", area="ideas", text="La mienne")
    phone.join()
    assert [note["mine"] for note in phone.join_ack["snapshot"]["notes"]] == [True]


def test_an_author_edits_their_own_note(workshop, screens):
    phone = screens(workshop)
    note_id = phone.send("note.post", area="ideas", text="Velo")["data"]["note"]["id"]
    ack = phone.send("note.edit", id=note_id, text="Vélo")
    assert ack["ok"]
    assert db.session.get(Note, note_id).text == "Vélo"


def test_a_participant_cannot_edit_someone_elses_note(workshop, screens):
    note_id = screens(workshop).send("note.post", area="ideas", text="À moi")["data"]["note"]["id"]
    ack = screens(workshop).send("note.edit", id=note_id, text="Volé")
    assert ack["error"]["code"] == "forbidden"
    assert db.session.get(Note, note_id).text == "À moi"


def test_a_deleted_note_is_kept_for_the_record_but_leaves_the_board(workshop, screens, facilitator):
    phone = screens(workshop)
    board = screens(workshop, "board", user=facilitator)
    note_id = phone.send("note.post", area="ideas", text="Oups")["data"]["note"]["id"]
    assert phone.send("note.delete", id=note_id)["ok"]
    board.events()
    assert note_id not in board.state.notes
    assert db.session.get(Note, note_id).deleted_at is not None


def test_a_posted_note_is_one_insert_and_held_as_the_database_holds_it(workshop, screens):
    """Written by a plain INSERT with its number, not by the unit of work's flush: the
    note the command answers with is the row, unchanged, and nothing writes it again."""
    participant_id, workshop_id = screens(workshop).participant.id, workshop.id
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant_id)

    flushes: list[object] = []
    session = db.session()
    event.listen(session, "after_flush", lambda *_: flushes.append(_))
    with statements() as seen, unit_of_work(workshop_id):
        note = notes.post_note(actor, get_workshop(workshop_id), "ideas", "Des haies", "#ffd166")
        assert note in db.session
        assert not db.session.is_modified(note)
        held = {column: getattr(note, column) for column in COLUMNS}

    assert flushes == []  # nothing left to the unit of work, on the way or at commit
    writes = [s.split("(")[0].split(" SET")[0] for s in seen if s.startswith(("INSERT", "UPDATE"))]
    assert writes.count("INSERT INTO notes ") == 1
    assert not [write for write in writes if write.startswith("UPDATE notes")]
    db.session.expunge_all()
    stored = db.session.get(Note, held["id"])
    assert {column: getattr(stored, column) for column in COLUMNS} == held
    assert held["seq"] == eventlog.heads(workshop_id)[0]
    assert held["text"] == "Des haies"


def author_counts(seen: list[str]) -> list[str]:
    return [statement for statement in seen if "count(notes.id)" in statement]


def test_an_authors_notes_are_counted_once_while_nothing_else_changes_the_workshop(
    workshop, screens, control
):
    """The process keeps the counts a transaction ends with, for as long as the
    workshop's head and version are the ones it left: a note alone after it needs no
    count of its own. A change made since (here the facilitator's) counts again."""
    phone, other = screens(workshop), screens(workshop)
    first = phone.send("note.post", area="ideas", text="Une")
    assert first["ok"]

    with statements() as seen:
        assert phone.send("note.post", area="ideas", text="Deux")["ok"]
        assert other.send("note.post", area="ideas", text="D'une autre")["ok"]  # counted
        assert other.send("note.post", area="ideas", text="Encore d'elle")["ok"]
    assert len(author_counts(seen)) == 1, author_counts(seen)

    assert control.send("note.moderate", id=first["data"]["note"]["id"], hidden=True)["ok"]
    with statements() as seen:
        assert phone.send("note.post", area="ideas", text="Trois")["ok"]
    assert len(author_counts(seen)) == 1


def test_an_author_at_the_limit_through_another_process_is_refused_here(
    workshop, screens, app, monkeypatch
):
    """Counts kept by one process are worth nothing once another changed the workshop:
    the third note, posted through another process, is counted here."""
    monkeypatch.setattr(notes, "MAX_NOTES_PER_PARTICIPANT", 3)
    phone = screens(workshop)
    for n in range(2):
        assert phone.send("note.post", area="ideas", text=f"Ici {n}")["ok"]  # kept: 2
    author, workshop_id = phone.participant.id, workshop.id
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=author)
    kept_here = app.extensions.pop(notes.COUNTS.name)
    with app.app_context(), unit_of_work(workshop_id):  # another process: its own counts
        notes.post_note(actor, get_workshop(workshop_id), "ideas", "Ailleurs", None)
    app.extensions[notes.COUNTS.name] = kept_here

    with statements() as seen:
        ack = phone.send("note.post", area="ideas", text="De trop")

    assert ack["error"]["code"] == "forbidden", ack
    assert len(author_counts(seen)) == 1
    db.session.rollback()
    assert note_count() == 3


def test_counts_are_not_kept_from_a_transaction_that_logged_other_changes(workshop, screens):
    """A transaction that posted a note and logged a change that is not a note's (one
    that might add or remove notes) leaves nothing for the next: it counts again."""
    phone = screens(workshop)
    author, workshop_id = phone.participant.id, workshop.id
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=author)
    with unit_of_work(workshop_id):
        notes.post_note(actor, get_workshop(workshop_id), "ideas", "Avec autre chose", None)
        eventlog.append(workshop_id, EventType.GROUP_DELETED, Audience.STAFF, {"id": 0})

    with statements() as seen:
        assert phone.send("note.post", area="ideas", text="Ensuite")["ok"]
    assert len(author_counts(seen)) == 1


def test_a_note_sent_once_its_workshop_was_deleted_is_refused_and_stores_nothing(workshop, screens):
    phone = screens(workshop)
    assert phone.send("note.post", area="ideas", text="Avant")["ok"]
    db.session.delete(db.session.get(Workshop, workshop.id))
    db.session.commit()

    ack = phone.send("note.post", area="ideas", text="Après")

    assert ack["ok"] is False
    assert ack["error"]["code"] != "internal", ack
    db.session.rollback()
    assert note_count() == 0
