"""A phone's messages are answered in the order it sent them: one socket's events are
handled one after the other (docs/protocol.md, "Acks"), on the server as deployed."""

from __future__ import annotations

import threading
import uuid

import pytest

from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..bulk import insert_notes
from ..clients import LiveClient, join_as_participant, sign_in
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


def test_a_facilitator_s_phase_change_is_not_held_up_by_a_grouping_suggestion(
    shared_app, start_server
):
    """A suggestion over 300 loose notes waits seconds for the similarity process (its
    model loads, every note is embedded); the facilitator's next phase, sent right after
    it on the same socket, is answered first. A socket has at most three such queries in
    hand: a fourth at once is refused (rate_limited), not queued."""
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    owner = accounts.create_user(email, "Dominique", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
    workshop.phase_index = 2  # grouping
    db.session.commit()
    insert_notes(workshop.id, 300)
    server = start_server("a")
    control = LiveClient(server.url, sign_in(server.url, email, PASSWORD)).connect()
    assert control.join(workshop.code, "control")["ok"]
    answered: list[tuple[str, dict]] = []
    everything = threading.Event()
    labels = ["suggest 1", "suggest 2", "suggest 3", "suggest 4", "next phase"]

    def record(label: str):  # type: ignore[no-untyped-def]
        def answer(ack: dict) -> None:
            answered.append((label, ack))
            if len(answered) == len(labels):
                everything.set()

        return answer

    for label in labels[:4]:
        control.sio.emit("assist.suggest", {"area": None}, callback=record(label))
    control.sio.emit(
        "phase.move", {"index": 3, "command_id": uuid.uuid4().hex}, callback=record("next phase")
    )
    assert everything.wait(180), f"{len(answered)} of {len(labels)} answered"
    acks = dict(answered)
    order = [label for label, _ in answered]
    assert acks["suggest 4"]["error"]["code"] == "rate_limited", acks["suggest 4"]
    assert acks["next phase"]["ok"], acks["next phase"]
    assert order.index("next phase") < min(order.index(f"suggest {n}") for n in (1, 2, 3)), order
    for n in (1, 2, 3):
        groups = acks[f"suggest {n}"]["groups"]
        assert groups, acks[f"suggest {n}"]
        assert all(group["notes"] for group in groups)
