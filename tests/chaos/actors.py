"""Simulated phones and boards that behave like static/js/live.js: phones keep every
command in an outbox until it is acknowledged (resending it, same id, after any failure);
boards apply events in sequence order, hold early ones, and catch up when a heartbeat or
a gap says they are behind. Each runs in a thread of its own."""

from __future__ import annotations

import contextlib
import functools
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import socketio

from ..clients import FAST_TEXT
from ..sockets import BoardState, assemble

RETRYABLE = {"server_error", "rate_limited"}


@dataclass
class Ledger:
    """Every command by its client id: attempted, acknowledged, refused."""

    attempted: dict[str, str] = field(default_factory=dict)  # command id -> note text
    acked: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attempt(self, command_id: str, text: str) -> None:
        with self.lock:
            self.attempted[command_id] = text

    def ack(self, command_id: str) -> None:
        with self.lock:
            self.acked.add(command_id)

    def refuse(self, command_id: str, code: str) -> None:
        with self.lock:
            self.refused[command_id] = code


class Actor(threading.Thread):
    """A socket that (re)connects to any of the servers and (re)joins the workshop."""

    role = "phone"

    def __init__(self, urls: list[str], code: str, cookie: str = "", key: str | None = None):
        super().__init__(daemon=True)
        self.urls, self.code, self.cookie, self.key = urls, code, cookie, key
        self.sio = socketio.Client(reconnection=False, websocket_extra_options=FAST_TEXT)
        self.server = 0
        self.running = True
        self.offline_until = 0.0
        self.joined = False
        self.sio.on("disconnect", self._lost)

    def _lost(self, *_: Any) -> None:
        self.joined = False

    def go_offline(self, seconds: float) -> None:
        """Lose the network for a while (the socket drops, as on a train's Wi-Fi)."""
        self.offline_until = time.monotonic() + seconds
        with contextlib.suppress(Exception):
            self.sio.disconnect()

    def ensure_joined(self) -> bool:
        if time.monotonic() < self.offline_until:
            return False
        if self.joined and self.sio.connected:
            return True
        self.close()
        url = self.urls[self.server % len(self.urls)]
        try:
            headers = {"Cookie": self.cookie} if self.cookie else {}
            self.sio.connect(url, headers=headers, transports=["websocket"], wait_timeout=3)
            ack = self.sio.call("join", self.join_payload(), timeout=5)
        except Exception:
            self.server += 1  # that server is gone: the load balancer sends us elsewhere
            return False
        if not ack.get("ok") or not self.on_joined(ack):
            return False
        self.joined = True
        return True

    def join_payload(self) -> dict[str, Any]:
        return {"code": self.code, "role": self.role, "key": self.key}

    def on_joined(self, ack: dict[str, Any]) -> bool:
        """What the screen does with its join ack; False: join again."""
        return True

    def close(self) -> None:
        """Disconnect, and close the socket of a connection its server dropped: the
        client leaves that one to the garbage collector."""
        with contextlib.suppress(Exception):
            self.sio.disconnect()
        dropped = getattr(self.sio.eio, "ws", None)
        if dropped is not None:
            with contextlib.suppress(Exception):
                dropped.close()

    def stop(self) -> None:
        self.running = False
        self.join(10)
        self.close()
        with contextlib.suppress(Exception):
            self.sio.disconnect()


class Phone(Actor):
    """Posts notes through an outbox that survives every failure."""

    def __init__(self, urls: list[str], code: str, cookie: str, ledger: Ledger) -> None:
        super().__init__(urls, code, cookie)
        self.ledger = ledger
        self.outbox: deque[dict[str, Any]] = deque()

    def post(self, text: str) -> str:
        command_id = uuid.uuid4().hex
        self.ledger.attempt(command_id, text)
        self.outbox.append({"command_id": command_id, "area": "ideas", "text": text})
        return command_id

    def post_and_drop(self, text: str) -> None:
        """Send a command and lose the connection before its ack comes back."""
        command_id = self.post(text)
        command = next(item for item in self.outbox if item["command_id"] == command_id)
        if self.ensure_joined():
            self.sio.emit("note.post", command)
        self.go_offline(0.5)

    def run(self) -> None:
        while self.running or self.outbox:
            if not self.outbox or not self.ensure_joined():
                time.sleep(0.05)
                continue
            command = self.outbox[0]
            try:
                ack = self.sio.call("note.post", command, timeout=5)
            except Exception:
                self.joined = False
                continue
            if ack.get("ok"):
                self.ledger.ack(command["command_id"])
                self.outbox.popleft()
            elif ack["error"]["code"] in RETRYABLE:
                time.sleep(0.2)
            else:
                self.ledger.refuse(command["command_id"], ack["error"]["code"])
                self.outbox.popleft()


class Board(Actor):
    """Holds the workshop's state, applying events strictly in sequence order."""

    role = "board"
    GRACE = 1.0  # how long an early event or a heartbeat's head may wait for stragglers

    def __init__(self, urls: list[str], code: str, key: str) -> None:
        super().__init__(urls, code, key=key)
        self.state = BoardState()
        self.loaded = False
        self.held: dict[int, dict[str, Any]] = {}
        self.behind_since: float | None = None
        self.lock = threading.Lock()
        self.sio.on("events", self._on_events)
        self.sio.on("heartbeat", self._on_heartbeat)

    def join_payload(self) -> dict[str, Any]:
        payload = super().join_payload()
        if self.loaded:
            payload["since"] = self.state.seq
        return payload

    def on_joined(self, ack: dict[str, Any]) -> bool:
        return self._catch_up(ack)

    def _catch_up(self, ack: dict[str, Any]) -> bool:
        if "snapshot" in ack:  # its other pages first; events meanwhile are held
            page = functools.partial(self.sio.call, "snapshot.page", timeout=5)
            try:
                ack = {**ack, "snapshot": assemble(ack["snapshot"], page)}
            except Exception:  # a page lost or refused: this snapshot is abandoned
                return False
        with self.lock:
            if "snapshot" in ack:
                self.state = BoardState()
                self.state.load(ack["snapshot"])
                self.held = {s: e for s, e in self.held.items() if s > self.state.seq}
            else:
                for event in ack["events"]:
                    self.held[event["seq"]] = event
            self.loaded = True
            self._drain()
        return True

    def _drain(self) -> None:
        while self.state.seq + 1 in self.held:
            self.state.apply(self.held.pop(self.state.seq + 1))
        self.held = {s: e for s, e in self.held.items() if s > self.state.seq}
        self.behind_since = (self.behind_since or time.monotonic()) if self.held else None

    def _on_events(self, batch: dict[str, Any]) -> None:
        with self.lock:
            for event in batch["events"]:
                if event["seq"] > self.state.seq:
                    self.held[event["seq"]] = event
            self._drain()

    def _on_heartbeat(self, beat: dict[str, Any]) -> None:
        with self.lock:
            if beat["head"] > self.state.seq and self.behind_since is None:
                self.behind_since = time.monotonic()

    def run(self) -> None:
        while self.running:
            if not self.ensure_joined():
                time.sleep(0.1)
                continue
            behind = self.behind_since
            if behind is not None and time.monotonic() - behind > self.GRACE:
                self._sync()
            time.sleep(0.05)

    def _sync(self) -> None:
        try:
            ack = self.sio.call("sync", {"since": self.state.seq}, timeout=5)
        except Exception:
            self.joined = False
            return
        if ack.get("ok"):
            self.behind_since = None
            if not self._catch_up(ack):  # a page was lost: try again after the grace
                self.behind_since = time.monotonic()
