"""How long a command holds its workshop's turn, and how much of it the early lock adds.

One command::

    .venv/bin/python -m benchmarks.turns [--database postgresql|sqlite] [--commands 300]

In one process (Socket.IO's test client, no network), on a fresh database: the
facilitator posts notes and moves one into a group, a phone edits its note and puts and
takes back dots. For each command the engine's own events time three moments: the turn
(the stream row locked, ``eventlog.take_turn``), the first ``eventlog.append`` (where the
lock used to be taken, ``UPDATE event_streams``) and the commit. Printed per command: SQL
statements, the median and p90 of the whole command (send to ack), of the time the lock
is held now (turn to commit) and of the time it was held before the turn came first
(first append to commit). Across processes a workshop takes one change at a time for
that long: its ceiling is 1000 / held ms changes a second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from facilitation.accounts import services as accounts
from facilitation.extensions import db, socketio
from facilitation.workshops import services as workshops
from tests.sockets import Screen

from .staff_checks import database, in_process_app


class Moments:
    """The turn, the first append and the commit of each transaction, from the engine."""

    def __init__(self, engine: Any) -> None:
        self.turn: float | None = None
        self.append: float | None = None
        self.statements = 0
        self.done: list[tuple[float, float]] = []  # (held now, held before the turn came first)
        event.listen(engine, "before_cursor_execute", self.seen)
        event.listen(engine, "commit", self.committed)

    def seen(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements += 1
        now = time.perf_counter()
        if "FROM event_streams" in statement and "FOR UPDATE" in statement:
            self.turn = now
        elif "UPDATE event_streams" in statement and self.append is None:  # maybe carried
            self.append = now
        elif statement.startswith("SELECT event_streams.workshop_id") and self.turn is None:
            self.turn = now  # SQLite: the same SELECT, without FOR UPDATE

    def committed(self, _conn: Any) -> None:
        now = time.perf_counter()
        if self.turn is not None and self.append is not None:
            self.done.append(((now - self.turn) * 1000, (now - self.append) * 1000))
        self.turn = self.append = None

    def take(self) -> list[tuple[float, float]]:
        done, self.done = self.done, []
        return done


Step = Callable[[int], tuple[str, dict[str, Any]]]


def measure(label: str, screen: Screen, step: Step, n: int, moments: Moments) -> str:
    """``n`` commands, ``step(i)`` naming the i-th and its payload."""
    moments.take()
    before, whole = moments.statements, []
    for i in range(n):
        name, payload = step(i)
        started = time.perf_counter()
        ack = screen.send(name, **payload)
        whole.append((time.perf_counter() - started) * 1000)
        assert ack["ok"], ack
    statements = (moments.statements - before) / n
    done = moments.take()

    def figures(times: list[float]) -> str:
        p90 = statistics.quantiles(times, n=10)[-1]
        return f"{statistics.median(times):6.2f} {p90:6.2f}"

    now, then = figures([d[0] for d in done]), figures([d[1] for d in done])
    return (
        f"{label:<18} {statements:5.1f} stmts   command {figures(whole)}   "
        f"held now {now}   before {then}"
    )


def run(kind: str, n: int) -> None:
    with database(kind) as url:
        app = in_process_app(url)
        with app.app_context():
            owner = accounts.create_user("owner@example.org", "Owner", "benchmark-password")
            workshop = workshops.create_workshop(owner, "brainstorm", "Bench", "?", "fr")
            db.session.commit()
            moments = Moments(db.engine)
            control = Screen.open(app, socketio, workshop, "control", user=owner)
            phone = Screen.open(app, socketio, workshop, "phone")
            note = phone.send("note.post", area="ideas", text="n")["data"]["note"]["id"]
            group = control.send("group.create", title="G", area=None)["data"]["group"]["id"]
            dot = {"target": f"note:{note}"}
            cases: list[tuple[str, Screen, Step]] = [
                ("note.post", control, lambda i: ("note.post", {"area": "ideas", "text": f"{i}"})),
                ("note.edit", phone, lambda i: ("note.edit", {"id": note, "text": f"e{i}"})),
                (
                    "note.place",
                    control,
                    lambda i: ("note.place", {"id": note, "group_id": group, "position": i}),
                ),
                # A phone has few dots: one put, then taken back, in turn.
                ("vote.cast/retract", phone, lambda i: (("vote.cast", "vote.retract")[i % 2], dot)),
            ]
            print(f"{kind}: {n} commands each; statements/command; ms: median, p90")
            measure("warm-up", phone, cases[1][2], 20, moments)
            for label, screen, step in cases:
                if label.startswith("vote"):
                    control.send("phase.move", index=3)  # dot voting
                print("  " + measure(label, screen, step, n, moments))
            for screen in (control, phone):
                screen.close()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--commands", type=int, default=300)
    options = parser.parse_args()
    run(options.database, options.commands)


if __name__ == "__main__":
    main()
