"""A phone's messages are answered in the order it sent them: one socket's events are
handled one after the other (docs/protocol.md, "Acks"), on the server as deployed."""

from __future__ import annotations

import threading
import uuid

import pytest

from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..clients import LiveClient, join_as_participant
from ..conftest import PASSWORD

pytestmark = pytest.mark.processes


def test_a_phone_s_acks_come_in_the_order_of_its_messages(shared_app, start_server):
    owner = accounts.create_user(f"{uuid.uuid4().hex[:8]}@example.org", "Dominique", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
    db.session.commit()  # silent writing: notes go to the board and their author
    server = start_server("a", SOCKET_QUERY_LIMITS="1000/second")
    phone = LiveClient(server.url, join_as_participant(server.url, workshop.code, "Léa"))
    phone.connect()
    joined = phone.join(workshop.code, "phone")
    assert joined["ok"], joined
    answered: list[tuple[str, bool]] = []
    everything = threading.Event()
    sent: list[str] = []

    def answer(label: str):  # type: ignore[no-untyped-def]
        def record(ack: dict) -> None:
            answered.append((label, ack["ok"]))
            if len(answered) == len(sent):
                everything.set()

        return record

    # A note waits for its workshop's turn and its commit; a sync right behind it needs
    # neither, and used to be answered first.
    for index in range(20):
        for label, name, payload in (
            (
                f"note {index}",
                "note.post",
                {
                    "command_id": uuid.uuid4().hex,
                    "area": "ideas",
                    "text": f"Idée {index}",
                    "color": None,
                },
            ),
            (f"sync {index}", "sync", {"since": joined["snapshot"]["head"]}),
        ):
            sent.append(label)
            phone.sio.emit(name, payload, callback=answer(label))
    assert everything.wait(30), f"{len(answered)} of {len(sent)} answered"
    assert answered == [(label, True) for label in sent]
