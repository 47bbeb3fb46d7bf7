"""Latency, losses and server CPU per command of the live channel, under many phones.

One command runs everything (docs/performance.md lists the one for each target)::

    .venv/bin/python -m benchmarks.run [--scenario notes|votes|plenary|join] [--mode embedded]
        [--phones 100] [--rate 50] [--duration 20] [--audience author|everyone] [--json]
    .venv/bin/python -m benchmarks.run --matrix --rate 50 --duration 20
    .venv/bin/python -m benchmarks.run --mode embedded --mode bare --repeat 3 --pin
    .venv/bin/python -m benchmarks.run --url http://127.0.0.1:5000 --code ABC123 --board-key KEY

Servers (``--mode``, repeatable: the modes then run interleaved, ``--repeat`` times, and
a comparison with medians and ratios to ``bare`` ends the output): ``embedded``, one
gunicorn process on a fresh SQLite file (``--database postgresql``: a fresh PostgreSQL
database), no Redis; ``scaled``, ``--processes`` processes (2) sharing Redis and a fresh
PostgreSQL database; ``bare``, a python-socketio gevent server on the same wire with no
database (benchmarks/bare); ``scrumblr``, scrumblr from ``--scrumblr PATH`` (notes only,
every phone receiving every card). Or running servers: ``--url`` (repeatable), ``--code``,
``--board-key`` and, for the phase change, ``--email``/``--password`` of a facilitator
who runs the workshop. ``--pin`` puts each server process on its own core and the load
generator on another (``auto``: the last core for the load generator; or ``0:1``).

Scenarios, in a brainstorm (``--audience author``: each note reaches the board and its
author) or a SWOT (``everyone``: every phone too):

* ``notes``: N phones join over HTTP and websocket, one board joins (on the last server),
  the phones post ``--rate`` notes a second on an open-loop schedule; latency from
  ``note.post`` to the board's ``note.posted``; lost: acked but never on the board within
  ``--grace`` s, refused or never acked (``stored`` says how many a fresh snapshot holds).
* ``votes``: ``--notes`` notes posted first (``--seed-rate``, not measured), then a
  facilitator's control screen moves to the voting phase and the phones cast and take back
  dots at ``--vote-rate`` for ``--vote-duration`` s; latency from ``vote.cast``/
  ``vote.retract`` to the board's ``votes.tallied`` for that target.
* ``plenary``: notes (measured), then the phase change with every phone resyncing as
  live.js does, then votes: time until every phone is in the voting phase, board latency
  throughout, lost, dropped connections.
* ``join``: a few phones post ``--notes`` notes, then ``--phones`` phones join at once:
  time until all are in, whether the presence count comes out exact, and the cost of one
  snapshot (phones, then the board, joining again one after the other).

``--suggest-every S`` (notes): a facilitator's control screen asks for grouping
suggestions (``assist.suggest``, every area) every S seconds through the run, so the
live latency is measured while they compute (benchmarks/suggesting.py); how long they
took is logged.

``--rates 100,200,400`` runs each note rate and ends with the highest one sustained (p99
within ``--p99-limit`` ms, nothing lost, the load generator not the limit).

Each line gives the server CPU per command (ms/note, ms/vote: the servers' CPU seconds
over the measured window ÷ the commands acked in it), the client's CPU and loop lag
(CLIENT-BOUND when the load generator may be the bottleneck), the servers', PostgreSQL
and Redis's, and every other process's (HOST-BUSY above 30%: the figures are pessimistic).
The load generator (``--client``) is Node (benchmarks/loadgen: 2,000 phones on one core)
or Python (python-socketio, notes only, about 500 phones on one core). The first
``--warmup`` seconds of notes and votes are left out. Servers, databases and Redis keys
are cleaned up even on Ctrl-C; server logs are kept (and their path printed) on errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import signal
import sys
from collections.abc import Iterator
from typing import Any

from . import nodeclient, pyclient
from .compare import comparison, sustained
from .cpu import Pinning, pinning
from .stack import Target, started
from .suggesting import describe, suggesting

MATRIX = [("embedded", 100), ("embedded", 500), ("scaled", 100), ("scaled", 500)]
# Whom each note reaches: in a brainstorm's silent writing the board and its author only;
# in a SWOT's open ideation every phone too (the fan-out a room pays once notes are shown).
AUDIENCES = {"author": "brainstorm", "everyone": "swot"}
MODES = ["embedded", "scaled", "bare", "scrumblr"]
NOTES_PER_PHONE = 200  # the server refuses more (notes.services.MAX_NOTES_PER_PARTICIPANT)
COMMANDS_PER_PHONE_S = 10  # 600 a minute per participant (SOCKET_COMMAND_LIMITS)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_once(mode: str, args: argparse.Namespace, pins: Pinning) -> list[Any]:
    """One configuration, on servers started for it (or on --url): its result lines."""
    client = pyclient if args.client == "python" else nodeclient
    if args.url:
        target = Target(args.url, args.code, args.board_key, args.email, args.password)
        target.pids = args.server_pid or []
        return client.results(target, "external", args, pins)
    log(f"starting {mode} servers ({pins.describe()})")
    options = {"mode": mode, "format": AUDIENCES[args.audience], "database": args.database,
               "processes": args.processes, "scrumblr": args.scrumblr}  # fmt: skip
    with started(options, pins) as target:
        if args.suggest_every:
            with suggesting(target, args.suggest_every) as timings:
                lines = client.results(target, mode, args, pins)
            log(describe(timings))
        else:
            lines = client.results(target, mode, args, pins)
        together = target.commands_together()
        if together and together[1]:
            commands, transactions = together
            log(f"commands together: {commands:.0f} in {transactions:.0f} transactions "
                f"({commands / transactions:.2f} a transaction)")  # fmt: skip
        for line in target.log_problems()[:20]:
            log(f"server log: {line}")
    return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--scenario", choices=["notes", "votes", "plenary", "join"], default="notes")
    add("--phones", type=int, default=100)
    add("--rate", type=float, default=50, help="notes per second, in total")
    add("--rates", help="several note rates, each a run (e.g. 100,200,400): what is sustained")
    add("--p99-limit", type=float, default=1000, help="ms: the p99 a sustained rate keeps")
    add("--duration", type=float, default=20, help="measured seconds of notes")
    add("--warmup", type=float, default=3, help="seconds of notes (and votes) not measured")
    add("--grace", type=float, default=10, help="seconds to wait for stragglers")
    add("--notes", type=int, default=200, help="votes, join: notes posted first (not measured)")
    add("--join-concurrency", type=int, default=50, help="join: phones joining at a time")
    add("--seed-rate", type=float, default=100, help="votes: notes per second for those")
    add("--vote-rate", type=float, default=50, help="votes per second, in total")
    add("--vote-duration", type=float, default=20, help="measured seconds of votes")
    add("--change-timeout", type=float, default=30, help="seconds for every phone to resync")
    add("--mode", choices=MODES, action="append", help="the servers (repeat to compare)")
    add("--repeat", type=int, default=1, help="run the modes interleaved this many times")
    add("--matrix", action="store_true", help="the four configurations of the notes table")
    add("--database", choices=["sqlite", "postgresql"], default="sqlite", help="embedded's")
    add("--processes", type=int, default=2, help="scaled: server processes")
    add("--pin", nargs="?", const="auto", help="cores: auto, or SERVERS:CLIENT like 0:1")
    add("--client", choices=["node", "python"], default="node", help="the load generator")
    add("--full-parse", action="store_true", help="phones parse large snapshots in full")
    add("--scrumblr", help="scrumblr's directory, with its node_modules (--mode scrumblr)")
    add("--audience", choices=sorted(AUDIENCES), default="author",
        help="whom a note reaches: the board and its author (a brainstorm's silent writing) "
        "or every phone as well (a SWOT's open ideation)")  # fmt: skip
    add("--url", action="append", help="a running server (repeat for several)")
    add("--code", help="the workshop's join code (with --url)")
    add("--board-key", help="the workshop's board key (with --url)")
    add("--email", help="a facilitator of the workshop (with --url, votes and plenary)")
    add("--password", help="that facilitator's password")
    add("--server-pid", type=int, action="append", help="with --url: whose CPU to count")
    add(
        "--suggest-every",
        type=float,
        help="notes: seconds between grouping suggestions "
        "a control screen asks for (assist.suggest, every area) during the run",
    )
    add("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    args.mode = args.mode or ["embedded"]
    check(parser, args)
    return args


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.url and (args.matrix or not args.code or not args.board_key):
        parser.error("--url needs --code and --board-key, and does not go with --matrix")
    if args.url and args.scenario != "notes" and not (args.email and args.password):
        parser.error("--url with votes or plenary needs --email and --password")
    try:
        args.rate_list = [float(rate) for rate in args.rates.split(",")] if args.rates else []
    except ValueError:
        parser.error("--rates takes numbers separated by commas, e.g. 100,200,400")
    rates = [args.rate, args.vote_rate, args.seed_rate, *args.rate_list]
    if min(rates) <= 0 or args.phones < 1:
        parser.error("rates and --phones must be positive")
    if args.client == "python" and (args.scenario != "notes" or "scrumblr" in args.mode):
        parser.error("the Python client runs the notes scenario on Fabrique only")
    if "scrumblr" in args.mode and (not args.scrumblr or args.scenario != "notes"):
        parser.error("--mode scrumblr needs --scrumblr PATH and runs the notes scenario")
    try:
        args.pins = pinning(args.pin)
    except ValueError as error:
        parser.error(str(error))


def check_budget(args: argparse.Namespace, phones: int, rate: float) -> None:
    """Stay within what the server lets one participant do (the join scenario's own few
    phones post 50 notes each)."""
    if args.scenario == "join":
        return
    notes = args.notes if args.scenario == "votes" else rate * (args.duration + args.warmup)
    if notes / phones > NOTES_PER_PHONE:
        sys.exit(f"{notes:.0f} notes over {phones} phones exceeds {NOTES_PER_PHONE} per phone")
    rates = [rate, args.seed_rate] + ([args.vote_rate] if args.scenario != "notes" else [])
    if max(rates) / phones > COMMANDS_PER_PHONE_S:
        log(f"warning: over {COMMANDS_PER_PHONE_S} commands a second per phone: rate-limited")


def raise_file_limit(phones: int) -> None:
    """Each phone holds a socket; the servers we start inherit the raised limit too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, 4 * phones + 1024)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM cleans up like Ctrl-C does."""

    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def configurations(args: argparse.Namespace) -> list[tuple[str, int, float]]:
    """(mode, phones, note rate) of each run, in the order they run (interleaved)."""
    if args.matrix:
        return [(mode, phones, args.rate) for mode, phones in MATRIX]
    rates = args.rate_list or [args.rate]
    return [
        (mode, args.phones, rate)
        for _ in range(args.repeat)
        for rate in rates
        for mode in args.mode
    ]


def main(argv: list[str] | None = None) -> None:
    """Run each configuration and print its lines; with several, a comparison after."""
    args = parse(argv)
    configs = configurations(args)
    for _, phones, rate in configs:
        check_budget(args, phones, rate)
    raise_file_limit(max(phones for _, phones, _ in configs))
    runs: list[tuple[str, list[Any]]] = []
    try:
        with terminate_as_interrupt():
            for mode, phones, rate in configs:
                args.phones, args.rate = phones, rate
                runs.append((mode, run_once(mode, args, args.pins)))
                print("\n".join(line.line() for line in runs[-1][1]), flush=True)
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped, benchmark databases dropped")
    if len(runs) > 1:
        print("\n".join(["", *(line.line() for _, lines in runs for line in lines)]))
        print(comparison(runs))
    if len(args.rate_list) > 1:
        print(sustained(runs, args.p99_limit))
    if args.json:
        print(json.dumps([line.as_json() for _, lines in runs for line in lines], indent=2))


if __name__ == "__main__":
    main()
