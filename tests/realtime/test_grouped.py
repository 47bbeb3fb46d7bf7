"""Commands that wait together for their workshop's turn (a burst of notes, a room's dots)
are carried out together: one turn and one commit for all, each acked once that commit is
done, each with its own result, as if carried out alone in the order they came. A refused
or resent command among them ends as it would alone, and its neighbours go through."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine.interfaces import CacheStats

from facilitation.extensions import db
from facilitation.notes import services as notes_services
from facilitation.notes.models import Note
from facilitation.realtime import eventlog
from facilitation.realtime.busy import Job, Pace, Turn
from facilitation.realtime.limits import SocketLimits
from facilitation.realtime.models import Command, Event
from facilitation.realtime.runtime import gathering_pause, runtime
from facilitation.votes import services as votes_services
from facilitation.votes.models import Vote, VoteTotals
from facilitation.workshops.services import get_workshop

from ..services import redis_url
from ..sockets import Screen, command_id
from ..statements import statements
from . import test_busy as busy
from .test_limits import CountingRedis


def note_post(text: str) -> dict[str, Any]:
    return {"command_id": command_id(), "area": "ideas", "text": text}


@contextmanager
def commits() -> Iterator[list[int]]:
    """The database commits made while the block runs (one entry each)."""
    seen: list[int] = []

    def record(_connection: Any) -> None:
        seen.append(1)

    event.listen(db.engine, "commit", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "commit", record)


class Waiting:
    """Commands sent from threads while another command holds the workshop's turn: each
    is queued (the turn counts it) before the next is sent, so they wait in that order."""

    def __init__(self, workshop_id: int) -> None:
        self.turn = runtime().turn(workshop_id)
        self.threads: list[threading.Thread] = []
        self.acks: list[dict[str, Any]] = []

    def send(self, screen: Screen, name: str, payload: dict[str, Any]) -> None:
        index = len(self.acks)
        self.acks.append({})
        queued = self.turn.queued

        def run() -> None:
            self.acks[index] = screen.sio.emit(name, payload, callback=True)

        thread = threading.Thread(target=run)
        thread.start()
        self.threads.append(thread)
        deadline = time.monotonic() + 10
        while self.turn.queued == queued:
            assert time.monotonic() < deadline, "the command never queued for the turn"
            time.sleep(0.005)

    def acked(self) -> list[dict[str, Any]]:
        for thread in self.threads:
            thread.join(timeout=30)
        db.session.rollback()
        return self.acks


@contextmanager
def turn_held(workshop_id: int) -> Iterator[Waiting]:
    """Another command holds the workshop's turn while the block sends commands; they
    are carried out once it ends."""
    with busy.turn_held(workshop_id):
        yield Waiting(workshop_id)


def stored_notes() -> dict[str, int]:
    db.session.rollback()
    return dict(db.session.execute(select(Note.text, Note.seq)).all())


def test_notes_waiting_for_the_turn_share_one_turn_and_one_commit(workshop, screens, facilitator):
    phones = [screens(workshop) for _ in range(5)]
    board = screens(workshop, "board", user=facilitator)
    board.events()
    payloads = [note_post(f"Idée {n}") for n in range(5)]
    with commits() as committed:
        with turn_held(workshop.id) as waiting:
            for phone, payload in zip(phones, payloads, strict=True):
                waiting.send(phone, "note.post", dict(payload))
            assert committed == []  # nothing carried out while the turn is held
        acks = waiting.acked()

    assert len(committed) == 1
    assert [ack["ok"] for ack in acks] == [True] * 5
    assert [ack["duplicate"] for ack in acks] == [False] * 5
    stored = stored_notes()
    assert [ack["seq"] for ack in acks] == [stored[f"Idée {n}"] for n in range(5)]
    assert [ack["data"]["note"]["text"] for ack in acks] == [f"Idée {n}" for n in range(5)]
    assert sorted(ack["seq"] for ack in acks) == [ack["seq"] for ack in acks]  # as they came
    shown = [e["data"]["text"] for e in board.events() if e["type"] == "note.posted"]
    assert shown == [f"Idée {n}" for n in range(5)]
    for phone, payload in zip(phones, payloads, strict=True):  # each ack stored as sent
        again = phone.send("note.post", dict(payload))
        assert again == {**acks[payloads.index(payload)], "duplicate": True}


def test_a_refused_command_among_waiting_ones_is_refused_alone(workshop, screens):
    first, second, third = (screens(workshop) for _ in range(3))
    with commits() as committed:
        with turn_held(workshop.id) as waiting:
            waiting.send(first, "note.post", note_post("Avant"))
            edit = {"command_id": command_id(), "id": 10**9, "text": "?"}
            waiting.send(second, "note.edit", edit)
            waiting.send(third, "note.post", note_post("Après"))
        before, refused, after = waiting.acked()

    assert (before["ok"], after["ok"]) == (True, True)
    assert refused["ok"] is False
    assert refused["error"]["code"] == "not_found"
    assert before["seq"] < after["seq"]
    assert stored_notes() == {"Avant": before["seq"], "Après": after["seq"]}
    assert len(committed) == 2  # the refusal committed nothing


def test_a_resent_command_among_waiting_ones_gets_its_ack_again_and_changes_nothing(
    workshop, screens
):
    phone, other = screens(workshop), screens(workshop)
    payload = note_post("Déjà postée")
    first = phone.send("note.post", dict(payload))
    with turn_held(workshop.id) as waiting:
        waiting.send(other, "note.post", note_post("Nouvelle"))
        waiting.send(phone, "note.post", dict(payload))
        waiting.send(other, "note.post", note_post("Encore une"))
    new, resent, last = waiting.acked()

    assert resent == {**first, "duplicate": True}
    assert (new["duplicate"], last["duplicate"]) == (False, False)
    assert set(stored_notes()) == {"Déjà postée", "Nouvelle", "Encore une"}


def test_a_command_sent_twice_in_one_burst_is_carried_out_once_and_acked_twice(workshop, screens):
    """The phone's resend arrives while its first sending still waits for the turn: the
    burst stores the first, and the second gets its ack again."""
    phone, other = screens(workshop), screens(workshop)
    payload = note_post("Envoyée deux fois")
    with commits() as committed:
        with turn_held(workshop.id) as waiting:
            waiting.send(phone, "note.post", dict(payload))
            waiting.send(other, "note.post", note_post("Voisine"))
            waiting.send(phone, "note.post", dict(payload))
        first, neighbour, again = waiting.acked()

    assert (first["duplicate"], neighbour["duplicate"]) == (False, False)
    assert again == {**first, "duplicate": True}
    assert stored_notes() == {"Envoyée deux fois": first["seq"], "Voisine": neighbour["seq"]}
    assert len(committed) == 1  # the first two together; the resend alone commits nothing
    log = db.session.scalars(select(Event.seq).where(Event.workshop_id == workshop.id))
    assert sorted(log) == [1, first["seq"], neighbour["seq"]]  # each change logged once


def test_dots_waiting_together_stop_at_the_budget_as_one_after_the_other(
    workshop, screens, control, go_to
):
    phone = screens(workshop)
    note = phone.send("note.post", note_post("À voter"))["data"]["note"]
    go_to("voting")
    budget = 3
    assert control.send("vote.rules", budget=budget, max_per_item=budget)["ok"]
    with turn_held(workshop.id) as waiting:
        for _ in range(budget + 2):
            dot = {"command_id": command_id(), "target": f"note:{note['id']}"}
            waiting.send(phone, "vote.cast", dot)
    acks = waiting.acked()

    assert [ack["ok"] for ack in acks] == [True] * budget + [False, False]
    db.session.rollback()
    assert db.session.get(Note, note["id"]).dots == budget


def test_dots_waiting_together_write_their_events_in_one_statement(
    workshop, screens, control, go_to
):
    """Each dot moves the room's totals; that statement must not write the group's events
    so far before it: the group's events go in one insert as it commits."""
    phone = screens(workshop)
    notes = [phone.send("note.post", note_post(f"À voter {n}"))["data"]["note"] for n in range(3)]
    go_to("voting")
    with statements() as seen:
        with turn_held(workshop.id) as waiting:
            for note in notes:
                dot = {"command_id": command_id(), "target": f"note:{note['id']}"}
                waiting.send(phone, "vote.cast", dot)
        acks = waiting.acked()

    assert [ack["ok"] for ack in acks] == [True] * 3
    inserts = [s for s in seen if "INSERT INTO events" in s]
    assert len(inserts) == 1, inserts


def test_dots_waiting_together_read_their_voters_once_and_write_what_they_moved_once(
    workshop, screens, control, facilitator, go_to
):
    """Six dots of three phones carried out together: their voters' votes are read in
    one statement, their notes in one more, and what they moved is written once as they
    commit, one statement per kind of change; each is acked with its own count and
    budget, and the staff see each tally in turn, as if carried out alone one after the
    other."""
    author = screens(workshop)
    notes = [author.send("note.post", note_post(f"À voter {n}"))["data"]["note"] for n in range(2)]
    go_to("voting")
    phones = [screens(workshop) for _ in range(3)]
    assert phones[0].send("vote.cast", target=f"note:{notes[1]['id']}")["ok"]  # stored before
    board = screens(workshop, "board", user=facilitator)
    board.events()
    sent = [(0, 0), (1, 0), (0, 0), (2, 1), (1, 1), (0, 1)]  # (phone, note)
    with statements() as seen:
        with turn_held(workshop.id) as waiting:
            for phone, note in sent:
                dot = {"command_id": command_id(), "target": f"note:{notes[note]['id']}"}
                waiting.send(phones[phone], "vote.cast", dot)
        acks = waiting.acked()

    assert [ack["ok"] for ack in acks] == [True] * 6
    assert [ack["data"]["mine"] for ack in acks] == [1, 1, 2, 1, 1, 2]
    assert [ack["data"]["used"][""] for ack in acks] == [2, 1, 3, 1, 2, 4]
    tallies = [e["data"] for e in board.events() if e["type"] == "votes.tallied"]
    assert [(t["dots"], t["total"], t["voters"]) for t in tallies] == [
        (1, 2, 1),
        (2, 3, 2),
        (3, 4, 2),
        (2, 5, 3),
        (3, 6, 3),
        (4, 7, 3),
    ]
    reads = [s for s in seen if "FROM votes" in s]
    assert len(reads) == 1, reads
    notes_read = [s for s in seen if "FROM notes" in s]
    assert len(notes_read) == 1, notes_read  # the dots' two notes, at once
    if db.engine.dialect.name == "postgresql":  # the room's totals read as the first dot
        # moves them; the rest carried by the commands' row: four votes in one insert, the
        # one changed, the two notes in one update, the totals, the events, the heads
        first, carried = writes(seen)
        assert first == "vote_totals"
        moved = ["votes", "votes", "notes", "vote_totals"]
        assert sorted(carried.split(" + ")) == sorted(
            [*moved, "events", "event_streams", "commands"]
        ), carried
    else:
        written = [
            s.split("(")[0].split(" SET")[0] for s in seen if s.startswith(("INSERT", "UPDATE"))
        ]
        assert written.count("INSERT INTO votes ") == 1
        assert written.count("UPDATE votes") == 1
        assert written.count("UPDATE notes") == 1
        assert written.count("UPDATE vote_totals") == 2
    db.session.rollback()
    stored = db.session.execute(select(Vote.participant_id, Vote.target, Vote.dots)).all()
    ids = [phone.participant.id for phone in phones]
    assert sorted(stored) == sorted(
        [
            (ids[0], f"note:{notes[0]['id']}", 2),
            (ids[0], f"note:{notes[1]['id']}", 2),
            (ids[1], f"note:{notes[0]['id']}", 1),
            (ids[1], f"note:{notes[1]['id']}", 1),
            (ids[2], f"note:{notes[1]['id']}", 1),
        ]
    )
    assert [db.session.get(Note, note["id"]).dots for note in notes] == [3, 4]
    kept = db.session.get(VoteTotals, workshop.id)
    assert (kept.dots, kept.voters) == (7, 3)
    assert votes_services.totals(get_workshop(workshop.id)) == {"total": 7, "voters": 3}


def test_dots_waiting_together_on_notes_gone_or_elsewhere_are_refused_alone(
    workshop, screens, control, go_to, create_workshop
):
    """The group's notes are read at once, another workshop's and a merged one among
    them: those dots are still refused as not found, and the others go through."""
    author = screens(workshop)
    notes = [author.send("note.post", note_post(f"Note {n}"))["data"]["note"] for n in range(3)]
    elsewhere = screens(create_workshop()).send("note.post", note_post("Ailleurs"))
    assert control.send("note.merge", id=notes[2]["id"], into=notes[0]["id"])["ok"]
    go_to("voting")
    phone = screens(workshop)
    targets = [notes[0]["id"], elsewhere["data"]["note"]["id"], notes[2]["id"], notes[1]["id"]]
    with turn_held(workshop.id) as waiting:
        for note in targets:
            waiting.send(phone, "vote.cast", {"command_id": command_id(), "target": f"note:{note}"})
    acks = waiting.acked()

    assert [ack["ok"] for ack in acks] == [True, False, False, True]
    assert [ack["error"]["code"] for ack in acks[1:3]] == ["not_found", "not_found"]
    assert [db.session.get(Note, note["id"]).dots for note in notes] == [1, 1, 0]
    assert db.session.get(Note, elsewhere["data"]["note"]["id"]).dots == 0


def sent_from_threads(
    turn: Turn, carry_out: Callable[[list[Job]], None], count: int, first: int = 0
) -> tuple[list[threading.Thread], list[Any]]:
    """Jobs ``first`` to ``first + count - 1`` given to the turn from threads, each queued
    before the next starts; the threads, and the outcome each will get (its result, or
    its error)."""
    outcomes: list[Any] = [None] * count

    def send(index: int) -> None:
        try:
            outcomes[index] = turn.grouped(Job(first + index), carry_out)
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=send, args=(index,)) for index in range(count)]
    for thread in threads:
        queued = turn.queued
        thread.start()
        while turn.queued == queued:
            time.sleep(0.001)
    return threads, outcomes


def recorded(groups: list[list[int]]) -> Callable[[list[Job]], None]:
    """Work that records each group it is given and finishes each job with its own
    number as its result."""

    def carry_out(jobs: list[Job]) -> None:
        groups.append([job.work for job in jobs])
        for job in jobs:
            job.finish(result=job.work)

    return carry_out


class TestTheTurnItself:
    """The turn's grouping alone, with threads as commands and a plain function as the
    work: whoever finds the turn free carries out every waiting job."""

    @pytest.fixture
    def turn(self) -> Turn:
        return Turn(1, 0, Pace())

    def waiting(self, turn: Turn, carry_out: Callable[[list[Job]], None], count: int) -> list[Any]:
        with turn.taken(refusable=False):
            threads, outcomes = sent_from_threads(turn, carry_out, count)
        for thread in threads:
            thread.join(timeout=10)
        return outcomes

    def test_jobs_that_waited_are_carried_out_together_each_with_its_result(self, turn):
        groups: list[list[int]] = []

        def carry_out(jobs: list[Job]) -> None:
            groups.append([job.work for job in jobs])
            for job in jobs:
                job.finish(result=job.work * 10)

        assert self.waiting(turn, carry_out, 5) == [0, 10, 20, 30, 40]
        assert groups == [[0, 1, 2, 3, 4]]
        assert turn.queued == 0

    def test_no_more_than_a_group_at_a_time(self, turn):
        turn.GROUP = 2
        groups: list[list[int]] = []
        carry_out = recorded(groups)

        assert self.waiting(turn, carry_out, 5) == [0, 1, 2, 3, 4]
        assert groups == [[0, 1], [2, 3], [4]]

    def test_a_failure_of_the_work_reaches_every_job_and_none_waits_forever(self, turn):
        def carry_out(jobs: list[Job]) -> None:
            jobs[0].finish(result="done")
            raise RuntimeError("the database went away")

        outcomes = self.waiting(turn, carry_out, 3)
        assert outcomes[0] == "done"
        assert [str(outcome) for outcome in outcomes[1:]] == ["the database went away"] * 2

    def test_a_job_the_work_forgot_is_refused_not_left_waiting(self, turn):
        def carry_out(jobs: list[Job]) -> None:
            jobs[0].finish(result="done")

        outcomes = self.waiting(turn, carry_out, 2)
        assert outcomes[0] == "done"
        assert isinstance(outcomes[1], RuntimeError)


class TestGathering:
    """Where a workshop's commands come closer together than the gathering pause, the
    first of a group (behind a held turn too) waits for the next ones, as long as a group
    of eight takes at the room's pace but no longer than that pause, and leads them all;
    a lone command, or one behind commands already waiting, does not wait."""

    def test_commands_coming_close_together_wait_for_each_other_and_go_as_one_group(self):
        turn = Turn(1, 0, Pace(), gather=0.5)
        turn.gap = 0.1  # a room already sending ten a second: a pause of 0.5 s
        groups: list[list[int]] = []
        carry_out = recorded(groups)

        threads, outcomes = sent_from_threads(turn, carry_out, 3)  # each finds the turn free
        for thread in threads:
            thread.join(timeout=10)
        assert outcomes == [0, 1, 2]
        assert groups == [[0, 1, 2]]
        assert turn.queued == 0

    def pauses(self, turn: Turn, arrivals: list[float]) -> list[float]:
        """The pause each of these commands made, arriving at these times one after the
        other (each done before the next arrives)."""
        now = [0.0]
        slept: list[float] = []
        turn.clock, turn.sleep = (lambda: now[0]), slept.append

        def carry_out(jobs: list[Job]) -> None:
            for job in jobs:
                job.finish(result=None)

        for arrival in arrivals:
            now[0] = arrival
            turn.grouped(Job(arrival), carry_out)
        return slept

    def test_commands_far_apart_never_wait(self):
        turn = Turn(1, 0, Pace(), gather=0.01)
        assert self.pauses(turn, [1.0, 1.5, 2.0, 2.02, 2.04]) == [0.0] * 5

    def test_a_room_that_speeds_up_starts_gathering_and_stops_when_it_calms(self):
        turn = Turn(1, 0, Pace(), gather=0.01)
        arrivals = [10 + i * 0.002 for i in range(30)]  # 500 a second
        arrivals += [arrivals[-1] + 1 + i for i in range(10)]  # then one a second
        slept = self.pauses(turn, arrivals)
        assert slept[0] == 0.0  # nothing known yet about the room's pace
        started = slept.index(0.01)  # once the pace is known, one command gathers
        assert started < 29
        # the next ones within its pause wait until it ends (and a little more): it leads
        assert slept[started + 1] == pytest.approx(0.01 - 0.002 + turn.AFTER_GATHERING)
        assert all(pause > 0 for pause in slept[started:30])
        assert slept[-5:] == [0.0] * 5  # the room calmed

    def test_the_pause_lasts_as_long_as_a_group_of_eight_takes_at_the_rooms_pace(self):
        turn = Turn(1, 0, Pace(), gather=0.025)
        slept = self.pauses(turn, [10 + i * 0.001 for i in range(100)])  # 1,000 a second
        # once the pace is known: seven more, a millisecond apart
        assert max(slept[-20:]) == pytest.approx(0.007, abs=0.0002)
        turn = Turn(1, 0, Pace(), gather=0.025)
        slept = self.pauses(turn, [10 + i * 0.005 for i in range(60)])  # 200 a second
        assert max(slept[-20:]) == 0.025  # seven more would take 35 ms: the longest pause

    def test_no_pause_without_a_gathering_pause_configured(self):
        turn = Turn(1, 0, Pace(), gather=0.0)
        assert set(self.pauses(turn, [10 + i * 0.001 for i in range(30)])) == {0.0}

    def test_behind_a_held_turn_the_next_group_gathers_for_the_pause_too(self):
        # The turn is held a moment (a transaction waiting on its round trips); one
        # command arrives meanwhile, the next two after the turn came free but within the
        # pause of the first: they go as one group, not the first alone.
        turn = Turn(1, 0, Pace(), gather=0.5)
        turn.gap = 0.1  # a room already sending ten a second: a pause of 0.5 s
        groups: list[list[int]] = []
        carry_out = recorded(groups)

        with turn.taken(refusable=False):
            threads, outcomes = sent_from_threads(turn, carry_out, 1)
            time.sleep(0.05)
        time.sleep(0.1)  # the turn is free: the first waits out its pause
        later, later_outcomes = sent_from_threads(turn, carry_out, 2, first=1)
        for thread in threads + later:
            thread.join(timeout=10)
        assert outcomes + later_outcomes == [0, 1, 2]
        assert groups == [[0, 1, 2]]
        assert turn.queued == 0

    def test_commands_already_waiting_do_not_pause_again(self):
        turn = Turn(1, 0, Pace(), gather=0.01)
        turn.gap = 0.001
        turn._waiting.extend([Job(0), Job(1)])  # a crowd behind the turn: no gathering
        assert turn._pause() == 0.0

    def test_the_longest_pause_is_25_milliseconds_on_sqlite_and_postgresql_unless_set(self):
        sqlite, postgresql = "sqlite:///fabrique.sqlite3", "postgresql+psycopg://fabrique@/fabrique"
        pause = {
            (url, set_to): gathering_pause(
                {"SQLALCHEMY_DATABASE_URI": url, "COMMAND_GATHER_MS": set_to}
            )
            for url in (sqlite, postgresql)
            for set_to in (None, 4.0)
        }
        assert pause == {
            (sqlite, None): 0.025,
            (postgresql, None): 0.025,
            (sqlite, 4.0): 0.004,
            (postgresql, 4.0): 0.004,
        }


def posted_together(workshop, screens, count: int) -> tuple[list[dict[str, Any]], list[str]]:
    """``count`` phones' notes waiting together for the turn: their acks, and the
    statements sent meanwhile."""
    phones = [screens(workshop) for _ in range(count)]
    with statements() as seen:
        with turn_held(workshop.id) as waiting:
            for n, phone in enumerate(phones):
                waiting.send(phone, "note.post", note_post(f"Idée {n}"))
        acks = waiting.acked()
    return acks, seen


def test_notes_waiting_together_count_their_authors_notes_in_one_statement(workshop, screens):
    acks, seen = posted_together(workshop, screens, 3)

    assert [ack["ok"] for ack in acks] == [True] * 3
    counts = [s for s in seen if "count(notes.id)" in s]
    assert len(counts) == 1, counts


def test_an_author_at_the_limit_is_refused_among_waiting_notes_and_counted_with_them(
    workshop, screens, monkeypatch
):
    """Two notes of one author carried out together count each other: the one past the
    limit is refused, alone, and the notes around it go through."""
    monkeypatch.setattr(notes_services, "MAX_NOTES_PER_PARTICIPANT", 3)
    author, other = screens(workshop), screens(workshop)
    for n in range(2):
        assert author.send("note.post", area="ideas", text=f"Avant {n}")["ok"]
    with turn_held(workshop.id) as waiting:
        waiting.send(author, "note.post", note_post("Troisième"))
        waiting.send(other, "note.post", note_post("D'un autre"))
        waiting.send(author, "note.post", note_post("Quatrième"))
    third, others, fourth = waiting.acked()

    assert (third["ok"], others["ok"]) == (True, True)
    assert fourth["ok"] is False
    assert fourth["error"]["code"] == "forbidden"
    assert set(stored_notes()) == {"Avant 0", "Avant 1", "Troisième", "D'un autre"}
    assert author.send("note.post", area="ideas", text="Encore")["error"]["code"] == "forbidden"


def test_notes_waiting_together_are_written_in_one_insert_where_ids_come_from_a_sequence(
    workshop, screens
):
    """On PostgreSQL a group's notes take their ids at once and are written in one
    statement (each acked with its own id and text, as stored); on SQLite, where a
    statement is no round trip, each note is its own insert."""
    acks, seen = posted_together(workshop, screens, 4)

    notes = [ack["data"]["note"] for ack in acks]
    stored = dict(db.session.execute(select(Note.id, Note.text)).all())
    assert {note["id"]: note["text"] for note in notes} == stored
    assert [note["id"] for note in notes] == sorted(stored)  # in the order they came
    inserts = [s for s in seen if "INSERT INTO notes" in s]
    assert len(inserts) == (1 if db.engine.dialect.supports_sequences else 4), inserts


def writes(seen: list[str]) -> list[str]:
    """The statements among ``seen`` that write, each as the tables it writes (in order)."""
    return [
        " + ".join(re.findall(r"(?:INSERT INTO|UPDATE) (\w+)", statement))
        for statement in seen
        if re.search(r"\b(?:INSERT INTO|UPDATE) \w+", statement)
    ]


def test_a_groups_last_writes_travel_in_one_statement_on_postgresql(workshop, screens, facilitator):
    """On PostgreSQL the notes of a group, their events, their workshop's heads and the
    commands' rows are written by one statement, and the commit follows: one round trip
    for them all. On SQLite each is its own statement. Either way the log, the heads and
    the commands are as if each note had been posted alone."""
    board = screens(workshop, "board", user=facilitator)
    board.events()
    acks, seen = posted_together(workshop, screens, 3)

    assert [ack["ok"] for ack in acks] == [True] * 3
    if db.engine.dialect.name == "postgresql":
        assert writes(seen) == ["notes + events + event_streams + commands"], writes(seen)
    else:
        assert sorted(writes(seen)) == sorted(
            ["notes"] * 3 + ["commands", "events", "event_streams"]
        ), writes(seen)
    db.session.rollback()
    logged = db.session.execute(select(Event.seq, Event.type).order_by(Event.seq)).all()
    assert [tuple(row) for row in logged[-3:]] == [(ack["seq"], "note.posted") for ack in acks]
    assert eventlog.heads(workshop.id)[0] == acks[-1]["seq"]
    stored = db.session.scalars(select(Command.command_id)).all()
    assert sorted(stored) == sorted(ack["command_id"] for ack in acks)
    received = [event["data"]["text"] for event in board.events() if event["type"] == "note.posted"]
    assert received == [ack["data"]["note"]["text"] for ack in acks]


def test_groups_of_any_size_are_written_by_one_same_statement(workshop, screens):
    """On PostgreSQL each write a statement carries takes its rows as one JSON parameter
    (json_to_recordset): a group of two notes and a group of three are written by the same
    statement, compiled once and found in SQLAlchemy's cache the second time, and each
    row lands whole (on SQLite each row is written as before)."""
    carrying: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, _parameters, context, _many) -> None:
        if statement.startswith("WITH"):
            carrying.append((statement, context.cache_hit))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        pair, _ = posted_together(workshop, screens, 2)
        three, _ = posted_together(workshop, screens, 3)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    acks = pair + three
    assert [ack["ok"] for ack in acks] == [True] * 5
    if db.engine.dialect.name == "postgresql":
        assert len(carrying) == 2, carrying
        assert carrying[0][0] == carrying[1][0]
        assert carrying[1][1] == CacheStats.CACHE_HIT
    else:
        assert carrying == []
    db.session.rollback()
    notes = [ack["data"]["note"] for ack in acks]
    stored = db.session.execute(select(Note.id, Note.text, Note.area)).all()
    assert sorted(tuple(row) for row in stored) == [
        (note["id"], note["text"], note["area"]) for note in notes
    ]
    logged = db.session.execute(select(Event.seq, Event.data).order_by(Event.seq)).all()
    assert [(seq, data["id"]) for seq, data in logged[-5:]] == [
        (ack["seq"], ack["data"]["note"]["id"]) for ack in acks
    ]
    commands = db.session.scalars(select(Command.command_id)).all()
    assert sorted(commands) == sorted(ack["command_id"] for ack in acks)


def test_a_lone_note_is_written_by_its_command_row_with_its_id_taken_by_the_turn(workshop, screens):
    """On PostgreSQL a note alone is two statements and the commit: the turn, which takes
    the note's id from the sequence, and the commands' row carrying the note, its event
    and its workshop's heads (on SQLite, each its own statement). Every statement of the
    second note is compiled once and found in SQLAlchemy's cache: compiling the carrying
    statement again for each note cost more than the round trips it saves."""
    phone = screens(workshop)
    assert phone.send("note.post", note_post("Première"))["ok"]
    compiled: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, _parameters, context, _many) -> None:
        compiled.append((statement.split()[0], context.cache_hit))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with statements() as seen:
            ack = phone.send("note.post", note_post("Seule"))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert ack["ok"]
    if db.engine.dialect.name == "postgresql":
        assert len(seen) == 2, seen  # its author's count known from the first note
        assert "FOR UPDATE" in seen[0]
        assert "nextval" in seen[0]
        assert writes(seen) == ["notes + events + event_streams + commands"], writes(seen)
        assert ack["data"]["note"]["id"] == db.session.scalar(select(func.max(Note.id)))
    else:
        assert sorted(writes(seen)) == ["commands", "event_streams", "events", "notes"]
    compiled = [(verb, hit) for verb, hit in compiled if verb != "BEGIN"]  # SQLite's, as text
    assert compiled
    assert all(hit == CacheStats.CACHE_HIT for _, hit in compiled), compiled
    db.session.rollback()
    assert eventlog.heads(workshop.id)[0] == ack["seq"]
    assert db.session.scalars(select(Event.seq).order_by(Event.seq.desc())).first() == ack["seq"]


@pytest.mark.redis
def test_commands_waiting_together_are_counted_against_their_budgets_in_one_round_trip(
    workshop, screens, monkeypatch: pytest.MonkeyPatch
):
    """Counted in Redis (processes scaled out), the budgets of a group's participants
    are checked together by the turn's holder: one script call for the group; past a
    participant's budget its commands are refused, its neighbours' go through."""
    client = CountingRedis.from_url(redis_url())
    limits = SocketLimits(client, f"grouped-{uuid.uuid4().hex[:8]}", "3/minute", "60/minute")
    limits.room("command", "nobody")  # the script loaded into Redis
    monkeypatch.setattr(runtime(), "limits", limits)
    eager, calm = screens(workshop), screens(workshop)
    client.sent = 0
    with turn_held(workshop.id) as waiting:
        for n in range(5):
            waiting.send(eager, "note.post", note_post(f"Pressée {n}"))
            if n % 2 == 0:
                waiting.send(calm, "note.post", note_post(f"Calme {n}"))
        assert client.sent == 0  # nothing counted while they wait
    acks = waiting.acked()

    assert [ack["error"]["code"] for ack in acks if not ack["ok"]] == ["rate_limited"] * 2
    # sent: Pressée 0, Calme 0, Pressée 1, Pressée 2, Calme 2, Pressée 3, Pressée 4, Calme 4
    assert [ack["ok"] for ack in acks] == [True] * 5 + [False, False, True]
    assert set(stored_notes()) == {f"Pressée {n}" for n in range(3)} | {
        f"Calme {n}" for n in (0, 2, 4)
    }
    assert client.sent == 1
