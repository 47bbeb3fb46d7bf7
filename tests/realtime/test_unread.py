"""A command that waited unread behind its socket's earlier messages: a socket's messages
are read one at a time, so a screen that sends several without waiting for their acks has
the later ones wait behind the earlier. Each command says when the screen sent it
(``sent``, by the screen's own clock); one that already waited so past the bound is
refused at once, as one behind a long queue for the turn is (realtime/busy.py:
``Unread``). A command that found its socket idle waited behind nothing, however late it
came (a slow link, a loop late because of other programs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.realtime import commands
from facilitation.realtime.busy import Unread
from facilitation.realtime.models import Command

from ..sockets import command_id

BOUND_MS = 1000


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app(COMMAND_QUEUE_MS=BOUND_MS)
    with app.app_context():
        yield app


class Clock:
    """The process's clock as the socket's messages see it: each reading ``step`` after
    the one before (a millisecond; more while a handling is to take long), and moved on
    by ``skip`` (the socket idle)."""

    def __init__(self) -> None:
        self.now, self.step = 100.0, 0.001

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def skip(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(commands, "clock", clock)
    return clock


def note_post(text: str, sent: Any) -> dict[str, Any]:
    return {"command_id": command_id(), "area": "ideas", "text": text, "sent": sent}


def stored_texts() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(select(Note.text)))


def test_a_message_waited_behind_its_socket_what_its_sent_time_says_within_the_busy_stretch():
    unread = Unread()
    unread.read(50.000)  # the socket was idle: a busy stretch begins
    assert unread.waited(sent=1_000.0, now=50.000) == 0.0  # the link's delay: 49,000 ms
    unread.answered(52.000)  # a handling of two seconds
    unread.read(52.001)  # read at once after it: it was waiting
    assert unread.waited(sent=1_500.0, now=52.001) == pytest.approx(1.501)
    unread.answered(52.100)
    unread.read(60.000)  # the socket idle again: late, but behind nothing
    assert unread.waited(sent=2_000.0, now=60.000) == 0.0
    unread.answered(61.000)
    unread.read(61.001)  # a screen whose clock says more than the stretch lasted
    assert unread.waited(sent=0.0, now=61.001) == pytest.approx(1.001)
    unread.answered(61.002)
    unread.read(61.003)
    assert unread.waited(sent=20_000.0, now=61.003) == 0.0  # nearer: the link's delay now


def test_a_command_that_waited_behind_its_socket_past_the_bound_is_refused_and_changes_nothing(
    workshop, screens, clock
):
    phone = screens(workshop)
    sent = clock.now * 1000  # the screen's clock: the process's own, here
    clock.step = 2 * BOUND_MS / 1000  # that note's handling takes four bounds
    assert phone.send("note.post", note_post("Lue aussitôt", sent))["ok"]
    clock.step = 0.001
    late = note_post("Restée en attente", sent)  # sent with the first: waited behind it
    ack = phone.send("note.post", dict(late))
    assert ack["ok"] is False
    assert ack["command_id"] == late["command_id"]
    assert ack["error"]["code"] == "rate_limited"
    assert stored_texts() == ["Lue aussitôt"]
    db.session.rollback()
    stored = select(Command.id).where(Command.command_id == late["command_id"])
    assert db.session.scalar(stored) is None
    clock.skip(5)  # sent again a moment later, read at once
    again = phone.send("note.post", {**late, "sent": clock.now * 1000})
    assert (again["ok"], again["duplicate"]) == (True, False)
    assert stored_texts() == ["Lue aussitôt", "Restée en attente"]


def test_a_command_that_waited_a_little_or_found_its_socket_idle_is_carried_out(
    workshop, screens, clock
):
    phone = screens(workshop)
    sent = clock.now * 1000
    clock.step = BOUND_MS / 8000  # that note's handling takes a quarter of the bound
    assert phone.send("note.post", note_post("Lue aussitôt", sent))["ok"]
    clock.step = 0.001
    assert phone.send("note.post", note_post("Un peu en attente", sent))["ok"]
    clock.skip(3 * BOUND_MS / 1000)  # the socket idle; then a note three bounds late
    assert phone.send("note.post", note_post("Venue lentement", sent + 1))["ok"]
    plain = {"command_id": command_id(), "area": "ideas", "text": "Sans dire quand"}
    assert phone.send("note.post", plain)["ok"]  # a screen that says nothing waited nothing
    assert len(stored_texts()) == 4


def test_a_facilitator_s_command_that_waited_is_not_refused(workshop, control, clock):
    sent = clock.now * 1000
    clock.step = 2 * BOUND_MS / 1000  # the timer's handling takes four bounds
    timer = {"command_id": command_id(), "seconds": 300, "sent": sent}
    assert control.send("timer.start", timer)["ok"]
    clock.step = 0.001
    ack = control.send("phase.move", {"command_id": command_id(), "index": 1, "sent": sent})
    assert ack["ok"], ack


@pytest.mark.parametrize("sent", ["12", True, None, -1, 1e14, [1], {"ms": 1}], ids=repr)
def test_a_sent_that_is_not_a_time_is_invalid_and_changes_nothing(workshop, screens, sent):
    phone = screens(workshop)
    payload = note_post("Quand ?", sent)
    ack = phone.send("note.post", payload)
    assert ack["ok"] is False
    assert ack["command_id"] == payload["command_id"]
    assert ack["error"]["code"] == "invalid"
    assert list(ack["error"]["fields"]) == ["sent"]
    assert stored_texts() == []
