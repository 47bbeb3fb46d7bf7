"""The event log: numbered in the transaction of the change, published only once committed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from facilitation.auth import Actor, ActorKind
from facilitation.extensions import db
from facilitation.notes import services as notes
from facilitation.participants import services as participants
from facilitation.realtime import eventlog
from facilitation.realtime.models import Event
from facilitation.workshops.services import get_workshop


def sequence_numbers(workshop_id: int) -> list[int]:
    query = select(Event.seq).where(Event.workshop_id == workshop_id).order_by(Event.seq)
    return list(db.session.scalars(query))


def post_as_new_participant(app, workshop_id: int, text: str) -> int:
    with app.app_context():
        workshop = get_workshop(workshop_id)
        participant = participants.join(workshop, None)
        actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant.id)
        note = notes.post_note(actor, workshop, "ideas", text, None)
        db.session.commit()
        return note.seq


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
