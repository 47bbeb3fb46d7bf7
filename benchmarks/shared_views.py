"""What a phase change costs the server: every phone's snapshot, built each or shared.

One command::

    .venv/bin/python -m benchmarks.shared_views [--database sqlite|postgresql]
        [--notes 2000] [--phones 200] [--rounds 3]

It builds a brainstorm on a fresh database with ``--notes`` notes written by
``--phones`` participants in silent writing, moves it to the reveal, and then answers
every phone's snapshot (all its pages, as its sync after the phase change asks) twice per
round, interleaved: each phone built on its own (what every phone cost before the common
part was shared), and the way the server does it now (the common part built once for
all, each phone adding its own notes). It prints milliseconds per phone and the whole
room's server time for both, and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from benchmarks.replay import database
from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.auth import Actor, ActorKind
from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.realtime import eventlog
from facilitation.realtime.paging import fill
from facilitation.workshops import controls, shared
from facilitation.workshops import services as workshops
from facilitation.workshops.snapshots import SECTIONS, _me, _rest, _sections, snapshot
from tests.bulk import insert_notes


def build(note_count: int, phone_count: int) -> tuple[Any, list[Actor]]:
    user = accounts.create_user("bench@example.org", "Camille", "a long enough password", "admin")
    workshop = workshops.create_workshop(user, "brainstorm", "Plénière", "?", "fr")
    db.session.commit()
    people = [participants.join(workshop, f"p{index}") for index in range(phone_count)]
    db.session.commit()
    insert_notes(workshop.id, note_count, [person.id for person in people])
    facilitator = Actor(ActorKind.FACILITATOR, workshop.id, user_id=user.id)
    eventlog.take_turn(workshop.id)
    controls.move_phase(facilitator, workshop, 1)  # the reveal: everyone's notes
    db.session.commit()
    phones = [Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=p.id) for p in people]
    return workshop, phones


def each_built(workshop: Any, phone: Actor) -> dict[str, Any]:
    """A phone's whole snapshot built for it alone (the way before the shared part)."""
    items, _ = fill(_sections(phone, workshop), (SECTIONS[0], 0), None)
    return {**_rest(phone, workshop), **items, "me": _me(phone, workshop)}


def room_ms(workshop: Any, phones: list[Actor], shared_part: bool) -> float:
    db.session.expire_all()
    if shared_part:
        shared.views().parts.clear()  # the phase just changed: nothing kept yet
    started = time.perf_counter()
    for phone in phones:
        if shared_part:
            snapshot(phone, workshop, 0, budget=None)
        else:
            each_built(workshop, phone)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
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
            workshop, phones = build(options.notes, options.phones)
            timings: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(options.rounds):
                for shared_part in (False, True):
                    timings[shared_part].append(room_ms(workshop, phones, shared_part))
            each, together = (statistics.median(timings[kind]) for kind in (False, True))
            count = len(phones)
            print(
                f"{options.database}: {options.notes} notes, {count} phones after the phase"
                f" change, median of {options.rounds} interleaved rounds"
            )
            print(f"  each phone built alone: {each / count:7.1f} ms/phone  {each / 1000:6.2f} s")
            print(
                f"  common part shared:     {together / count:7.1f} ms/phone"
                f"  {together / 1000:6.2f} s   ({each / together:.1f}x less server time)"
            )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
