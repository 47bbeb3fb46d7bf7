"""The Python load generator: phones and a board as python-socketio AsyncClients on one
asyncio loop (about 500 busy sockets on one core). It runs the notes scenario only; the
Node load generator (``--client node``) runs every scenario and holds 2,000 phones.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from typing import Any

import aiohttp

from .cpu import Pinning, cpu_since, host_cpu_seconds, services_cpu
from .load import Deliveries, LoopLag, Post, Screen, bounded, drive, open_area, settle
from .report import Result, tally
from .stack import Target


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
        result.server_cpu_s = served if server is not None else None
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


def results(target: Target, mode: str, args: argparse.Namespace, pins: Pinning) -> list[Result]:
    """The notes scenario with this process as the load generator (on the client's cores)."""
    if pins.client:
        os.sched_setaffinity(0, set(pins.client))
    return [asyncio.run(measure(target, mode, args))]
