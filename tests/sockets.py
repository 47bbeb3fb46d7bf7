"""Screens over the Socket.IO test client, with the same state rules as static/js/live.js."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from facilitation.accounts import services as accounts
from facilitation.accounts.models import User
from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.rules import formats
from facilitation.workshops.models import Workshop

_ids = itertools.count(1)


def command_id() -> str:
    return f"cmd-{uuid.uuid4().hex}"


def login(http: Any, user: User) -> None:
    """Sign ``user`` in on this browser, as the sign-in page does (without a password)."""
    accounts.begin_session(user)
    with http.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@dataclass
class BoardState:
    """A screen's state: a snapshot, then events applied by sequence number."""

    workshop: dict[str, Any] | None = None
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    cards: dict[int, dict[str, Any]] = field(default_factory=dict)
    tallies: dict[str, Any] | None = None
    results: list[dict[str, Any]] | None = None
    proposals: dict[int, dict[str, Any]] = field(default_factory=dict)
    seq: int = 0

    def load(self, snapshot: dict[str, Any]) -> None:
        self.workshop = snapshot["workshop"]
        self.notes = {note["id"]: _drop_mine(note) for note in snapshot["notes"]}
        self.groups = {group["id"]: group for group in snapshot["groups"]}
        self.cards = {card["id"]: _drop_mine(card) for card in snapshot["cards"]}
        self.tallies = snapshot.get("tallies")
        self.results = snapshot.get("results")
        self.proposals = {proposal["id"]: proposal for proposal in snapshot["proposals"]}
        self.seq = snapshot["head"]

    def apply(self, event: dict[str, Any]) -> None:
        kind, data = event["type"], event["data"]
        collection = {"note": self.notes, "group": self.groups, "card": self.cards}
        entity, _, change = kind.partition(".")
        if kind in ("workshop.updated", "phase.changed", "visibility.changed"):
            self.workshop = data
        elif kind == "proposal.saved":
            self.proposals[data["id"]] = data
        elif change in ("posted", "updated", "saved"):
            _put(collection[entity], data)
        elif change == "deleted":
            collection[entity].pop(data["id"], None)
        elif kind == "votes.tallied":
            self.tallies = self.tallies or {"items": {}}
            items = {**self.tallies["items"], data["target"]: data["dots"]}
            self.tallies = {
                "items": {t: d for t, d in items.items() if d},
                "total": data["total"],
                "voters": data["voters"],
            }
            self.results = data.get("results", self.results)
        elif kind == "results.published":
            self.results = data["results"]
        self.seq = max(self.seq, event["seq"])


SECTIONS = ("notes", "groups", "cards", "proposals")


def assemble(snapshot: dict[str, Any], fetch: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """The whole snapshot: its head and first page, then every page its cursors lead to
    (``fetch`` sends ``snapshot.page`` with a cursor and returns the ack)."""
    whole = {**snapshot, **{name: list(snapshot[name]) for name in SECTIONS}}
    cursor = snapshot.get("next")
    while cursor is not None:
        ack = fetch(cursor)
        assert ack.get("ok"), ack
        for name in SECTIONS:
            whole[name].extend(ack["page"][name])
        cursor = ack["next"]
    return {**whole, "next": None}


def _drop_mine(note: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in note.items() if key != "mine"}


def _put(collection: dict[int, dict[str, Any]], data: dict[str, Any]) -> None:
    """Replace an entity; a redacted one (a hidden note) keeps the text it had."""
    current = collection.get(data["id"], {})
    if data.get("redacted"):
        data = {**current, **{k: v for k, v in data.items() if k != "redacted"}}
    collection[data["id"]] = _drop_mine(data)


class Screen:
    """A phone, board or control page connected to a workshop."""

    def __init__(self, sio: Any, http: Any, workshop: Workshop, role: str) -> None:
        self.sio, self.http, self.role = sio, http, role
        self.code, self.workshop_id = workshop.code, workshop.id
        self.format_key = workshop.format_key
        self.state = BoardState()
        self.join_ack: dict[str, Any] | None = None

    @classmethod
    def open(
        cls,
        app: Flask,
        socketio: SocketIO,
        workshop: Workshop,
        role: str = "phone",
        *,
        user: User | None = None,
        nickname: str | None = None,
        participant: Any = None,
        join: bool = True,
    ) -> Screen:
        http = app.test_client()
        if role == "phone":
            participant = participant or participants.join(workshop, nickname)
            db.session.commit()
            http.set_cookie(
                participants.cookie_name(workshop.id), participants.identity_token(participant)
            )
        elif user is not None:
            login(http, user)
        sio = socketio.test_client(app, flask_test_client=http)
        screen = cls(sio, http, workshop, role)
        screen.participant = participant
        if join:
            screen.join()
        return screen

    def emit(self, name: str, payload: Any) -> Any:
        """Emit and wait for the ack; the test's next read then sees what the server committed."""
        ack = self.sio.emit(name, payload, callback=True)
        db.session.rollback()
        return ack

    def join(self, **extra: Any) -> dict[str, Any]:
        payload = {"code": self.code, "role": self.role, **extra}
        self.join_ack = self.emit("join", payload)
        if self.join_ack and "snapshot" in self.join_ack:
            whole = assemble(self.join_ack["snapshot"], self.page)
            self.join_ack = {**self.join_ack, "snapshot": whole}
            self.state.load(whole)
        return self.join_ack

    def page(self, cursor: dict[str, Any]) -> Any:
        return self.emit("snapshot.page", cursor)

    def send(self, name: str, payload: Any = None, /, **fields: Any) -> dict[str, Any]:
        """Emit a command (with a fresh command id unless given) and return its ack."""
        if payload is None:
            payload = {"command_id": command_id(), **fields}
        return self.emit(name, payload)

    def go(self, phase_key: str) -> dict[str, Any]:
        """Move the workshop to the phase with this key (a control screen); its ack."""
        keys = [phase.key for phase in formats()[self.format_key].phases]
        return self.send("phase.move", index=keys.index(phase_key))

    def received(self, name: str | None = None) -> list[dict[str, Any]]:
        messages = self.sio.get_received()
        return [message for message in messages if name is None or message["name"] == name]

    def events(self) -> list[dict[str, Any]]:
        """Logged events received since the last call, applied to the screen's state."""
        found = [
            event for message in self.received("events") for event in message["args"][0]["events"]
        ]
        for event in sorted(found, key=lambda event: event["seq"]):
            self.state.apply(event)
        return found

    def close(self) -> None:
        if self.sio.is_connected():
            self.sio.disconnect()
