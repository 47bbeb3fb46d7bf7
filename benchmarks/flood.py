"""An idle flood: how many sockets one client can hold open without joining, for how long,
and whether ``/healthz`` and a real phone keep working meanwhile.

One command::

    .venv/bin/python -m benchmarks.flood [--sockets 2000] [--hold 30] [--connect] [--pong]
                                         [--set SOCKET_JOIN_SECONDS=5 ...] [--json]
    .venv/bin/python -m benchmarks.flood --url http://127.0.0.1:5000 --code ABCDEFGH

It starts one gunicorn process on a fresh SQLite file (``--set NAME=VALUE`` passes
settings to it), or targets a running server with ``--url`` and ``--code``. Then it opens
``--sockets`` raw WebSockets to ``/socket.io/`` from this one process, as fast as the
server accepts them (``--concurrency`` handshakes at a time). Each does the Engine.IO
handshake and nothing else; with ``--connect`` it also sends the Socket.IO CONNECT packet,
with ``--pong`` it answers the server's pings (so Engine.IO's own ping timeout never cuts
it): the cheapest a hostile client can be; with ``--refill`` each socket opens again as
soon as it is cut or refused. None ever sends ``join``.

The server started here trusts one proxy (``PROXY_COUNT=1``) and every client names its
address in ``X-Forwarded-For``: the flood comes from one address, as behind nginx. While
it holds, ``/healthz`` is probed twice a second on fresh connections; once the flood has
opened, a phone from another address, then one from the flood's own address, join the
workshop as after the QR code (HTTP, then a websocket and ``join``), retrying every
second for ``--patience`` seconds as a browser would. Printed: sockets opened and
refused, the most held at once, how many are still open after ``--hold`` seconds and how
long the cut ones lived, the worker's resident memory at the peak, ``/healthz`` latency
(p50/max, failures) and each phone's join time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import aiohttp
import socketio

from .load import CSRF

HANDSHAKE = "/socket.io/?EIO=4&transport=websocket"
# Addresses the clients claim in X-Forwarded-For; the server started here trusts one proxy.
FLOODER, NEIGHBOUR = "203.0.113.66", "198.51.100.23"


@dataclass
class Flood:
    opened: int = 0
    refused: int = 0
    open_now: int = 0
    most_held: int = 0
    lifetimes: list[float] = field(default_factory=list)  # seconds, of the sockets cut

    def held(self, change: int) -> None:
        self.open_now += change
        self.most_held = max(self.most_held, self.open_now)


@dataclass
class Result:
    sockets: int
    opened: int
    refused: int
    most_held: int
    held_at_end: int
    cut: int
    lifetime_median_s: float | None
    lifetime_max_s: float | None
    worker_rss_mb: float | None
    healthz_p50_ms: float | None
    healthz_max_ms: float | None
    healthz_failed: int
    phones: dict[str, str]  # whose address → "joined in 0.3 s" or why not


async def idle_socket(
    http: aiohttp.ClientSession,
    url: str,
    args: argparse.Namespace,
    flood: Flood,
    gate: asyncio.Semaphore,
    stop: asyncio.Event,
) -> None:
    """One socket that never joins: open, maybe CONNECT, maybe answer pings, until cut;
    with ``--refill``, open again at once, until the run ends."""
    while True:
        await _idle_once(http, url, args, flood, gate)
        if not args.refill or stop.is_set():
            return
        await asyncio.sleep(0.05)


async def _idle_once(
    http: aiohttp.ClientSession,
    url: str,
    args: argparse.Namespace,
    flood: Flood,
    gate: asyncio.Semaphore,
) -> None:
    try:
        async with gate:  # a bounded number of handshakes at a time
            ws = await http.ws_connect(
                url + HANDSHAKE,
                timeout=aiohttp.ClientWSTimeout(ws_close=5),
                headers={"X-Forwarded-For": FLOODER},
            )
    except (TimeoutError, aiohttp.ClientError, OSError):
        flood.refused += 1
        return
    opened = time.perf_counter()
    flood.opened += 1
    flood.held(+1)
    try:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            if message.data.startswith("0") and args.connect:
                await ws.send_str("40")
            elif message.data == "2" and args.pong:
                await ws.send_str("3")
    except (TimeoutError, aiohttp.ClientError, OSError):
        pass
    finally:
        flood.held(-1)
        flood.lifetimes.append(time.perf_counter() - opened)


async def probe_health(url: str, stop: asyncio.Event, latencies: list[float | None]) -> None:
    """A new connection each time, as a load balancer's check or a newcomer would open."""
    connector = aiohttp.TCPConnector(force_close=True)
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                async with http.get(f"{url}/healthz") as answer:
                    await answer.read()
                    ok = answer.status == 200
            except (TimeoutError, aiohttp.ClientError, OSError):
                ok = False
            latencies.append(time.perf_counter() - started if ok else None)
            await asyncio.sleep(0.5)


async def phone_joins(
    url: str, code: str, address: str, patience: float
) -> tuple[float | None, str | None]:
    """A phone from ``address`` joins as after the QR code; it retries its connection
    every second, as a browser would, for ``patience`` seconds. (seconds, error)"""
    started = time.perf_counter()
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: accept cookies from an IP address
    headers = {"X-Forwarded-For": address}
    async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as http:
        try:
            await asyncio.wait_for(_join_http(http, url, code), 30)
        except Exception as error:
            return None, f"HTTP join: {type(error).__name__}"
        while True:
            outcome = await _join_live(http, url, code, headers)
            waited = time.perf_counter() - started
            if outcome is None or waited > patience:
                return (waited, None) if outcome is None else (None, outcome)
            await asyncio.sleep(1)


async def _join_http(http: aiohttp.ClientSession, url: str, code: str) -> None:
    async with http.get(f"{url}/j/{code}") as page:
        page.raise_for_status()
        token = CSRF.search(await page.text())
    form = {"csrf_token": token.group(1) if token else "", "nickname": ""}
    async with http.post(f"{url}/j/{code}", data=form, allow_redirects=False) as answer:
        if answer.status not in (302, 303):
            raise RuntimeError(f"join answered {answer.status}")


async def _join_live(
    http: aiohttp.ClientSession, url: str, code: str, headers: dict[str, str]
) -> str | None:
    """One attempt: None when the phone joined, else why not."""
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, http_session=http)
    try:
        await sio.connect(url, headers=headers, transports=["websocket"], wait_timeout=10)
        ack = await sio.call("join", {"code": code, "role": "phone"}, timeout=10)
        return None if ack.get("ok") else str(ack.get("error", {}).get("code"))
    except Exception as error:
        return type(error).__name__
    finally:
        with contextlib.suppress(Exception):
            await sio.disconnect()


def worker_rss_mb(pids: list[int]) -> float | None:
    """Resident memory of the gunicorn workers under ``pids`` (their masters), in MB."""
    total = None
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            lines = dict(line.split(":", 1) for line in status.read_text().splitlines())
            if int(lines["PPid"]) in pids:
                total = (total or 0) + int(lines["VmRSS"].split()[0]) / 1024
    return total


async def measure(url: str, code: str, pids: list[int], args: argparse.Namespace) -> Result:
    flood, latencies, stop = Flood(), [], asyncio.Event()
    gate = asyncio.Semaphore(args.concurrency)
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    http = aiohttp.ClientSession(connector=connector)

    probe = asyncio.create_task(probe_health(url, stop, latencies))
    flooding = [
        asyncio.create_task(idle_socket(http, url, args, flood, gate, stop))
        for _ in range(args.sockets)
    ]
    started = time.perf_counter()
    while flood.opened + flood.refused < args.sockets and time.perf_counter() - started < 60:
        await asyncio.sleep(0.2)
    rss = worker_rss_mb(pids)
    phones = {}
    for name, address in (("another address", NEIGHBOUR), ("the flood's address", FLOODER)):
        seconds, error = await phone_joins(url, code, address, args.patience)
        phones[name] = f"joined in {seconds:.2f} s" if seconds is not None else f"failed: {error}"
    await asyncio.sleep(max(0.0, args.hold - (time.perf_counter() - started)))
    held_at_end = flood.open_now
    stop.set()
    await probe
    for task in flooding:
        task.cancel()
    await asyncio.gather(*flooding, return_exceptions=True)
    await http.close()
    return summarise(args, flood, held_at_end, rss, latencies, phones)


def summarise(
    args: argparse.Namespace,
    flood: Flood,
    held_at_end: int,
    rss: float | None,
    latencies: list[float | None],
    phones: dict[str, str],
) -> Result:
    cut = flood.lifetimes[: flood.opened - held_at_end]
    answered = sorted(1000 * value for value in latencies if value is not None)
    return Result(
        sockets=args.sockets,
        opened=flood.opened,
        refused=flood.refused,
        most_held=flood.most_held,
        held_at_end=held_at_end,
        cut=len(cut),
        lifetime_median_s=round(statistics.median(cut), 1) if cut else None,
        lifetime_max_s=round(max(cut), 1) if cut else None,
        worker_rss_mb=round(rss, 1) if rss is not None else None,
        healthz_p50_ms=round(statistics.median(answered), 1) if answered else None,
        healthz_max_ms=round(answered[-1], 1) if answered else None,
        healthz_failed=sum(value is None for value in latencies),
        phones=phones,
    )


def print_result(result: Result, args: argparse.Namespace) -> None:
    options = ["connect"] * args.connect + ["pong"] * args.pong + ["refill"] * args.refill
    kind = "+".join(["engine.io", *options])
    print(
        f"idle flood ({kind}): {result.opened}/{result.sockets} opened, "
        f"{result.refused} refused, at most {result.most_held} held, "
        f"{result.held_at_end} still open after {args.hold:.0f} s; "
        f"{result.cut} cut after {result.lifetime_median_s} s (median), "
        f"{result.lifetime_max_s} s (max); worker {result.worker_rss_mb} MB"
    )
    print(
        f"/healthz: p50 {result.healthz_p50_ms} ms, max {result.healthz_max_ms} ms, "
        f"{result.healthz_failed} failed"
    )
    for name, outcome in result.phones.items():
        print(f"a phone from {name}: {outcome}")
    if args.json:
        print(json.dumps(asdict(result)))


@contextlib.contextmanager
def target(args: argparse.Namespace) -> Iterator[tuple[str, str, list[int]]]:
    if args.url:
        yield args.url, args.code, []
        return
    from .cpu import Pinning
    from .stack import started

    settings = {"PROXY_COUNT": "1", **dict(item.split("=", 1) for item in args.set)}
    options = {"mode": "embedded", "format": "brainstorm", "settings": settings}
    with started(options, Pinning()) as stack:
        pids = [server.process.pid for server in stack.servers if server.process]
        yield stack.urls[0], stack.code, pids


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.flood", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes at a time")
    parser.add_argument("--hold", type=float, default=30, help="seconds from the first socket")
    parser.add_argument("--connect", action="store_true", help="send Socket.IO CONNECT")
    parser.add_argument("--pong", action="store_true", help="answer the server's pings")
    parser.add_argument("--refill", action="store_true", help="reopen each socket once cut")
    parser.add_argument(
        "--patience", type=float, default=30, help="seconds a phone keeps retrying to join"
    )
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--url", help="a running server")
    parser.add_argument("--code", help="its workshop's join code (with --url)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.url and not args.code:
        parser.error("--url needs --code")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    with target(args) as (url, code, pids):
        result = asyncio.run(measure(url, code, pids, args))
    print_result(result, args)


if __name__ == "__main__":
    main()
