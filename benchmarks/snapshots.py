"""What a staff screen's snapshot costs the server: read, then encoded as its ack is.

One command::

    .venv/bin/python -m benchmarks.snapshots [--database sqlite|postgresql]
        [--notes 500] [--rounds 7]

It builds a brainstorm on a fresh database with ``--notes`` notes from 60 participants,
moved to the reveal, and then, for the board and the control page, answers a join's
snapshot (its first page, encoded into the ack's text) ten times per round from a fresh
session. It prints the processor milliseconds per snapshot (median and best of the
rounds), the statements one snapshot runs, and the ack's size. Compare trees by running
it in each, interleaved: the machine's noise is larger than most changes.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import event

from benchmarks.replay import database
from benchmarks.shared_views import build
from facilitation import create_app
from facilitation.auth import Actor, ActorKind
from facilitation.extensions import db
from facilitation.realtime.paging import PAGE_BYTES
from facilitation.realtime.wire import dumps
from facilitation.workshops import services as workshops
from facilitation.workshops.snapshots import snapshot

REPEATS = 10  # snapshots per round


def answered(actor: Actor) -> int:
    """One join's snapshot, read from a fresh session and encoded; the ack's length."""
    workshop = workshops.get_workshop(actor.workshop_id)
    text = dumps({"ok": True, "snapshot": snapshot(actor, workshop, 0, budget=PAGE_BYTES)})
    db.session.commit()
    db.session.remove()
    return len(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
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
            workshop, _ = build(options.notes, 60)
            screens = {
                "board": Actor(ActorKind.BOARD, workshop.id),
                "control page": Actor(ActorKind.FACILITATOR, workshop.id),
            }
            db.session.remove()
            statements: list[str] = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            print(f"{options.database}: {options.notes} notes, median and best of {options.rounds}")
            for name, actor in screens.items():
                statements.clear()
                size = answered(actor)
                count = len(statements)
                rounds = []
                for _ in range(options.rounds):
                    started = time.process_time()
                    for _ in range(REPEATS):
                        answered(actor)
                    rounds.append((time.process_time() - started) * 1000 / REPEATS)
                print(
                    f"  {name:12} {statistics.median(rounds):6.2f} ms (best {min(rounds):6.2f})"
                    f"  {count} statements  {size / 1024:.0f} KB"
                )
            db.engine.dispose()


if __name__ == "__main__":
    main()
