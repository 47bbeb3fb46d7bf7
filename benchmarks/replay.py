"""What a replay costs: SQL statements and time of a catch-up over the longest replay.

One command::

    .venv/bin/python -m benchmarks.replay [--database sqlite|postgresql] [--rounds 20]

It builds a Reset day on a fresh database (a SQLite file, or a PostgreSQL database dropped
at the end) holding ``SYNC_LIMIT`` (500) events: 50 participants posting notes in open
ideation, a third of the notes edited, one in ten deleted by its author, one in ten hidden
by the facilitator. Then, for a phone, the board and the control page, it times
``catch_up(since=0)`` (the median of ``--rounds``) and counts the SQL statements it runs:
rewriting each replayed event to what its audience may see now must cost a few queries,
never one per event.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.auth import Actor, ActorKind
from facilitation.extensions import db
from facilitation.notes import services as notes
from facilitation.participants import services as participants
from facilitation.realtime import eventlog
from facilitation.workshops import services as workshops
from facilitation.workshops.snapshots import SYNC_LIMIT, catch_up, snapshot
from tests.services import create_postgres_database, drop_postgres_database, migrate


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "postgresql":
        name = f"fabrique_bench_{uuid.uuid4().hex[:10]}"
        url = create_postgres_database(name)
        try:
            migrate(url)
            yield url
        finally:
            drop_postgres_database(name)
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'replay.sqlite3'}"
        migrate(url)
        yield url


def build(participant_count: int = 50) -> tuple[Any, Actor, Actor]:
    """A Reset day whose log holds SYNC_LIMIT events; its facilitator and a participant."""
    user = accounts.create_user("bench@example.org", "Camille", "a long enough password", "admin")
    workshop = workshops.create_workshop(user, "reset_day", "Banc d'essai", "?", "fr")
    db.session.commit()
    facilitator = Actor(ActorKind.FACILITATOR, workshop.id, user_id=user.id)
    people = [participants.join(workshop, f"p{index}") for index in range(participant_count)]
    db.session.commit()
    index = 0
    while eventlog.heads(workshop.id)[0] <= SYNC_LIMIT - 4:  # a note costs at most 3 events
        author = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=people[index % 50].id)
        eventlog.take_turn(workshop.id)
        note = notes.post_note(author, workshop, "projects", f"Idée numéro {index}", None)
        if index % 3 == 0:
            notes.edit_note(author, workshop, note.id, f"Idée numéro {index}, relue")
        if index % 10 == 1:
            notes.delete_note(author, workshop, note.id)
        elif index % 10 == 2:
            notes.set_hidden(facilitator, workshop, note.id, True)
        db.session.commit()
        index += 1
    phone = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=people[0].id)
    return workshop, facilitator, phone


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def median_ms(call: Any, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        db.session.expire_all()
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(workshop: Any, actor: Actor, rounds: int) -> tuple[int, int, float, float]:
    """Events replayed, statements run, median milliseconds; a snapshot's, to compare."""
    with counted() as statements:
        replay = catch_up(actor, workshop, 0, 0)
    replay_ms = median_ms(lambda: catch_up(actor, workshop, 0, 0), rounds)
    snapshot_ms = median_ms(lambda: snapshot(actor, workshop, 0, budget=None), rounds)  # all pages
    return len(replay.get("events", [])), len(statements), replay_ms, snapshot_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    with database(options.database) as url:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SQLALCHEMY_ENGINE_OPTIONS": {},
                "SECRET_KEY": "x" * 40,
            }
        )
        with app.app_context():
            workshop, facilitator, phone = build()
            board = Actor(ActorKind.BOARD, workshop.id)
            print(f"{options.database}: catch_up(since=0), at most {SYNC_LIMIT} events")
            for label, actor in (("phone", phone), ("board", board), ("control", facilitator)):
                events, statements, ms, snapshot_ms = measure(workshop, actor, options.rounds)
                print(
                    f"  {label:8} {events:4} events  {statements:3} statements  {ms:6.1f} ms"
                    f"  (a snapshot: {snapshot_ms:6.1f} ms)"
                )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
