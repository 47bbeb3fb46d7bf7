"""What a phone's way in costs the server, step by step, in one process.

One command::

    .venv/bin/python -m benchmarks.joins [--database sqlite|postgresql] [--phones 200]
        [--notes 500] [--rounds 5]

A SWOT workshop (every phone sees every note) holding ``--notes`` notes; then, in each
round, ``--phones`` new phones come in one after the other as after the QR code: the join
page (``GET /j/<code>``), the form (``POST``), the socket's connection and its ``join``
(with ``fetch``: the phone's own part and the address of the room's body), and the body.
Flask's and Socket.IO's test clients, no network: what is measured is the app's own
work, the part of a mass join (``benchmarks.run --scenario join``) that is not the
WebSocket layer, without its noise. Each request has its own app context and session,
as in a server. Printed per step: the process's CPU time per phone (ms; the median of
the rounds, and their range) and the SQL statements per phone. Compare two trees by
running it in each, in turn (``PYTHONPATH=<tree>``), as ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from facilitation.accounts import services as accounts
from facilitation.extensions import db, socketio
from facilitation.workshops import services as workshops
from tests.sockets import Screen

from .staff_checks import Statements, database, in_process_app

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
STEPS = ("page", "form", "connect", "join", "body")


class Steps:
    """Each step's CPU time and statements, added up over a round."""

    def __init__(self, sql: Statements) -> None:
        self.sql = sql
        self.cpu = dict.fromkeys(STEPS, 0.0)
        self.statements = dict.fromkeys(STEPS, 0)

    def time(self, step: str, action: Callable[[], Any]) -> Any:
        count, started = self.sql.count, time.process_time()
        result = action()
        self.cpu[step] += time.process_time() - started
        self.statements[step] += self.sql.count - count
        return result


def phone_comes_in(app: Any, code: str, steps: Steps) -> Any:
    """One phone, from the QR code's page to the room's body; its socket, still joined."""
    http = app.test_client()
    page = steps.time("page", lambda: http.get(f"/j/{code}"))
    token = TOKEN.search(page.get_data(as_text=True))
    assert page.status_code == 200, page.status_code
    assert token is not None
    form = {"csrf_token": token.group(1), "nickname": ""}
    answer = steps.time("form", lambda: http.post(f"/j/{code}", data=form))
    assert answer.status_code == 302, answer.status_code
    sio = steps.time("connect", lambda: socketio.test_client(app, flask_test_client=http))
    join = {"code": code, "role": "phone", "fetch": True}
    ack = steps.time("join", lambda: sio.emit("join", join, callback=True))
    assert ack["ok"], ack
    assert "common" in ack["snapshot"], ack
    body = steps.time("body", lambda: http.get(ack["snapshot"]["common"]))
    assert body.status_code == 200, body.status_code
    return sio


def seed(app: Any, notes: int) -> str:
    """A SWOT workshop holding ``notes`` notes, posted by its facilitator; its code."""
    with app.app_context():
        owner = accounts.create_user("owner@example.org", "Owner", "benchmark-password")
        workshop = workshops.create_workshop(owner, "swot", "Bench", "?", "fr")
        db.session.commit()
        control = Screen.open(app, socketio, workshop, "control", user=owner)
        for i in range(notes):
            ack = control.send("note.post", area="strengths", text=f"Une force, la {i}e")
            assert ack["ok"], ack
        control.close()
        return workshop.code


def make_app(url: str) -> Any:
    # Every phone here is one address and one browser after another: the entrance's
    # caps would measure themselves (benchmarks/stack.py raises them too).
    return in_process_app(
        url,
        SOCKET_QUERY_LIMITS="100000/second",
        NEW_PARTICIPANTS_PER_ADDRESS="1000000/minute",
        SOCKET_UNJOINED_PER_ADDRESS=1_000_000,
        RATELIMIT_STORAGE_URI="memory://",
    )


def rounds_of(kind: str, phones: int, notes: int) -> Iterator[Steps]:
    """A workshop seeded, then one round of ``phones`` phones each time one is asked."""
    with database(kind) as url:
        app = make_app(url)
        code = seed(app, notes)
        with app.app_context():
            sql = Statements(db.engine)
        phone_comes_in(app, code, Steps(sql)).disconnect()  # warm-up: the body read once
        try:
            while True:
                steps = Steps(sql)
                sockets = [phone_comes_in(app, code, steps) for _ in range(phones)]
                for sio in sockets:
                    sio.disconnect()
                yield steps
        finally:
            with app.app_context():
                db.engine.dispose()


def per_phone(results: list[dict[str, Any]], phones: int) -> dict[str, list[float]]:
    """Each step's (and all steps') CPU ms per phone, round by round."""
    steps = {step: [1000 * r["cpu"][step] / phones for r in results] for step in STEPS}
    steps["all"] = [sum(values) for values in zip(*steps.values(), strict=True)]
    return steps


def report(results: list[dict[str, Any]], phones: int) -> None:
    print(f"  {'step':<8} {'cpu ms/phone':>12} {'range':>15} {'statements':>11}")
    counts = results[0]["statements"]
    for step, values in per_phone(results, phones).items():
        count = sum(counts.values()) if step == "all" else counts[step]
        print(
            f"  {step:<8} {statistics.median(values):12.3f} "
            f"{min(values):7.3f}-{max(values):<7.3f} {count / phones:11.1f}"
        )


def serve(kind: str, phones: int, notes: int) -> None:
    """Rounds on demand, for ``compare``: one line in, one round's figures out."""
    rounds = rounds_of(kind, phones, notes)
    print(json.dumps({"ready": True}), flush=True)
    for _ in sys.stdin:
        steps = next(rounds)
        print(json.dumps({"cpu": steps.cpu, "statements": steps.statements}), flush=True)


def compare(trees: list[str], kind: str, phones: int, notes: int, rounds: int) -> None:
    """The same rounds in each tree's code, in turn, one round at a time: a machine
    whose speed drifts over minutes slows both alike, and the ratios hold."""
    command = [sys.executable, "-m", "benchmarks.joins", "--serve", "--database", kind]
    command += ["--phones", str(phones), "--notes", str(notes)]
    workers = []
    for tree in trees:
        environment = {**os.environ, "PYTHONPATH": tree}
        worker = subprocess.Popen(
            command, cwd=tree, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        workers.append(worker)
    results: list[list[dict[str, Any]]] = [[] for _ in trees]
    try:
        for worker in workers:
            assert json.loads(worker.stdout.readline())["ready"]  # type: ignore[union-attr]
        for _ in range(rounds):
            for worker, kept in zip(workers, results, strict=True):
                worker.stdin.write("round\n")  # type: ignore[union-attr]
                worker.stdin.flush()  # type: ignore[union-attr]
                kept.append(json.loads(worker.stdout.readline()))  # type: ignore[union-attr]
    finally:
        for worker in workers:
            worker.stdin.close()  # type: ignore[union-attr]
            worker.wait()
    print(f"{kind}: {rounds} interleaved rounds of {phones} phones into {notes} notes")
    first = per_phone(results[0], phones)
    for tree, kept in zip(trees, results, strict=True):
        print(f"{tree}")
        report(kept, phones)
        if kept is not results[0]:
            mine = per_phone(kept, phones)
            ratios = {
                step: statistics.median(a / b for a, b in zip(mine[step], first[step], strict=True))
                for step in mine
            }
            print("  ratio to the first tree, the median of the rounds': " + ", ".join(
                f"{step} {ratio:.2f}x" for step, ratio in ratios.items()
            ))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--trees", nargs="+", help="compare these checkouts, round by round")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.database, options.phones, options.notes)
    elif options.trees:
        compare(options.trees, options.database, options.phones, options.notes, options.rounds)
    else:
        rounds = rounds_of(options.database, options.phones, options.notes)
        results = []
        for _ in range(options.rounds):
            steps = next(rounds)
            results.append({"cpu": steps.cpu, "statements": steps.statements})
        rounds.close()
        print(f"{options.database}: {options.rounds} rounds of {options.phones} phones")
        report(results, options.phones)


if __name__ == "__main__":
    main()
