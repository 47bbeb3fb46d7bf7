"""What an export costs the room: live note latency and ``/healthz`` while a big
workshop's synthesis is made.

One command::

    .venv/bin/python -m benchmarks.exports [--notes 3000] [--kind pdf] [--database sqlite]
        [--phones 10] [--rate 5] [--quiet 5] [--repeat 1] [--tree before=../old-checkout]

It starts one gunicorn process (one gevent worker, as in production) on a fresh database,
writes ``--notes`` notes into a brainstorm (tests/bulk.py), then joins a board and
``--phones`` phones. The phones post ``--rate`` notes a second on an open-loop schedule
(a late server never slows it) and ``/healthz`` is asked every quarter of a second on a
fresh connection, also open loop. After ``--quiet`` seconds the facilitator downloads
the ``--kind`` export; posting goes on for two seconds after. Then, the room quiet, the
export is downloaded a second time (the notes posted meanwhile changed the workshop).

Printed per run: the export's time and size (first and second download), and for the
quiet seconds and for the time the first download took, the live note latency (from
``note.post`` to the board's ``note.posted``: p50, p99, max), ``/healthz`` latency (p50,
p99, max, failures) and the sockets dropped. ``--tree LABEL=DIR`` (repeatable) runs the
server from another checkout of Fabrique (same virtualenv), so that before and after run
interleaved, ``--repeat`` times; the load average is printed with each run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from .cpu import Pinning
from .load import CSRF, Deliveries, Post, Screen, bounded, open_area
from .report import percentile
from .stack import Target, started

HEALTH_PERIOD = 0.25


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Probe:
    sent: float
    latency: float | None = None  # None: failed


@dataclass
class Download:
    status: int | None = None
    seconds: float | None = None
    size: int = 0
    started: float = 0.0
    error: str | None = None


@dataclass
class Window:
    """Figures over one stretch of time."""

    notes: int = 0
    note_p50_ms: float | None = None
    note_p99_ms: float | None = None
    note_max_ms: float | None = None
    notes_lost: int = 0
    healthz: int = 0
    healthz_p50_ms: float | None = None
    healthz_p99_ms: float | None = None
    healthz_max_ms: float | None = None
    healthz_failed: int = 0


@dataclass
class Run:
    label: str
    load: str
    first: Download = field(default_factory=Download)
    second: Download = field(default_factory=Download)
    quiet: Window = field(default_factory=Window)
    export: Window = field(default_factory=Window)
    dropped: int = 0


def seed(target: Target, count: int) -> int:
    """``count`` notes in the workshop, written straight into the table; its id."""
    from facilitation import create_app
    from facilitation.extensions import db
    from facilitation.workshops.models import Workshop
    from tests.bulk import insert_notes

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": target.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "SOCKETIO_ASYNC_MODE": "threading",
            "REDIS_URL": None,
            "REALTIME_BACKGROUND": False,
        }
    )
    with app.app_context():
        workshop = db.session.query(Workshop).filter_by(code=target.code).one()
        insert_notes(workshop.id, count)
        workshop_id = workshop.id
        db.engine.dispose()
    return workshop_id


async def sign_in(http: aiohttp.ClientSession, url: str, email: str, password: str) -> None:
    async with http.get(f"{url}/login") as page:
        token = CSRF.search(await page.text())
    form = {"csrf_token": token.group(1) if token else "", "email": email, "password": password}
    async with http.post(f"{url}/login", data=form, allow_redirects=False) as answer:
        if answer.status not in (302, 303):
            raise RuntimeError(f"sign-in answered {answer.status}")


async def download(http: aiohttp.ClientSession, url: str) -> Download:
    result = Download(started=time.perf_counter())
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=600)) as answer:
            body = await answer.read()
            result.status, result.size = answer.status, len(body)
    except Exception as error:
        result.error = type(error).__name__
    result.seconds = time.perf_counter() - result.started
    return result


async def probe_health(url: str, stop: asyncio.Event, probes: list[Probe]) -> None:
    """Every HEALTH_PERIOD, a new request on a new connection, whether or not the last
    one was answered (a stalled server then shows every probe it kept waiting)."""
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    timeout = aiohttp.ClientTimeout(total=120)
    pending = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def one() -> None:
            probe = Probe(time.perf_counter())
            probes.append(probe)
            try:
                async with http.get(f"{url}/healthz") as answer:
                    await answer.read()
                    if answer.status == 200:
                        probe.latency = time.perf_counter() - probe.sent
            except Exception:  # noqa: S110 (a failure is the absence of a latency)
                pass

        while not stop.is_set():
            pending.append(asyncio.create_task(one()))
            await asyncio.sleep(HEALTH_PERIOD)
        await asyncio.gather(*pending)


async def post_notes(phones: list[Screen], posts: list[Post], rate: float, stop: asyncio.Event):
    """Open loop: each note at its due time, latency counted from then."""
    start, tasks = time.perf_counter(), []
    index = 0
    while not stop.is_set():
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        post = Post(index, f"export bench {uuid.uuid4().hex[:8]} {index}", False, scheduled=due)
        posts.append(post)
        tasks.append(asyncio.create_task(phones[index % len(phones)].post(post, 120)))
        index += 1
    return tasks


def window(posts: list[Post], probes: list[Probe], begin: float, end: float) -> Window:
    def ms(values: list[float], q: float) -> float | None:
        found = percentile(values, q)
        return round(found * 1000, 1) if found is not None else None

    inside = [post for post in posts if begin <= post.scheduled < end]
    seen = [post.on_board - post.scheduled for post in inside if post.on_board]
    checks = [probe for probe in probes if begin <= probe.sent < end]
    answered = [probe.latency for probe in checks if probe.latency is not None]
    return Window(
        notes=len(inside),
        note_p50_ms=ms(seen, 50),
        note_p99_ms=ms(seen, 99),
        note_max_ms=round(max(seen) * 1000, 1) if seen else None,
        notes_lost=len(inside) - len(seen),
        healthz=len(checks),
        healthz_p50_ms=ms(answered, 50),
        healthz_p99_ms=ms(answered, 99),
        healthz_max_ms=round(max(answered) * 1000, 1) if answered else None,
        healthz_failed=len(checks) - len(answered),
    )


async def measure(target: Target, workshop_id: int, args: argparse.Namespace, run: Run) -> None:
    url = target.urls[0]
    connector, deliveries = aiohttp.TCPConnector(limit=0), Deliveries()
    board = Screen(url, connector, deliveries)
    phones = [Screen(url, connector, deliveries) for _ in range(args.phones)]
    posts: list[Post] = []
    by_text: dict[str, Post] = {}

    def arrived(event: dict[str, Any], now: float) -> None:
        post = by_text.get(event.get("data", {}).get("text"))
        if post is not None and post.on_board is None:
            post.on_board = now

    board.on_note = arrived
    jar = aiohttp.CookieJar(unsafe=True)
    staff = aiohttp.ClientSession(cookie_jar=jar)
    try:
        await sign_in(staff, url, target.email or "", target.password or "")
        snapshot = await board.join_live(target.code, "board", target.board_key)
        for phone in phones:
            phone.area = open_area(snapshot)
        await bounded(phone.join_http(target.code) for phone in phones)
        await bounded(phone.join_live(target.code, "phone") for phone in phones)
        stop, probes = asyncio.Event(), []
        health = asyncio.create_task(probe_health(url, stop, probes))
        posting = asyncio.create_task(post_notes(phones, posts, args.rate, stop))
        watch = asyncio.create_task(_index(posts, by_text, stop))
        begin = time.perf_counter()
        await asyncio.sleep(args.quiet)
        export_url = f"{url}/workshops/{workshop_id}/export.{args.kind}"
        log(f"{run.label}: downloading the {args.kind} of {args.notes} notes")
        run.first = await download(staff, export_url)
        await asyncio.sleep(2)
        stop.set()
        tasks = await posting
        await asyncio.wait(tasks, timeout=60)
        await health
        await asyncio.sleep(1)
        watch.cancel()
        run.second = await download(staff, export_url)
        first_end = run.first.started + (run.first.seconds or 0)
        run.quiet = window(posts, probes, begin, run.first.started)
        run.export = window(posts, probes, run.first.started, first_end)
        run.dropped = deliveries.dropped
    finally:
        for screen in [board, *phones]:
            await screen.close()
        await staff.close()
        await connector.close()


async def _index(posts: list[Post], by_text: dict[str, Post], stop: asyncio.Event) -> None:
    """Keep the board's lookup of notes by text up to date as posts are made."""
    while True:
        for post in posts[len(by_text) :]:
            by_text[post.text] = post
        await asyncio.sleep(0.005)


def one_run(label: str, tree: Path | None, args: argparse.Namespace) -> Run:
    run = Run(label, load=" ".join(f"{value:.1f}" for value in os.getloadavg()))
    options: dict[str, object] = {"mode": "embedded", "format": "brainstorm",
                                  "database": args.database, "cwd": tree}  # fmt: skip
    with started(options, Pinning()) as target:
        log(f"{run.label}: writing {args.notes} notes")
        workshop_id = seed(target, args.notes)
        asyncio.run(measure(target, workshop_id, args, run))
        for line in target.log_problems()[:10]:
            log(f"server log: {line}")
    return run


def describe(run: Run) -> str:
    def dl(d: Download) -> str:
        if d.error or d.status != 200:
            return f"FAILED ({d.error or d.status}) after {d.seconds or 0:.1f} s"
        return f"{d.seconds:.2f} s, {d.size / 1e6:.1f} MB"

    def part(w: Window) -> str:
        return (
            f"notes p50 {w.note_p50_ms} ms p99 {w.note_p99_ms} ms max {w.note_max_ms} ms "
            f"({w.notes} posted, {w.notes_lost} not on the board); /healthz p50 "
            f"{w.healthz_p50_ms} ms p99 {w.healthz_p99_ms} ms max {w.healthz_max_ms} ms "
            f"({w.healthz} asked, {w.healthz_failed} failed)"
        )

    return (
        f"[{run.label}] load {run.load}\n"
        f"  export: first {dl(run.first)}; second {dl(run.second)}; "
        f"{run.dropped} sockets dropped\n"
        f"  quiet:        {part(run.quiet)}\n"
        f"  during export: {part(run.export)}"
    )


def summary(runs: list[Run]) -> list[str]:
    """Medians per label over the repeats."""
    lines = []
    for label in dict.fromkeys(run.label for run in runs):
        mine = [run for run in runs if run.label == label]

        def median(values: list[float | None]) -> str:
            known = [value for value in values if value is not None]
            return f"{statistics.median(known):.0f}" if known else "—"

        lines.append(
            f"{label}: export {median([r.first.seconds for r in mine])} s (median of "
            f"{len(mine)}); during it note p99 {median([r.export.note_p99_ms for r in mine])} "
            f"ms, /healthz p99 {median([r.export.healthz_p99_ms for r in mine])} ms max "
            f"{median([r.export.healthz_max_ms for r in mine])} ms; quiet note p99 "
            f"{median([r.quiet.note_p99_ms for r in mine])} ms, /healthz p99 "
            f"{median([r.quiet.healthz_p99_ms for r in mine])} ms; second download "
            f"{median([r.second.seconds for r in mine])} s"
        )
    return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.exports", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--notes", type=int, default=3000, help="notes in the workshop exported")
    add("--kind", default="pdf", help="the export: pdf, odt, docx, html, md, json, notes.csv")
    add("--database", choices=["sqlite", "postgresql"], default="sqlite")
    add("--phones", type=int, default=10)
    add("--rate", type=float, default=5, help="notes per second, in total")
    add("--quiet", type=float, default=5, help="seconds measured before the export")
    add("--repeat", type=int, default=1, help="runs of each tree, interleaved")
    add("--tree", action="append", default=[], help="LABEL=DIR: a checkout to run the server from")
    add("--json", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    trees: list[tuple[str, Path | None]] = [
        (label, Path(path).resolve()) for label, path in (item.split("=", 1) for item in args.tree)
    ] or [("this tree", None)]
    runs = []
    for _ in range(args.repeat):
        for label, tree in trees:
            run = one_run(label, tree, args)
            runs.append(run)
            print(describe(run), flush=True)
            if args.json:
                print(json.dumps(asdict(run)), flush=True)
    if len(runs) > 1:
        print("\n".join(summary(runs)))
    print(f"load average now: {os.getloadavg()}")


if __name__ == "__main__":
    main()
