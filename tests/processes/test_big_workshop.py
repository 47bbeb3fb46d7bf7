"""A 10,000-note workshop on two processes sharing PostgreSQL and Redis: a board and a
phone join it while the facilitator changes notes, and both converge within 10 s."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from facilitation.accounts import services as accounts
from facilitation.auth import Actor, ActorKind
from facilitation.extensions import db
from facilitation.participants.models import Participant
from facilitation.workshops import services as workshops
from facilitation.workshops.snapshots import snapshot

from ..bulk import insert_notes
from ..clients import LiveClient, join_as_participant, sign_in
from ..conftest import PASSWORD
from ..sockets import BoardState

pytestmark = pytest.mark.processes

NOTES = 10_000
DEADLINE = 10.0  # seconds from the joins to both screens equal to the database


@pytest.fixture
def big_workshop(shared_app) -> dict[str, Any]:
    """A brainstorm at its reveal (every phone sees every note) with 10,000 notes."""
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    owner = accounts.create_user(email, "Dominique", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
    workshop.phase_index = 1
    db.session.commit()
    ids = insert_notes(workshop.id, NOTES)
    return {
        "code": workshop.code,
        "key": workshop.board_key,
        "id": workshop.id,
        "email": email,
        "ids": ids,
    }


def database_view(actor: Actor) -> BoardState:
    """What the actor's screen must hold: a fresh snapshot, every page at once."""
    db.session.rollback()
    state = BoardState()
    state.load(snapshot(actor, workshops.get_workshop(actor.workshop_id), 0, budget=None))
    return state


def timed_join(client: LiveClient, code: str, role: str, key: str | None = None) -> float:
    started = time.monotonic()
    assert client.join(code, role, key)["ok"]
    return time.monotonic() - started


def change_notes(control: LiveClient, ids: list[int]) -> None:
    """What a facilitator does meanwhile: post, fix typos, delete, across the whole range."""
    for index in range(10):
        assert control.send("note.post", area="ideas", text=f"Pendant le chargement {index}")["ok"]
        assert control.send("note.edit", id=ids[index * 997], text=f"Corrigée {index}")["ok"]
        assert control.send("note.delete", id=ids[index * 997 + 1])["ok"]


def test_a_board_and_a_phone_join_a_ten_thousand_note_workshop_and_converge(
    start_server, big_workshop
):
    near, far = start_server("near"), start_server("far")
    code = big_workshop["code"]
    control = LiveClient(near.url, sign_in(near.url, big_workshop["email"], PASSWORD)).connect()
    phone = LiveClient(near.url, join_as_participant(near.url, code)).connect()
    board = LiveClient(far.url).connect()
    try:
        assert control.join(code, "control")["ok"]
        started = time.monotonic()
        with ThreadPoolExecutor(3) as pool:
            board_join = pool.submit(timed_join, board, code, "board", big_workshop["key"])
            phone_join = pool.submit(timed_join, phone, code, "phone")
            pool.submit(change_notes, control, big_workshop["ids"]).result()
            seconds = {"board": board_join.result(), "phone": phone_join.result()}
        participant = db.session.scalar(
            select(Participant.id).where(Participant.workshop_id == big_workshop["id"])
        )
        views = {
            "board": database_view(Actor(ActorKind.BOARD, big_workshop["id"])),
            "phone": database_view(
                Actor(ActorKind.PARTICIPANT, big_workshop["id"], participant_id=participant)
            ),
        }
        # The screens hold what they will hold: they converged when it last changed.
        assert board.wait_for(lambda client: client.state == views["board"], timeout=5)
        assert phone.wait_for(lambda client: client.state == views["phone"], timeout=5)
        converged = max(board.changed_at, phone.changed_at) - started
        print(
            f"\n10,000 notes: board joined in {seconds['board']:.2f} s ({board.pages} pages), "
            f"phone in {seconds['phone']:.2f} s ({phone.pages} pages); both equal to the "
            f"database {converged:.2f} s after the joins began"
        )
        assert converged <= DEADLINE
    finally:
        for client in (control, phone, board):
            client.close()
