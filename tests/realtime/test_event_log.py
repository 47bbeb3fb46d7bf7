"""The event log: numbered in the transaction of the change, published only once committed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, select

from facilitation.auth import Actor, ActorKind
from facilitation.database import unit_of_work
from facilitation.errors import NotFound
from facilitation.extensions import db
from facilitation.notes import services as notes
from facilitation.notes.models import Note
from facilitation.participants import services as participants
from facilitation.realtime import eventlog
from facilitation.realtime.models import Event
from facilitation.workshops.models import Workshop
from facilitation.workshops.services import get_workshop


def sequence_numbers(workshop_id: int) -> list[int]:
    query = select(Event.seq).where(Event.workshop_id == workshop_id).order_by(Event.seq)
    return list(db.session.scalars(query))


def post_as_new_participant(app, workshop_id: int, text: str) -> int:
    with app.app_context(), unit_of_work(workshop_id):
        workshop = get_workshop(workshop_id)
        participant = participants.join(workshop, None)
        actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant.id)
        return notes.post_note(actor, workshop, "ideas", text, None).seq


def test_a_new_workshop_starts_its_log_at_one(workshop):
    assert sequence_numbers(workshop.id) == [1]


def test_concurrent_changes_get_distinct_consecutive_numbers(app, workshop):
    workshop_id = workshop.id
    with ThreadPoolExecutor(max_workers=8) as pool:
        seqs = list(
            pool.map(lambda i: post_as_new_participant(app, workshop_id, f"n{i}"), range(24))
        )
    assert sorted(seqs) == list(range(2, 26))
    assert sequence_numbers(workshop_id) == list(range(1, 26))


def test_each_workshop_has_its_own_numbering(app, create_workshop):
    first, second = create_workshop(), create_workshop()
    post_as_new_participant(app, first.id, "un")
    assert sequence_numbers(second.id) == [1]
    assert sequence_numbers(first.id) == [1, 2]


def test_events_of_a_rolled_back_change_are_never_published(app, workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    eventlog.take_turn(workshop.id)
    participant = participants.join(workshop, None)
    actor = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=participant.id)
    notes.post_note(actor, workshop, "ideas", "Jamais publié", None)
    db.session.rollback()
    assert board.events() == []
    assert sequence_numbers(workshop.id) == [1]


def test_events_are_published_once_committed(app, workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    post_as_new_participant(app, workshop.id, "Publié")
    assert [event["type"] for event in board.events()] == ["note.posted"]


def test_the_heads_follow_public_and_private_events(app, workshop, facilitator, screens):
    post_as_new_participant(app, workshop.id, "privé")  # silent writing: author and staff only
    assert eventlog.heads(workshop.id) == (2, 1)
    screens(workshop, "control", user=facilitator).send("phase.move", index=1)
    db.session.expire_all()
    assert eventlog.heads(workshop.id) == (3, 3)


def test_a_change_recorded_outside_its_workshops_turn_is_refused(workshop):
    participant = participants.join(workshop, None)
    actor = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=participant.id)
    with pytest.raises(eventlog.OutOfTurn):
        notes.post_note(actor, workshop, "ideas", "Sans attendre son tour", None)
    db.session.rollback()
    assert sequence_numbers(workshop.id) == [1]


def test_a_turn_held_for_one_workshop_does_not_cover_another(app, create_workshop):
    first, second = create_workshop(), create_workshop()
    eventlog.take_turn(first.id)
    facilitator = Actor(ActorKind.FACILITATOR, second.id, user_id=second.created_by_id)
    with pytest.raises(eventlog.OutOfTurn):
        notes.post_note(facilitator, second, "ideas", "Chez le voisin", None)
    db.session.rollback()


def test_the_turn_ends_with_its_transaction(app, workshop):
    facilitator = Actor(ActorKind.FACILITATOR, workshop.id, user_id=workshop.created_by_id)
    with unit_of_work(workshop.id):
        notes.post_note(facilitator, workshop, "ideas", "Dans son tour", None)
    with pytest.raises(eventlog.OutOfTurn):  # committed: the next change waits its turn again
        notes.post_note(facilitator, get_workshop(workshop.id), "ideas", "Après", None)
    db.session.rollback()
    assert sequence_numbers(workshop.id) == [1, 2]


def test_what_was_read_before_the_turn_is_read_again_in_it(app, workshop):
    """Objects loaded before the lock would hold what another process changed meanwhile:
    taking the turn forgets them, and the next read sees the committed change."""
    facilitator = Actor(ActorKind.FACILITATOR, workshop.id, user_id=workshop.created_by_id)
    with unit_of_work(workshop.id):
        note_id = notes.post_note(facilitator, workshop, "ideas", "Avant", None).id
    note = db.session.get(Note, note_id)
    assert note.text == "Avant"
    # Another session (its own app context) deletes it, as another process would.
    with app.app_context(), unit_of_work(workshop.id):
        notes.delete_note(facilitator, get_workshop(workshop.id), note_id)
    eventlog.take_turn(workshop.id)
    assert note.deleted_at is not None
    with pytest.raises(NotFound):
        notes.edit_note(facilitator, get_workshop(workshop.id), note_id, "Trop tard")
    db.session.rollback()


def test_a_phase_change_marks_the_stream_as_reshaped_and_a_note_does_not(
    workshop, control, screens
):
    """A phone behind a phase change needs a snapshot: the stream says so without any
    event being read."""
    phone = screens(workshop)
    assert phone.send("note.post", area="ideas", text="Avant")["ok"]
    before = eventlog.position(workshop.id)
    assert (before.head, before.public_head) == eventlog.heads(workshop.id)
    assert before.reshaped < before.head
    assert control.send("phase.move", index=1)["ok"]
    moved = eventlog.position(workshop.id)
    assert moved.reshaped > before.head  # a phone behind it needs a snapshot
    assert moved.workshop_version > before.workshop_version  # the phase is the row's
    assert control.send("group.create", title="Vélo")["ok"]  # for everyone, yet no reshaping
    later = eventlog.position(workshop.id)
    assert later.public_head == later.head > moved.head
    assert later.reshaped == moved.reshaped
    assert eventlog.position(workshop.id + 1000) == (0, 0, 0, None)


def test_a_transaction_reads_its_own_events_before_it_commits(workshop, facilitator):
    """Events are written together when the transaction commits, or before anything
    reads the log or changes rows through the session: never missing from a read."""
    eventlog.take_turn(workshop.id)
    participant = participants.join(workshop, None)
    actor = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=participant.id)
    seqs = [notes.post_note(actor, workshop, "ideas", f"n{i}", None).seq for i in range(3)]
    assert sequence_numbers(workshop.id) == [1, *seqs]  # read in the same transaction
    more = notes.post_note(actor, workshop, "ideas", "n3", None).seq
    staff = Actor(ActorKind.FACILITATOR, workshop.id, user_id=facilitator.id)
    since = [event.seq for event in eventlog.events_since(staff, 0, 100)]
    assert since == [1, *seqs, more]
    db.session.commit()
    assert sequence_numbers(workshop.id) == [1, *seqs, more]


def test_the_events_of_a_rolled_back_transaction_are_never_written(workshop):
    eventlog.take_turn(workshop.id)
    participant = participants.join(workshop, None)
    actor = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=participant.id)
    notes.post_note(actor, workshop, "ideas", "oubliée", None)
    db.session.rollback()
    eventlog.take_turn(workshop.id)
    db.session.commit()  # a later commit of the same session writes nothing of it
    assert sequence_numbers(workshop.id) == [1]


def test_a_workshop_deleted_after_its_events_in_one_transaction_takes_them(workshop):
    workshop_id = workshop.id
    eventlog.take_turn(workshop_id)
    participant = participants.join(workshop, None)
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant.id)
    notes.post_note(actor, workshop, "ideas", "dernière", None)
    db.session.execute(delete(Workshop).where(Workshop.id == workshop_id))
    db.session.commit()
    assert sequence_numbers(workshop_id) == []


def test_a_transaction_numbering_many_changes_writes_its_heads_once_and_reads_its_own(
    app, workshop, facilitator
):
    """The turn reads the heads; the numbers are counted from them, and the stream's row
    written once, before the commit: a burst of notes makes one UPDATE of the stream,
    and whatever reads the heads in the transaction reads the ones it took."""
    from ..statements import statements

    eventlog.take_turn(workshop.id)
    participant = participants.join(workshop, None)
    actor = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=participant.id)
    with statements() as seen:
        seqs = [notes.post_note(actor, workshop, "ideas", f"n{i}", None).seq for i in range(3)]
        assert seqs == [2, 3, 4]
        assert eventlog.heads(workshop.id) == (4, 1)  # silent writing: not public
        position = eventlog.position(workshop.id)
        assert (position.head, position.public_head) == (4, 1)
        assert eventlog.heads_of([workshop.id]) == {workshop.id: (4, 1)}
        db.session.commit()
    stream_writes = [s for s in seen if s.startswith("UPDATE event_streams")]
    assert len(stream_writes) == 1, stream_writes
    with app.app_context():  # another session, as another process reads them
        assert eventlog.heads(workshop.id) == (4, 1)
    assert post_as_new_participant(app, workshop.id, "après") == 5


def test_the_numbers_of_a_rolled_back_transaction_are_taken_again(app, workshop):
    facilitator = Actor(ActorKind.FACILITATOR, workshop.id, user_id=workshop.created_by_id)
    eventlog.take_turn(workshop.id)
    assert notes.post_note(facilitator, workshop, "ideas", "oubliée", None).seq == 2
    db.session.rollback()
    with unit_of_work(workshop.id):
        assert notes.post_note(facilitator, workshop, "ideas", "gardée", None).seq == 2
    assert eventlog.heads(workshop.id) == (2, 1)
    assert sequence_numbers(workshop.id) == [1, 2]
