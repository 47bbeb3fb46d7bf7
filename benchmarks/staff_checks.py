"""What re-checking a staff member's account costs each socket command.

One command::

    .venv/bin/python -m benchmarks.staff_checks [--database sqlite|postgresql] [--commands 300]

In one process (Socket.IO's test client, no network), on a fresh database: a facilitator's
control socket and an admin's send ``workshop.lock`` commands, and a phone edits its note,
first with the account check of every event (``realtime/commands.py: ACTOR_CHECKS``) and
then without it. Printed per actor: SQL statements per command and the median and p90
time of a command, with and without the check. Phones and boards opened with the board
key have no account: their check reads nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.accounts.models import User
from facilitation.extensions import db, socketio
from facilitation.realtime import commands
from facilitation.workshops import services as workshops
from tests.services import create_postgres_database, drop_postgres_database, migrate
from tests.sockets import Screen


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "postgresql":
        name = f"fabrique_bench_{uuid.uuid4().hex[:8]}"
        url = create_postgres_database(name)
        try:
            migrate(url)
            yield url
        finally:
            drop_postgres_database(name)
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            migrate(url)
            yield url


def in_process_app(url: str, **overrides: Any) -> Any:
    """The app on ``url`` in this process, for Socket.IO's and Flask's test clients: no
    Redis, no background loop, no coalescing, commands not rate limited."""
    os.environ.setdefault("FABRIQUE_INSTANCE", tempfile.mkdtemp())
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "benchmark-secret-key-long-enough-to-pass",
            "SOCKETIO_ASYNC_MODE": "threading",
            "REDIS_URL": None,
            "REALTIME_BACKGROUND": False,
            "COALESCE_MS": 0,
            "SOCKET_COMMAND_LIMITS": "100000/second",
            **overrides,
        }
    )


class Statements:
    """Counts the SQL statements the engine runs."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self.seen)

    def seen(self, *_: Any) -> None:
        self.count += 1


def measure(screen: Screen, name: str, payload: Any, n: int, sql: Statements) -> tuple:
    times, before = [], sql.count
    for i in range(n):
        started = time.perf_counter()
        ack = screen.send(name, **payload(i))
        times.append((time.perf_counter() - started) * 1000)
        assert ack["ok"], ack
    per_command = (sql.count - before) / n
    return per_command, statistics.median(times), statistics.quantiles(times, n=10)[-1]


def compare(screen: Screen, name: str, payload: Any, n: int, sql: Statements, checks: list):
    """With and without the checks, in alternating blocks (the machine's load drifts)."""
    runs: dict[bool, list[tuple]] = {True: [], False: []}
    for _ in range(5):
        for checked in (True, False):
            commands.ACTOR_CHECKS[:] = checks if checked else []
            runs[checked].append(measure(screen, name, payload, n // 5, sql))
    commands.ACTOR_CHECKS[:] = checks
    return [
        tuple(statistics.median(column) for column in zip(*runs[checked], strict=True))
        for checked in (True, False)
    ]


def reads(user_id: int, workshop_id: int, n: int) -> dict[str, float]:
    """The check's one statement timed alone, beside a plain read of the account (a fresh
    session each time, so nothing comes from the identity map)."""
    timed: dict[str, list[float]] = {"account and creator": [], "account alone": []}
    for _ in range(n):
        for name, read in (
            ("account and creator", lambda: workshops.account_and_creator(user_id, workshop_id)),
            ("account alone", lambda: db.session.get(User, user_id)),
        ):
            db.session.remove()
            db.session.scalar(select(1))  # the connection and transaction, not timed
            started = time.perf_counter()
            read()
            timed[name].append((time.perf_counter() - started) * 1000)
    db.session.remove()
    return {name: round(statistics.median(times), 3) for name, times in timed.items()}


def run(kind: str, n: int) -> None:
    with database(kind) as url:
        app = in_process_app(url)
        with app.app_context():
            owner = accounts.create_user("owner@example.org", "Owner", "benchmark-password")
            admin = accounts.create_user("admin@example.org", "Admin", "benchmark-pw", "admin")
            workshop = workshops.create_workshop(owner, "brainstorm", "Bench", "?", "fr")
            db.session.commit()
            sql = Statements(db.engine)
            screens = {
                "facilitator": Screen.open(app, socketio, workshop, "control", user=owner),
                "admin": Screen.open(app, socketio, workshop, "control", user=admin),
                "phone": Screen.open(app, socketio, workshop, "phone"),
            }
            checks = list(commands.ACTOR_CHECKS)
            print(f"{kind}: {n} commands each; statements/command, median ms, p90 ms")
            for who, screen in screens.items():
                if who == "phone":  # edits its note (posting would reach the note cap)
                    note = screen.send("note.post", area="ideas", text="n")["data"]["note"]["id"]
                    name, payload = "note.edit", lambda i, note=note: {"id": note, "text": f"n{i}"}
                else:
                    name, payload = "workshop.lock", lambda i: {"locked": i % 2 == 0}
                measure(screen, name, payload, 20, sql)  # warm up
                with_check, without = compare(screen, name, payload, n, sql, checks)
                print(
                    f"  {who:<12} with check {with_check[0]:4.1f} stmts "
                    f"{with_check[1]:6.2f} {with_check[2]:6.2f}   "
                    f"without {without[0]:4.1f} stmts {without[1]:6.2f} {without[2]:6.2f}"
                )
            for screen in screens.values():
                screen.close()
            print("  the check's reads alone, median ms:", reads(owner.id, workshop.id, n))
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--commands", type=int, default=300)
    options = parser.parse_args()
    run(options.database, options.commands)


if __name__ == "__main__":
    main()
