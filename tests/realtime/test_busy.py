"""A room that sends more than a process can serve: once a workshop's queue in the process
is too long to be served in time, a new command is refused at once with the code screens
resend (``rate_limited``); a refused command changed nothing, and sent again with its
same id it is carried out once. Here the bound is tiny, so any queue is too long."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from facilitation.extensions import db
from facilitation.metrics import REGISTRY
from facilitation.notes.models import Note
from facilitation.realtime.busy import Pace
from facilitation.realtime.models import Command
from facilitation.realtime.runtime import runtime

from ..sockets import Screen, command_id

BUSY_FR = "La salle est très sollicitée : votre envoi repartira dans un instant."


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app(COMMAND_QUEUE_MS=0.001)  # a microsecond: one command ahead is too many
    with app.app_context():
        yield app


@contextmanager
def turn_held(workshop_id: int) -> Iterator[None]:
    """Another command holding the workshop's turn in this process while the block runs
    (released after 30 s whatever happens, so a command that waited instead of being
    refused makes the test fail rather than hang)."""
    turn = runtime().turn(workshop_id)
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with turn.taken(refusable=False):
            taken.set()
            done.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait()
    try:
        yield
    finally:
        done.set()
        holder.join()


def note_post(text: str) -> dict[str, Any]:
    return {"command_id": command_id(), "area": "ideas", "text": text}


def stored_texts() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(select(Note.text)))


def stored_commands() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(Command.command_id)))


def shed(workshop_id: int) -> float:
    sample = REGISTRY.get_sample_value(
        "fabrique_commands_shed_total", {"workshop": str(workshop_id)}
    )
    return sample or 0.0


def test_a_command_behind_a_long_queue_is_refused_at_once_and_changes_nothing(workshop, screens):
    phone = screens(workshop)
    assert phone.send("note.post", note_post("Avant la foule"))["ok"]  # how long a turn takes
    refused_before = shed(workshop.id)
    payload = note_post("Dans la foule")
    with turn_held(workshop.id):
        ack = phone.send("note.post", dict(payload))
    assert ack == {
        "ok": False,
        "command_id": payload["command_id"],
        "error": {"code": "rate_limited", "message": BUSY_FR},
    }
    assert stored_texts() == ["Avant la foule"]
    assert payload["command_id"] not in stored_commands()
    assert shed(workshop.id) == refused_before + 1


def test_a_refused_command_sent_again_with_its_id_is_carried_out_once(workshop, screens):
    phone = screens(workshop)
    assert phone.send("note.post", note_post("Avant la foule"))["ok"]
    payload = note_post("Renvoyée plus tard")
    with turn_held(workshop.id):
        assert phone.send("note.post", dict(payload))["error"]["code"] == "rate_limited"
    again = phone.send("note.post", dict(payload))
    once_more = phone.send("note.post", dict(payload))
    assert (again["ok"], again["duplicate"]) == (True, False)
    assert once_more == {**again, "duplicate": True}
    assert stored_texts() == ["Avant la foule", "Renvoyée plus tard"]


def test_a_refused_vote_puts_no_dot_and_sent_again_puts_one(workshop, screens, go_to):
    phone = screens(workshop)
    note = phone.send("note.post", note_post("Une idée"))["data"]["note"]
    go_to("voting")
    payload = {"command_id": command_id(), "target": f"note:{note['id']}"}
    with turn_held(workshop.id):
        assert phone.send("vote.cast", dict(payload))["error"]["code"] == "rate_limited"
    assert db.session.get(Note, note["id"]).dots == 0
    assert phone.send("vote.cast", dict(payload))["ok"]
    assert phone.send("vote.cast", dict(payload))["duplicate"] is True
    db.session.rollback()
    assert db.session.get(Note, note["id"]).dots == 1


def test_one_workshops_long_queue_does_not_refuse_another_workshops_commands(
    create_workshop, screens
):
    busy, calm = create_workshop(), create_workshop()
    busy_phone, calm_phone = screens(busy), screens(calm)
    assert busy_phone.send("note.post", note_post("Avant la foule"))["ok"]
    assert calm_phone.send("note.post", note_post("Au calme"))["ok"]
    with turn_held(busy.id):
        refused = busy_phone.send("note.post", note_post("Dans la foule"))
        accepted = calm_phone.send("note.post", note_post("Toujours au calme"))
    assert refused["error"]["code"] == "rate_limited"
    assert accepted["ok"] is True
    assert stored_texts() == ["Au calme", "Avant la foule", "Toujours au calme"]


def test_in_a_burst_from_many_phones_every_command_is_carried_out_once_or_refused_unchanged(
    app, workshop, screens
):
    phones = [screens(workshop) for _ in range(6)]
    assert phones[0].send("note.post", note_post("Avant la foule"))["ok"]
    sent = {
        phone: [note_post(f"Téléphone {i}, note {n}") for n in range(5)]
        for i, phone in enumerate(phones)
    }
    start = threading.Barrier(len(phones))
    acks: dict[str, dict[str, Any]] = {}

    def burst(phone: Screen) -> None:
        start.wait()
        for payload in sent[phone]:
            acks[payload["command_id"]] = phone.sio.emit("note.post", dict(payload), callback=True)

    threads = [threading.Thread(target=burst, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    payloads = [payload for batch in sent.values() for payload in batch]
    accepted = {key for key, ack in acks.items() if ack["ok"]}
    refused = {key for key, ack in acks.items() if not ack["ok"]}
    assert {acks[key]["error"]["code"] for key in refused} <= {"rate_limited"}
    assert all(acks[key]["duplicate"] is False for key in accepted)
    texts = {payload["command_id"]: payload["text"] for payload in payloads}
    assert stored_texts() == sorted(["Avant la foule", *(texts[key] for key in accepted)])
    assert not refused & stored_commands()

    for phone in phones:  # the refused ones sent again, one after the other
        for payload in sent[phone]:
            if payload["command_id"] in refused:
                ack = phone.send("note.post", dict(payload))
                assert (ack["ok"], ack["duplicate"]) == (True, False)
    assert stored_texts() == sorted(["Avant la foule", *texts.values()])


def test_a_late_process_refuses_the_workshop_sending_the_most_and_not_a_calm_one(
    create_workshop, screens
):
    busy, calm = create_workshop(), create_workshop()
    busy_phone, calm_phone = screens(busy), screens(calm)
    pace = runtime().pace
    pace.clock = lambda: 1000.0  # one second that lasts: the recent counts stay as sent
    for n in range(5):
        assert busy_phone.send("note.post", note_post(f"Foule {n}"))["ok"]
    assert calm_phone.send("note.post", note_post("Au calme"))["ok"]
    pace.late, pace.busy = 1.0, 1.0  # the loop wakes a second late, its own work to do
    refused = busy_phone.send("note.post", note_post("Encore la foule"))
    accepted = calm_phone.send("note.post", note_post("Toujours au calme"))
    assert refused["error"]["code"] == "rate_limited"
    assert accepted["ok"] is True
    pace.late = 0.0  # the process caught up
    assert busy_phone.send("note.post", note_post("La foule, plus tard"))["ok"]


def test_a_process_late_because_other_programs_share_the_machine_refuses_nothing(workshop, screens):
    phone = screens(workshop)
    pace = runtime().pace
    pace.late, pace.busy = 1.0, 0.2  # a second late, its own work a fifth of a core
    for n in range(5):
        assert phone.send("note.post", note_post(f"Machine partagée {n}"))["ok"]
    pace.busy = 0.9  # now its own work is what makes it late
    assert phone.send("note.post", note_post("Salle pleine"))["error"]["code"] == "rate_limited"


def test_the_pace_measures_how_late_the_loop_wakes_and_how_much_of_a_core_it_used():
    now, used = [0.0], [0.0]

    def sleep(seconds: float) -> None:  # woken 0.4 s late, having used 0.45 s of CPU
        now[0] += seconds + 0.4
        used[0] += 0.45
        if now[0] > 10:
            raise StopIteration

    pace = Pace(clock=lambda: now[0], working=lambda: used[0])
    with pytest.raises(StopIteration):
        pace.watch(sleep)
    assert pace.late == pytest.approx(0.4, abs=0.01)
    assert pace.busy == pytest.approx(0.9, abs=0.02)
    assert pace.expected_wait() == pytest.approx(Pace.HOPS * 0.4, rel=0.05)
    busy_elsewhere = Pace(clock=lambda: now[0], working=lambda: 0.0)
    busy_elsewhere.late = 0.4
    assert busy_elsewhere.expected_wait() == 0.0


def test_a_facilitators_command_is_not_refused_when_the_room_is_busy(workshop, screens, go_to):
    phone = screens(workshop)
    pace = runtime().pace
    pace.late, pace.busy = 1.0, 1.0  # the loop wakes a second late, its own work to do
    assert phone.send("note.post", note_post("Dans la foule"))["error"]["code"] == "rate_limited"
    go_to("voting")  # the control page's phase move: acknowledged
