"""A phone on poor Wi-Fi: whatever it posted is saved exactly once."""

from __future__ import annotations

from sqlalchemy import select

from facilitation.extensions import db
from facilitation.notes.models import Note


def texts(workshop_id: int) -> list[str]:
    query = select(Note.text).where(Note.workshop_id == workshop_id).order_by(Note.id)
    return list(db.session.scalars(query))


def test_a_note_whose_ack_was_lost_is_saved_once_after_reconnecting(workshop, screens):
    phone = screens(workshop)
    outbox = [
        {"command_id": f"outbox-{index:04d}", "area": "ideas", "text": f"Idée {index}"}
        for index in range(3)
    ]
    phone.send("note.post", dict(outbox[0]))  # acked
    phone.send("note.post", dict(outbox[1]))  # processed, but the ack never arrived
    phone.close()  # the Wi-Fi drops with two commands still in the outbox
    back = screens(workshop, participant=phone.participant, join=False)
    back.join(since=phone.state.seq)
    acks = [back.send("note.post", dict(command)) for command in outbox[1:]]
    assert [ack["duplicate"] for ack in acks] == [True, False]
    assert texts(workshop.id) == ["Idée 0", "Idée 1", "Idée 2"]


def test_after_reconnecting_the_phone_gets_its_own_notes_back(workshop, screens):
    phone = screens(workshop)
    sent = phone.send("note.post", area="ideas", text="À retrouver")["data"]["note"]
    phone.close()
    back = screens(workshop, participant=phone.participant)
    notes = back.join_ack["snapshot"]["notes"]
    assert [(note["id"], note["mine"]) for note in notes] == [(sent["id"], True)]
