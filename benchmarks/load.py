"""Simulated phones and a board on one asyncio loop, and the open-loop note schedule.

Each phone is one aiohttp session (its own cookie jar, a shared connector) and one
python-socketio ``AsyncClient`` riding that session, so the participant cookie set by
the HTTP join is what the websocket handshake sends.
"""

from __future__ import annotations

import asyncio
import random
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp
import socketio

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SETUP_CONCURRENCY = 50
SECTIONS = ("notes", "groups", "cards", "proposals")  # a snapshot's paged collections


RETRYABLE = {"rate_limited", "server_error"}


def retry_delay(refusals: int) -> float:
    """As live.js: 2 to 4 s after a first refusal, then 4 to 8, then 8 to 16."""
    return 2.0 * 2 ** min(refusals - 1, 2) * (1 + random.random())


@dataclass
class Post:
    """One note: when it was due, sent, acked and seen on the board (perf_counter seconds)."""

    index: int
    text: str
    warmup: bool
    scheduled: float = 0.0
    sent: float | None = None
    acked: float | None = None
    ok: bool = False
    error: str | None = None
    note_id: int | None = None
    on_board: float | None = None
    board_id: int | None = None
    stored: bool | None = None  # in a final snapshot; None: unknown
    refusals: int = 0  # refused for now (the room busy), each time sent again with its id
    last_sent: float | None = None  # the sending answered (``sent``: the first)


class Deliveries:
    """Counts the events every client receives, and when the last one came."""

    def __init__(self) -> None:
        self.count = 0
        self.last = 0.0
        self.dropped = 0  # connections the server (or the network) closed

    def add(self, n: int) -> None:
        self.count += n
        self.last = time.perf_counter()


class Screen:
    """A phone or the board: one aiohttp session and one Socket.IO client."""

    def __init__(self, url: str, connector: aiohttp.BaseConnector, deliveries: Deliveries):
        self.url = url
        self.http = aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: accept cookies from an IP
            timeout=aiohttp.ClientTimeout(total=60),
        )
        self.sio = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=self.http
        )
        self.deliveries = deliveries
        self.on_note: Callable[[dict[str, Any], float], None] | None = None
        self.closing, self.role = False, "screen"
        self.area = "ideas"  # where notes go: the first area the current phase opens
        self.sio.on("events", self._events)
        self.sio.on("disconnect", self._disconnected)

    def _disconnected(self, *reason: Any) -> None:
        if not self.closing:
            self.deliveries.dropped += 1
            if self.deliveries.dropped <= 3 or self.role == "board":
                print(f"{self.role} on {self.url} disconnected: {reason}", file=sys.stderr)

    def _events(self, batch: dict[str, Any]) -> None:
        now = time.perf_counter()
        events = batch.get("events", [])
        self.deliveries.add(len(events))
        if self.on_note is not None:
            for event in events:
                if event.get("type") == "note.posted":
                    self.on_note(event, now)

    async def join_http(self, code: str) -> None:
        """What a phone does after scanning the QR code: open /j/<code>, send a nickname."""
        async with self.http.get(f"{self.url}/j/{code}") as page:
            page.raise_for_status()
            match = CSRF.search(await page.text())
        if match is None:
            raise RuntimeError(f"no CSRF token on {self.url}/j/{code}")
        form = {"csrf_token": match.group(1), "nickname": ""}
        async with self.http.post(
            f"{self.url}/j/{code}", data=form, allow_redirects=False
        ) as answer:
            if answer.status not in (302, 303):
                raise RuntimeError(f"join answered {answer.status}")

    async def join_live(self, code: str, role: str, key: str | None = None) -> dict[str, Any]:
        """Open the websocket and join the workshop's rooms; returns the snapshot."""
        self.role = role
        await self.sio.connect(self.url, transports=["websocket"], wait_timeout=30)
        ack = await self.sio.call("join", {"code": code, "role": role, "key": key}, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"{role} could not join: {ack}")
        return await self.assemble(ack["snapshot"])

    async def assemble(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """The whole snapshot: the join ack carries the first page, each page the next's cursor."""
        whole = {**snapshot, **{name: list(snapshot[name]) for name in SECTIONS}}
        cursor = snapshot.get("next")
        while cursor is not None:
            ack = await self.sio.call("snapshot.page", cursor, timeout=30)
            if not ack.get("ok"):
                raise RuntimeError(f"{self.role} could not fetch a snapshot page: {ack}")
            for name in SECTIONS:
                whole[name].extend(ack["page"][name])
            cursor = ack["next"]
        return {**whole, "next": None}

    async def post(self, post: Post, timeout: float) -> None:
        """Send one note and record its ack (or why there was none); refused for now (the
        room busy), it goes again with its id, as live.js's outbox sends it."""
        payload = {"command_id": uuid.uuid4().hex, "area": self.area, "text": post.text}
        while True:
            post.last_sent = time.perf_counter()
            post.sent = post.sent or post.last_sent
            try:
                ack = await self.sio.call("note.post", payload, timeout=timeout)
            except socketio.exceptions.TimeoutError:
                post.error = "timeout"
                return
            except Exception as error:
                post.error = type(error).__name__
                return
            if ack.get("ok") or ack.get("error", {}).get("code") not in RETRYABLE:
                break
            post.refusals += 1
            await asyncio.sleep(retry_delay(post.refusals))
        post.acked = time.perf_counter()
        if ack.get("ok"):
            post.ok, post.note_id = True, ack["data"]["note"]["id"]
        else:
            post.error = str(ack.get("error", {}).get("code", "refused"))

    async def close(self) -> None:
        self.closing = True
        try:
            if self.sio.connected:
                await self.sio.disconnect()
        finally:
            await self.http.close()


def open_area(snapshot: dict[str, Any]) -> str:
    """The first area a workshop's current phase takes notes in."""
    phase = snapshot["format"]["phases"][snapshot["workshop"]["phase_index"]]
    return (phase["areas"] or [area["key"] for area in snapshot["format"]["areas"]])[0]


async def bounded(jobs: Iterable[Any], limit: int = SETUP_CONCURRENCY) -> None:
    """Await coroutines, at most ``limit`` at a time; the first failure is raised."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> None:
        async with gate:
            await job

    await asyncio.gather(*(one(job) for job in jobs))


class LoopLag:
    """How late the client's own event loop wakes up: a busy client skews every figure."""

    def __init__(self, period: float = 0.05) -> None:
        self.period, self.worst = period, 0.0
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.period)
            self.worst = max(self.worst, time.perf_counter() - before - self.period)

    def stop(self) -> None:
        if self.task:
            self.task.cancel()


async def drive(
    phones: list[Screen], posts: list[Post], rate: float, timeout: float, measure: Callable
) -> list:
    """Send every post at its due time (open loop: a slow server never slows the schedule).

    ``measure`` is called once, just before the first post that is not warm-up.
    """
    start = time.perf_counter() + 0.1
    tasks, measuring = [], False
    for post in posts:
        post.scheduled = start + post.index / rate
        delay = post.scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if not post.warmup and not measuring:
            measuring = True
            measure()
        phone = phones[post.index % len(phones)]
        tasks.append(asyncio.create_task(phone.post(post, timeout)))
    return tasks


async def settle(tasks: list, posts: list[Post], grace: float) -> None:
    """Wait for acks and for acked notes to reach the board, for at most ``grace`` seconds
    after the last sending (a note sent again pushes the end back)."""
    last = time.perf_counter()
    while time.perf_counter() - max(last, *(post.last_sent or 0.0 for post in posts)) < grace:
        acks_done = all(task.done() for task in tasks)
        if acks_done and all(post.on_board for post in posts if post.ok):
            return
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
