"""Post→board latency and fan-out throughput of the live channel, under many phones.

One command::

    .venv/bin/python -m benchmarks.run [--mode embedded|scaled] [--phones 100] [--rate 50]
                                       [--duration 20] [--audience author|everyone] [--json]
    .venv/bin/python -m benchmarks.run --matrix --rate 50 --duration 20
    .venv/bin/python -m benchmarks.run --url http://127.0.0.1:5000 --code ABC123 --board-key KEY

It starts the servers itself (``embedded``: one gunicorn process on a fresh SQLite file,
no Redis; ``scaled``: two processes sharing Redis on redis://127.0.0.1:6379/15 with a
channel of their own and a fresh PostgreSQL database on 127.0.0.1:5432, dropped at the
end), migrates the schema, creates a facilitator and a workshop, or it targets running
servers with ``--url`` (repeatable), ``--code`` and ``--board-key``.

Then N phones join over HTTP (GET and POST /j/<code>, as after the QR code) and open a
websocket each, one board joins (on the last server, so in scaled mode every note
crosses Redis), and the phones post notes round-robin at ``--rate`` notes per second in
total, on an open-loop schedule, into the first area the workshop's phase opens. With
``--audience author`` (the default) the workshop is a brainstorm in silent writing: each
note goes to the staff (the board) and its author, two deliveries. With ``--audience
everyone`` it is a SWOT in open ideation: each note goes to every phone as well, N + 1
deliveries — the fan-out a room pays once notes are shown. With ``--url`` the workshop
named decides, and ``--audience`` only labels the line.

Printed per configuration:

* latency: from emitting ``note.post`` to the board receiving its ``note.posted`` event,
  matched by the note's unique text (p50/p95/p99/max, ms);
* lost: acked notes that never reached the board within ``--grace`` seconds, plus posts
  refused or never acked (ack timeout: ``--grace``); when some are lost, ``stored`` says
  how many of the measured notes a fresh board snapshot holds at the end: stored but
  lost notes were late (or their live event dropped), unstored ones were never committed;
  ``dropped`` counts client connections that ended during the run (closed by the
  server, or given up on after the server stopped pinging for 25 s);
* deliveries/s: ``events`` items received by every client over the measured window;
* ack: from emit to the phone's ack; sent/s: the rate actually achieved;
* client cpu (share of one core) and the worst lag of the client's event loop: if the
  client is busy or falls behind the schedule, the figures understate the server and
  the line says CLIENT-BOUND; server cpu is the servers' CPU over the same window
  (100% = one core; one gevent worker each), pg+redis cpu that of PostgreSQL and Redis,
  other cpu that of every other process: the client, servers and databases share the
  machine's cores, so above 30% the line says HOST-BUSY and the figures are pessimistic.

The first ``--warmup`` seconds of posts are left out. All simulated clients share one
asyncio loop (python-socketio's AsyncClient over aiohttp), which handles 500 sockets on
one core without threads. Servers, the PostgreSQL database and the Redis keys are cleaned
up even on Ctrl-C; server logs are kept (and their path printed) when they hold errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp

from .load import Deliveries, LoopLag, Post, Screen, bounded, drive, open_area, settle
from .report import Result, tally
from .stack import Target, cpu_since, host_cpu_seconds, services_cpu, started

MATRIX = [("embedded", 100), ("embedded", 500), ("scaled", 100), ("scaled", 500)]
# Whom each note reaches: in a brainstorm's silent writing the board and its author only;
# in a SWOT's open ideation every phone too (the fan-out a room pays once notes are shown).
AUDIENCES = {"author": "brainstorm", "everyone": "swot"}
NOTES_PER_PHONE = 200  # the server refuses more (notes.services.MAX_NOTES_PER_PARTICIPANT)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_posts(args: argparse.Namespace) -> list[Post]:
    run = uuid.uuid4().hex[:8]
    warm, measured = round(args.rate * args.warmup), round(args.rate * args.duration)
    return [Post(i, f"bench {run} note {i}", i < warm) for i in range(warm + measured)]


class Window:
    """Client, server and delivery counters, read when measuring starts and ends."""

    def __init__(self, target: Target, deliveries: Deliveries, lag: LoopLag) -> None:
        self.target, self.deliveries, self.lag = target, deliveries, lag
        self.start = self.cpu = self.host = 0.0
        self.services: dict[int, float] = {}
        self.server: float | None = None
        self.count = 0

    def open(self) -> None:
        self.start, self.cpu = time.perf_counter(), time.process_time()
        self.host, self.services = host_cpu_seconds(), services_cpu()
        self.server, self.count = self.target.server_cpu_seconds(), self.deliveries.count
        self.lag.worst = 0.0

    def close(self, result: Result) -> None:
        wall = time.perf_counter() - self.start
        client = time.process_time() - self.cpu
        server = self.target.server_cpu_seconds()
        served = server - self.server if server is not None and self.server is not None else 0.0
        result.client_cpu = client / wall
        result.server_cpu = served / wall if server is not None else None
        services = cpu_since(self.services, services_cpu())
        result.services_cpu = services / wall
        other = host_cpu_seconds() - self.host - client - served - services
        result.other_cpu = max(other, 0.0) / wall
        span = max(self.deliveries.last - self.start, 1e-9)
        result.deliveries_per_s = (self.deliveries.count - self.count) / span
        result.client_lag_max_ms = self.lag.worst * 1000


async def _connect(
    target: Target, args: argparse.Namespace, screens: list[Screen], posts: list[Post]
) -> list[Screen]:
    """The board first (it must see every note), then the phones, round-robin over urls."""
    connector, deliveries = screens[0].http.connector, screens[0].deliveries
    assert connector is not None
    by_text = {post.text: post for post in posts}

    def arrived(event: dict[str, Any], now: float) -> None:
        post = by_text.get(event.get("data", {}).get("text"))
        if post is not None and post.on_board is None:
            post.on_board, post.board_id = now, event["data"].get("id")

    screens[0].on_note = arrived
    snapshot = await screens[0].join_live(target.code, "board", target.board_key)
    urls = target.urls
    phones = [Screen(urls[i % len(urls)], connector, deliveries) for i in range(args.phones)]
    area = open_area(snapshot)
    for phone in phones:
        phone.area = area
    screens += phones
    log(f"joining {len(phones)} phones over {len(urls)} server(s)")
    await bounded(phone.join_http(target.code) for phone in phones)
    await bounded(phone.join_live(target.code, "phone") for phone in phones)
    return phones


async def _stored_texts(target: Target, connector: aiohttp.BaseConnector) -> set[str] | None:
    """The notes a fresh board's snapshot holds (None if it cannot join in time)."""
    board = Screen(target.urls[-1], connector, Deliveries())
    try:
        snapshot = await board.join_live(target.code, "board", target.board_key)
    except Exception as error:
        log(f"no final snapshot: {type(error).__name__} {error}")
        return None
    finally:
        await board.close()
    return {note["text"] for note in snapshot.get("notes", [])}


async def measure(target: Target, mode: str, args: argparse.Namespace) -> Result:
    """Join the clients, post the notes, wait for stragglers, and tally."""
    connector, deliveries = aiohttp.TCPConnector(limit=0), Deliveries()
    screens = [Screen(target.urls[-1], connector, deliveries)]
    posts, lag = make_posts(args), LoopLag()
    window = Window(target, deliveries, lag)
    result = Result(mode, args.phones, args.rate, args.duration, args.audience)
    try:
        phones = await _connect(target, args, screens, posts)
        log(f"posting {len(posts)} notes at {args.rate:g}/s ({args.warmup:g}s warm-up)")
        lag.start()
        tasks = await drive(phones, posts, args.rate, args.grace, window.open)
        await settle(tasks, posts, args.grace)
        window.close(result)
        screens[0].on_note = None  # what arrives after the grace period is lost
        result.dropped = deliveries.dropped
        stored = await _stored_texts(target, connector)
        for post in posts:
            post.stored = None if stored is None else post.text in stored
    finally:
        lag.stop()
        await asyncio.gather(*(screen.close() for screen in screens), return_exceptions=True)
        await connector.close()
    return tally(result, posts)


def run_once(mode: str, args: argparse.Namespace) -> Result:
    """One configuration, on servers started for it (or on --url)."""
    if args.url:
        target = Target(args.url, args.code, args.board_key)
        return asyncio.run(measure(target, "external", args))
    log(f"starting {mode} servers")
    with started(mode, AUDIENCES[args.audience]) as target:
        result = asyncio.run(measure(target, mode, args))
        for line in target.log_problems()[:20]:
            log(f"server log: {line}")
    return result


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50, help="notes per second, in total")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of posts not measured")
    parser.add_argument("--grace", type=float, default=10, help="seconds to wait for stragglers")
    parser.add_argument("--mode", choices=["embedded", "scaled"], default="embedded")
    parser.add_argument("--matrix", action="store_true", help="the four configurations")
    parser.add_argument(
        "--audience",
        choices=sorted(AUDIENCES),
        default="author",
        help="whom a note reaches: the board and its author (a brainstorm's silent writing) "
        "or every phone as well (a SWOT's open ideation)",
    )
    parser.add_argument("--url", action="append", help="a running server (repeat for several)")
    parser.add_argument("--code", help="the workshop's join code (with --url)")
    parser.add_argument("--board-key", help="the workshop's board key (with --url)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    if args.url and (args.matrix or not args.code or not args.board_key):
        parser.error("--url needs --code and --board-key, and does not go with --matrix")
    if args.rate <= 0 or args.phones < 1:
        parser.error("--rate and --phones must be positive")
    return args


def check_budget(args: argparse.Namespace, phones: int) -> None:
    notes = args.rate * (args.duration + args.warmup)
    if notes / phones > NOTES_PER_PHONE:
        sys.exit(f"{notes:.0f} notes over {phones} phones exceeds {NOTES_PER_PHONE} per phone")


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


def main(argv: list[str] | None = None) -> None:
    """Run one configuration, or the matrix, and print one line per configuration."""
    args = parse(argv)
    configs = MATRIX if args.matrix else [(args.mode, args.phones)]
    for _, phones in configs:
        check_budget(args, phones)
    raise_file_limit(max(phones for _, phones in configs))
    results = []
    try:
        with terminate_as_interrupt():
            for mode, phones in configs:
                args.phones = phones
                results.append(run_once(mode, args))
                print(results[-1].line(), flush=True)
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped, benchmark database dropped")
    if len(results) > 1:
        print("\n".join(["", *(result.line() for result in results)]))
    if args.json:
        print(json.dumps([result.as_json() for result in results], indent=2))


if __name__ == "__main__":
    main()
