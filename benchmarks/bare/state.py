"""One workshop held in memory, with Fabrique's shapes: the reference the ratio is taken to.

Notes, dots, an event log with sequence numbers, audiences, snapshots and catch-up: the
same wire as ``facilitation/`` (docs/protocol.md), with none of its storage, schemas or
rules beyond those that decide who receives what.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from facilitation.formats import Format, load_format
from facilitation.workshops.schemas import format_summary

ROOT = Path(__file__).resolve().parents[2]
RESHAPING = {"phase.changed", "visibility.changed"}
SYNC_LIMIT = 500


class Refused(Exception):
    """A command refused with one of the protocol's error codes."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code, self.message = code, message or code


@dataclass(frozen=True)
class Actor:
    kind: str  # participant, board, facilitator
    participant_id: int | None = None

    @property
    def staff(self) -> bool:
        return self.kind != "participant"

    @property
    def key(self) -> str:
        return f"p{self.participant_id}" if self.participant_id else self.kind


@dataclass
class Event:
    seq: int
    type: str
    audience: str
    participant_id: int | None
    data: dict[str, Any]
    at: str

    def wire(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "audience": self.audience,
                "data": self.data, "at": self.at}  # fmt: skip

    def visible_to(self, actor: Actor) -> bool:
        if actor.staff or self.audience == "all":
            return True
        return self.audience == "participant" and self.participant_id == actor.participant_id


def now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Workshop:
    """The workshop, its notes and dots, and the log every screen catches up from."""

    format_key: str
    code: str = field(default_factory=lambda: secrets.token_hex(4).upper())
    board_key: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    phase_index: int = 0
    events: list[Event] = field(default_factory=list)
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    authors: dict[int, int] = field(default_factory=dict)  # note id -> participant id
    dots: dict[tuple[int, str], int] = field(default_factory=dict)  # (participant, target)
    tallies: dict[str, int] = field(default_factory=dict)
    spent: dict[int, int] = field(default_factory=dict)  # participant -> dots on the board
    public_head: int = 0
    voters: int = 0
    total: int = 0
    participants: dict[str, int] = field(default_factory=dict)  # cookie token -> id
    commands: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.format: Format = load_format(ROOT / "workshops" / f"{self.format_key}.toml")
        self.format_wire = format_summary(self.format)

    @property
    def phase(self) -> Any:
        return self.format.phases[self.phase_index]

    def head(self) -> int:
        return len(self.events)  # sequence numbers are 1, 2, 3...

    def state(self) -> dict[str, Any]:
        rules = self.phase.vote
        return {
            "id": 1, "code": self.code, "title": "Benchmark", "question": "Ideas?",
            "format": self.format_key, "language": "en", "status": "running",
            "phase_index": self.phase_index, "anonymous": True, "locked": False,
            "results_revealed": False, "timer_ends_at": None, "timer_remaining": None,
            "spotlight": None, "seq": self.head(),
            "vote_rules": rules.__dict__ if rules else None, "canvas_groups": [],
        }  # fmt: skip

    def record(self, type_: str, audience: str, data: Any, participant: int | None = None) -> Event:
        seq = self.head() + 1
        payload = data(seq) if callable(data) else data
        event = Event(seq, type_, audience, participant, payload, now())
        self.events.append(event)
        if audience == "all":
            self.public_head = seq
        return event

    def join(self, token: str) -> int:
        return self.participants.setdefault(token, len(self.participants) + 1)

    def post(self, actor: Actor, area: str, text: str, color: str | None) -> Event:
        if "post" not in self.phase.allows:
            raise Refused("phase")
        if area not in (self.phase.areas or [a.key for a in self.format.areas]):
            raise Refused("invalid", "unknown area")
        text = text.strip()
        if not text or len(text) > 280:
            raise Refused("invalid", "text")
        ident = len(self.notes) + 1

        def note(seq: int) -> dict[str, Any]:
            self.notes[ident] = {
                "id": ident, "area": area, "text": text, "color": color, "group_id": None,
                "position": None, "hidden": False, "seq": seq, "created_at": now(),
                "author": None,
            }  # fmt: skip
            return self.notes[ident]

        self.authors[ident] = actor.participant_id or 0
        audience = "all" if "see_all" in self.phase.allows else "participant"
        return self.record("note.posted", audience, note, actor.participant_id)

    def vote(self, actor: Actor, target: str, delta: int) -> tuple[Event, dict[str, Any]]:
        rules = self.phase.vote
        if actor.staff or rules is None:
            raise Refused("forbidden" if actor.staff else "phase")
        kind, _, ident = target.partition(":")
        if kind != "note" or not ident.isdigit() or int(ident) not in self.notes:
            raise Refused("not_found")
        key = (actor.participant_id or 0, target)
        mine, used = self.dots.get(key, 0), self.used(actor)
        participant = actor.participant_id or 0
        if delta < 0 and mine <= 0:
            raise Refused("conflict", "no dot to take back")
        if delta > 0 and (mine >= rules.max_per_item or used >= rules.budget):
            raise Refused("conflict", "no dots left")
        self.dots[key] = mine + delta
        self.tallies[target] = self.tallies.get(target, 0) + delta
        self.spent[participant] = used + delta
        self.voters += (used + delta > 0) - (used > 0)
        self.total += delta
        data = {"target": target, "dots": self.tallies[target],
                "total": self.total, "voters": self.voters}  # fmt: skip
        event = self.record("votes.tallied", "staff", data)
        return event, {"target": target, "mine": mine + delta, **self.budget(actor)}

    def used(self, actor: Actor) -> int:
        return self.spent.get(actor.participant_id or 0, 0)

    def budget(self, actor: Actor) -> dict[str, Any]:
        rules = self.phase.vote
        if rules is None:
            return {"budget": None}
        return {"budget": rules.budget, "max_per_item": rules.max_per_item,
                "per_area": rules.per_area, "used": {"": self.used(actor)}}  # fmt: skip

    def move(self, actor: Actor, index: int) -> Event:
        if actor.kind != "facilitator":
            raise Refused("forbidden")
        if not 0 <= index < len(self.format.phases):
            raise Refused("invalid", "index")
        self.phase_index = index

        def workshop(seq: int) -> dict[str, Any]:
            return self.state() | {"seq": seq}

        return self.record("phase.changed", "all", workshop)

    def snapshot(self, actor: Actor, participants: int) -> dict[str, Any]:
        see_all = actor.staff or "see_all" in self.phase.allows
        notes = [
            note | {"mine": self.authors[ident] == actor.participant_id}
            for ident, note in self.notes.items()
            if see_all or self.authors[ident] == actor.participant_id
        ]
        mine = {t: d for (p, t), d in self.dots.items() if p == actor.participant_id and d}
        me: dict[str, Any] = {"kind": actor.kind}
        if not actor.staff:
            me |= {"votes": mine, "budget": self.budget(actor), "pledges": [], "proposals": []}
        tallies = {"items": dict(self.tallies), "total": self.total, "voters": self.voters}
        return {
            "head": self.head(), "public_head": self.public_head,
            "workshop": self.state(), "format": self.format_wire, "notes": notes,
            "groups": [], "cards": [], "canvas_groups": [], "proposals": [],
            "participants": participants, "me": me,
            "tallies": tallies if actor.staff else None, "results": None,
        }  # fmt: skip

    def catch_up(self, actor: Actor, since: int, participants: int) -> dict[str, Any]:
        if since > self.head():
            return {"snapshot": self.snapshot(actor, participants)}
        missed = [e for e in self.events[since:] if e.visible_to(actor)]
        reshaped = not actor.staff and any(e.type in RESHAPING for e in missed)
        if len(missed) > SYNC_LIMIT or reshaped:
            return {"snapshot": self.snapshot(actor, participants)}
        return {"head": self.head(), "events": [e.wire() for e in missed]}
