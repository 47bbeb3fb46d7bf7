"""Real clients of real servers: HTTP with requests, the live channel with python-socketio."""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from typing import Any

import requests
import socketio

from .sockets import BoardState, assemble

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# websocket-client checks each text frame's UTF-8 byte by byte in Python (about 1 µs a
# byte: a quarter of a second per snapshot page); decoding the text checks it anyway.
FAST_TEXT = {"skip_utf8_validation": True}

# The HTTP sessions and live clients the running test opened here, closed as it ends
# (tests/conftest.py). Left to the garbage collector, a connection to a server stopped
# since is an unclosed socket, reported as an error in whichever test the collector
# happens to run in.
OPENED: list[Any] = []


def session() -> requests.Session:
    """A new HTTP session, closed when the test ends."""
    http = requests.Session()
    OPENED.append(http)
    return http


def close_opened() -> None:
    while OPENED:
        with contextlib.suppress(Exception):
            OPENED.pop().close()


def csrf_token(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=10)
    page.raise_for_status()
    match = CSRF.search(page.text)
    assert match, f"no CSRF token in {url}"
    return match.group(1)


def join_as_participant(base: str, code: str, nickname: str = "") -> requests.Session:
    """What a phone does after scanning the QR code: open /j/<code>, send a nickname."""
    http = session()
    token = csrf_token(http, f"{base}/j/{code}")
    response = http.post(
        f"{base}/j/{code}", data={"csrf_token": token, "nickname": nickname}, timeout=10
    )
    response.raise_for_status()
    return http


def sign_in(base: str, email: str, password: str) -> requests.Session:
    http = session()
    token = csrf_token(http, f"{base}/login")
    response = http.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": password},
        timeout=10,
    )
    response.raise_for_status()
    return http


class LiveClient:
    """A screen on the live channel: joins, keeps state by sequence number, sends commands."""

    def __init__(self, base: str, http: requests.Session | None = None) -> None:
        self.base = base
        self.http = http or session()
        self.sio = socketio.Client(reconnection=False, websocket_extra_options=FAST_TEXT)
        OPENED.append(self)
        self.state = BoardState()
        self.events: list[dict[str, Any]] = []
        self.messages: list[list[int]] = []  # each `events` message, as its numbers
        self.heartbeats: list[dict[str, Any]] = []
        self.early: list[dict[str, Any]] | None = None  # events held while joining
        self.staff = False  # a board or control page: every sequence number reaches it
        self.held: dict[int, dict[str, Any]] = {}  # numbers that came before a gap filled
        self.pages = 0  # snapshot pages fetched
        self.changed_at = 0.0  # time.monotonic() of the state's last change
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.sio.on("events", self._on_events)
        self.sio.on("heartbeat", self._on_heartbeat)

    def _on_events(self, batch: dict[str, Any]) -> None:
        with self.arrived:
            self.messages.append([event["seq"] for event in batch["events"]])
            for event in sorted(batch["events"], key=lambda event: event["seq"]):
                self.events.append(event)
                if self.early is None:
                    self._receive(event)
                else:
                    self.early.append(event)
            self.arrived.notify_all()

    def _receive(self, event: dict[str, Any]) -> None:
        """As live.js receives: a staff screen sees every number, so it applies them in
        order, holding one that comes before those it follows (two processes publish
        through Redis: a later number can arrive first) and passing over those it holds."""
        if not self.staff:
            self.state.apply(event)
        elif event["seq"] > self.state.seq:
            self.held[event["seq"]] = event
            while self.state.seq + 1 in self.held:
                self.state.apply(self.held.pop(self.state.seq + 1))
        self.changed_at = time.monotonic()

    def _on_heartbeat(self, beat: dict[str, Any]) -> None:
        with self.arrived:
            self.heartbeats.append(beat)
            self.arrived.notify_all()

    def connect(self) -> LiveClient:
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        self.sio.connect(
            self.base, headers={"Cookie": cookies} if cookies else {}, transports=["websocket"]
        )
        return self

    def join(self, code: str, role: str, key: str | None = None) -> dict[str, Any]:
        """Join as live.js does: events wait while the snapshot's pages are fetched, then
        those after its head apply; the ack returned holds the whole snapshot."""
        with self.lock:
            self.early = []
        ack = self.sio.call("join", {"code": code, "role": role, "key": key}, timeout=15)
        if ack.get("ok"):
            ack = {**ack, "snapshot": assemble(ack["snapshot"], self.page)}
        with self.arrived:
            early, self.early = self.early or [], None
            if ack.get("ok"):
                self.staff = role in ("board", "control")
                self.state.load(ack["snapshot"])
                self.held = {}
                for event in sorted(early, key=lambda event: event["seq"]):
                    if event["seq"] > ack["snapshot"]["head"]:
                        self._receive(event)
                self.changed_at = time.monotonic()
            self.arrived.notify_all()
        return ack

    def page(self, cursor: dict[str, Any]) -> Any:
        """One page of the snapshot being assembled (asked again, as live.js does, while
        the server says it is busy)."""
        for _ in range(5):
            ack = self.sio.call("snapshot.page", cursor, timeout=15)
            self.pages += 1
            if ack.get("ok") or ack["error"]["code"] not in ("rate_limited", "server_error"):
                return ack
            time.sleep(1)
        return ack

    def send(self, name: str, /, **payload: Any) -> dict[str, Any]:
        """Send a command as live.js does: refused for now (``rate_limited``: the room is
        busy, or this screen sent too fast), it is sent again with its same id a moment
        later, a few times."""
        payload.setdefault("command_id", uuid.uuid4().hex)
        for attempt in range(5):
            ack = self.sio.call(name, payload, timeout=15)
            if ack.get("ok") or ack["error"]["code"] != "rate_limited":
                return ack
            time.sleep(0.5 * 2**attempt)
        return ack

    def call(self, name: str, payload: Any) -> Any:
        return self.sio.call(name, payload, timeout=15)

    def wait_for(self, predicate, timeout: float = 10) -> bool:  # type: ignore[no-untyped-def]
        with self.arrived:
            return self.arrived.wait_for(lambda: predicate(self), timeout)

    def close(self) -> None:
        """Disconnect; the socket of a connection its server dropped is closed too (the
        client leaves that one to the garbage collector)."""
        if self.sio.connected:
            self.sio.disconnect()
        dropped = getattr(self.sio.eio, "ws", None)
        if dropped is not None:
            with contextlib.suppress(Exception):
                dropped.close()
