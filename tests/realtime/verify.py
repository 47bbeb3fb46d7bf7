"""``verify_action``: one command, and every screen ends where a fresh snapshot puts it.

Zulip's ``verify_action`` runs an action and checks that the state a client fetched before
it, plus the events the client received, equals the state fetched after it. Here the
clients are a workshop's screens — the board, the facilitator's control page, the phone
that acts and another phone — over real Socket.IO test clients. Each takes a snapshot
(every page of it), the command runs, each applies the events it received (and the actor
its ack) with ``LiveState``, the reducer of ``static/js/live.js`` in Python; then each takes
a fresh snapshot, and the two must be equal once ``seen`` has set aside what legitimately
differs (presence, and the normalisations listed there).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from facilitation.extensions import db
from facilitation.workshops.models import Workshop

from ..sockets import Screen, assemble

RESHAPING = {"phase.changed", "visibility.changed"}
ENTITIES = {"note", "group", "card"}  # events that carry an item's whole state
AHEAD = 2**31 - 1  # a sync from beyond the head gets a snapshot (docs/protocol.md)


def _newer(current: dict[str, Any] | None, data: dict[str, Any]) -> bool:
    return current is None or (data.get("seq") or 0) >= (current.get("seq") or 0)


def _put(items: dict[int, dict[str, Any]], data: dict[str, Any]) -> None:
    """live.js ``put``: replace an entity by a newer state; a redacted one (a hidden note
    sent without its text) is merged into what the screen had; "mine" is the screen's."""
    current = items.get(data["id"])
    if not _newer(current, data):
        return
    following = {**(current or {}), **data} if data.get("redacted") else dict(data)
    if current is not None and "mine" in current and "mine" not in following:
        following["mine"] = current["mine"]
    items[data["id"]] = following


@dataclass
class LiveState:
    """A screen's state as static/js/live.js keeps it: a snapshot, then events and acks."""

    role: str  # "phone", "board" or "control"
    workshop: dict[str, Any] | None = None
    format: dict[str, Any] | None = None
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    cards: dict[int, dict[str, Any]] = field(default_factory=dict)
    proposals: dict[int, dict[str, Any]] = field(default_factory=dict)
    tallies: dict[str, Any] | None = None
    results: list[dict[str, Any]] | None = None
    canvas_groups: list[int] = field(default_factory=list)
    reactions: dict[str, Any] | None = None
    opinions: dict[str, Any] | None = None
    rating_counts: dict[str, Any] | None = None
    ratings: dict[str, Any] = field(default_factory=dict)
    polls: list[dict[str, Any]] = field(default_factory=list)
    poll_answered: dict[str, int] | None = None
    me: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    public_seq: int = 0
    held: dict[int, dict[str, Any]] = field(default_factory=dict)
    view: dict[str, Any] | None = None  # what the last reshaping event named (a phone)
    view_since: int = 0

    @property
    def staff(self) -> bool:
        return self.role != "phone"

    def position(self) -> int:
        return self.seq if self.staff else self.public_seq

    def load(self, snapshot: dict[str, Any]) -> None:
        """live.js ``applySnapshot`` (on the whole snapshot, every page assembled)."""
        by_id = lambda items: {item["id"]: item for item in items}  # noqa: E731
        self.workshop, self.format = snapshot["workshop"], snapshot["format"]
        self.notes, self.groups = by_id(snapshot["notes"]), by_id(snapshot["groups"])
        self.cards, self.proposals = by_id(snapshot["cards"]), by_id(snapshot["proposals"])
        self.tallies, self.results = snapshot["tallies"], snapshot["results"]
        self.canvas_groups, self.me = snapshot["canvas_groups"], snapshot["me"]
        self.reactions, self.opinions = snapshot["reactions"], snapshot["opinions"]
        self.rating_counts, self.ratings = snapshot["rating_counts"], snapshot["ratings"]
        self.polls, self.poll_answered = snapshot["polls"], snapshot["poll_answered"]
        self.seq, self.public_seq = snapshot["head"], snapshot["public_head"]
        self.held = {seq: e for seq, e in self.held.items() if seq > snapshot["head"]}

    def receive(self, events: list[dict[str, Any]], replayed: bool = False) -> int | None:
        """live.js ``receive``: staff apply every number in order (holding early ones),
        phones what they get; a replay's items are taken again. Returns the position to
        sync from when the screen must ask again (live.js then sends ``sync``), else None."""
        before, again = self.position(), False
        if self.view is None:
            self.view_since = before  # a view that cannot be taken syncs from here
        for event in sorted(events, key=lambda event: event["seq"]):
            if self.staff and event["seq"] <= self.seq:
                if replayed and event["type"].partition(".")[0] in ENTITIES:
                    self.reduce(event["type"], event["data"])
                continue
            if self.staff and event["seq"] > self.seq + 1:
                self.held[event["seq"]] = event
                continue
            again = self.apply(event) or again
        while self.seq + 1 in self.held:
            again = self.apply(self.held.pop(self.seq + 1)) or again
        return before if again else None

    def apply(self, event: dict[str, Any]) -> bool:
        """Apply one event; True when the screen must ask again: a phone whose view was
        reshaped, or a screen that may read a hidden note the event brought without its
        text (the control page, the note's author)."""
        reread = self.may_read(event)
        self.reduce(event["type"], event["data"])
        self.seq = max(self.seq, event["seq"])
        if event["audience"] == "all":
            self.public_seq = max(self.public_seq, event["seq"])
        if self.staff or event["type"] not in RESHAPING:
            return reread
        self.view = event.get("view")  # the last reshaping event decides
        return self.view is None or reread

    def may_read(self, event: dict[str, Any]) -> bool:
        if not event["data"].get("redacted"):
            return False
        note = self.notes.get(event["data"]["id"]) or {}
        return self.role == "control" or bool(note.get("mine"))

    def reduce(self, kind: str, data: dict[str, Any]) -> None:
        """live.js ``REDUCERS``."""
        entity, _, change = kind.partition(".")
        collection = {"note": self.notes, "group": self.groups, "card": self.cards}
        if kind in ("workshop.updated", "phase.changed", "visibility.changed"):
            self.set_workshop(data)
        elif entity in collection and change in ("posted", "updated", "saved"):
            _put(collection[entity], data)
        elif entity in collection and change == "deleted":
            collection[entity].pop(data["id"], None)
        elif kind == "votes.tallied":
            items = {**((self.tallies or {}).get("items") or {}), data["target"]: data["dots"]}
            if not data["dots"]:
                del items[data["target"]]
            self.tallies = {"items": items, "total": data["total"], "voters": data["voters"]}
            if data.get("results") is not None:
                self.results = data["results"]
        elif kind == "results.published":
            self.results = data["results"]
        elif kind == "reactions.counted":
            items = {**((self.reactions or {}).get("items") or {})}
            items[str(data["note_id"])] = {k: data[k] for k in ("agree", "disagree", "pass")}
            self.reactions = {"items": items, "participants": data["participants"]}
        elif kind == "opinions.published":
            self.opinions = data["opinions"]
        elif kind == "ratings.counted":
            phases = {**(self.rating_counts or {})}
            phase = phases.get(data["phase"]) or {"items": {}}
            items = {**phase["items"], data["item"]: data["counts"]}
            phases[data["phase"]] = {"items": items, "participants": data["participants"]}
            self.rating_counts = phases
        elif kind == "ratings.published":
            self.ratings = {k: v for k, v in self.ratings.items() if k != data["phase"]}
            if data["ratings"] is not None:
                self.ratings[data["phase"]] = data["ratings"]
        elif kind == "poll.changed":
            others = [poll for poll in self.polls if poll["id"] != data["poll"]["id"]]
            self.polls = sorted([*others, data["poll"]], key=lambda poll: poll["id"])
        elif kind == "poll.counted":
            self.poll_answered = {
                **(self.poll_answered or {}),
                str(data["poll_id"]): data["answered"],
            }
        elif kind == "proposal.saved":
            self.proposals[data["id"]] = data
        elif kind == "proposal.joined":
            if self.me.get("kind") == "participant":
                joined = [*self.me.get("proposals", []), data["proposal_id"]]
                self.me["proposals"] = list(dict.fromkeys(joined))
        else:
            raise AssertionError(f"live.js has no reducer for {kind}")

    def set_workshop(self, data: dict[str, Any]) -> None:
        if not _newer(self.workshop, data):
            return
        self.workshop = data
        if data.get("canvas_groups") is not None:
            self.canvas_groups = data["canvas_groups"]

    def apply_ack(self, name: str, data: dict[str, Any]) -> None:
        """live.js ``applyAck``: what an ack tells the screen that sent the command."""
        if "note" in data:
            _put(self.notes, data["note"] | ({"mine": True} if name == "note.post" else {}))
        if "card" in data:
            _put(self.cards, data["card"] | ({"mine": True} if name == "card.add" else {}))
        if "group" in data:
            _put(self.groups, data["group"])
        if "target" in data and "mine" in data:
            self.me["votes"] = {**self.me.get("votes", {}), data["target"]: data["mine"]}
            keys = ("budget", "max_per_item", "per_area", "used")
            self.me["budget"] = {key: data.get(key) for key in keys}
        if "reaction" in data:
            mine = {**self.me.get("reactions", {})}
            mine[str(data["reaction"]["note_id"])] = data["reaction"]["value"]
            self.me["reactions"] = mine
        if "rating" in data:
            rating = data["rating"]
            phases = {**self.me.get("ratings", {})}
            items = {**phases.get(rating["phase"], {})}
            items[rating["item"]] = {
                **items.get(rating["item"], {}),
                rating["criterion"]: rating["value"],
            }
            phases[rating["phase"]] = items
            self.me["ratings"] = phases
        if "poll_answer" in data:
            mine = {**self.me.get("polls", {})}
            mine[str(data["poll_answer"]["poll_id"])] = data["poll_answer"]["choices"]
            self.me["polls"] = mine
        if isinstance(data.get("pledged"), list):
            self.me["pledges"] = data["pledged"]
        if name == "proposal.pledge" and data.get("pledged") is True:
            joined = [*self.me.get("proposals", []), data["proposal_id"]]
            self.me["proposals"] = list(dict.fromkeys(joined))
        if "workshop" in data:
            self.set_workshop(data["workshop"])

    def seen(self) -> dict[str, Any]:
        """The state, but for what legitimately differs between events and a snapshot:

        * presence (``participants``) is not state: heartbeats and ``presence`` carry it;
        * the position compared is the one the screen resyncs by (a phone's counts only
          public events); held events must have drained;
        * ``mine`` absent is ``mine: false`` (events do not carry it; live.js keeps the
          screen's own); staff screens have nothing of their own and never read it;
          ``redacted`` only marks how an event travelled;
        * a hidden note that is not the screen's own is out of sight on the board and the
          phones: their snapshots leave it out, events keep its place without its text,
          and neither draws it (board/views.js, phone/model.js);
        * a participant's ``me``: dots at 0 are no dots, pledges and joined proposals are
          sets, and the budget is the workshop's ``vote_rules`` (phone/model.js reads it
          there first): of ``me.budget`` only ``used`` counts, in a voting phase.
        """
        notes = {ident: self._plain(note) for ident, note in self.notes.items()}
        if self.role != "control":
            notes = {i: n for i, n in notes.items() if not n.get("hidden") or n.get("mine")}
        return {
            "position": self.position(),
            "held": sorted(self.held),
            "workshop": self.workshop,
            "format": self.format,
            "notes": notes,
            "groups": self.groups,
            "cards": {ident: self._plain(card) for ident, card in self.cards.items()},
            "proposals": self.proposals,
            "tallies": self.tallies,
            "results": self.results,
            "canvas_groups": self.canvas_groups,
            "reactions": self.reactions,
            "opinions": self.opinions,
            "rating_counts": self.rating_counts,
            "ratings": self.ratings,
            "polls": self.polls,
            "poll_answered": self.poll_answered,
            "me": self._me(),
        }

    def _plain(self, item: dict[str, Any]) -> dict[str, Any]:
        plain = {key: value for key, value in item.items() if key not in ("redacted", "mine")}
        return plain if self.staff else plain | {"mine": bool(item.get("mine"))}

    def _me(self) -> dict[str, Any]:
        me = dict(self.me)
        if "votes" in me:
            me["votes"] = {target: dots for target, dots in me["votes"].items() if dots}
        for name in ("pledges", "proposals"):
            if name in me:
                me[name] = sorted(me[name])
        if "budget" in me:
            in_force = self.workshop and self.workshop.get("vote_rules")
            used = (me["budget"] or {}).get("used") or {}
            me["budget"] = {k: dots for k, dots in used.items() if dots} if in_force else None
        return me


def budget_for(rules: dict[str, Any] | None, me: dict[str, Any]) -> dict[str, Any] | None:
    """live.js ``budgetFor``: what a phone may spend in the phase a view names."""
    if rules is None or "budget" not in rules:
        return None
    if rules["budget"] is None:
        return {"budget": None}
    out = sum((me.get("votes") or {}).values())
    if rules["per_area"] and out:
        return None
    return {**rules, "used": {} if rules["per_area"] else {"": out}}


# --- Screens ---------------------------------------------------------------------------


@dataclass
class Watcher:
    """One screen under watch: its socket, and the state it holds by live.js's rules."""

    name: str
    screen: Screen
    key: str | None = None  # a board opened with its key
    state: LiveState = field(init=False)
    taken_views: int = 0  # phase changes it followed by the view their event named

    def __post_init__(self) -> None:
        self.state = LiveState(self.screen.role)

    def fresh(self, ended: bool = False) -> LiveState:
        """A fresh snapshot, as a screen opened now gets it (``join``; once the workshop
        has ended a join is refused, and a ``sync`` from ahead of the head answers with
        the same snapshot)."""
        if ended:
            ack = self.screen.emit("sync", {"since": AHEAD})
        else:
            payload = {"code": self.screen.code, "role": self.screen.role, "key": self.key}
            ack = self.screen.emit("join", payload)
        assert ack["ok"], (self.name, ack)
        assert "snapshot" in ack, (self.name, ack)
        state = LiveState(self.screen.role)
        state.load(assemble(ack["snapshot"], self.screen.page))
        return state

    def events(self) -> list[dict[str, Any]]:
        return [
            event
            for message in self.screen.received("events")
            for event in message["args"][0]["events"]
        ]

    def catch_up(self, since: int) -> int | None:
        """live.js ``sync`` then ``catchUp``: a snapshot (whole) or the missed events.
        Returns where to sync from if the screen must ask again."""
        ack = self.screen.emit("sync", {"since": since})
        assert ack["ok"], (self.name, ack)
        early = self.events()
        if "snapshot" in ack:
            snapshot = assemble(ack["snapshot"], self.screen.page)
            self.state.load(snapshot)
            early = [event for event in early if event["seq"] > snapshot["head"]]
            return self.state.receive(early)
        return self.state.receive([*ack["events"], *early], replayed=True)

    def take_view(self, view: dict[str, Any], since: int) -> int | None:
        """live.js ``refresh``: the body the phase change named, fetched over HTTP, with
        the phone's own notes, cards and dots in place; no request over the socket.
        Returns where to sync from when the view cannot be taken."""
        state = self.state
        budget = budget_for(view.get("budget"), state.me)
        if budget is None or view["public_head"] < state.public_seq:
            return since
        response = self.screen.http.get(view["body"])
        assert response.status_code == 200, (self.name, response.status_code)
        body = response.get_json()
        snapshot = {
            **body,
            "head": max(state.seq, view["public_head"]),
            "public_head": view["public_head"],
            "me": {**state.me, "budget": budget},
            "next": None,
        }
        for name in ("notes", "groups", "cards", "proposals"):
            items = {item["id"]: item for item in body[name]}
            own = getattr(state, name).values() if name in ("notes", "cards") else []
            items.update({item["id"]: item for item in own if item.get("mine")})
            snapshot[name] = sorted(items.values(), key=lambda item: item["id"])
        state.load(snapshot)
        self.taken_views += 1
        return state.receive(self.events())


def _has_ended(actor: Watcher) -> bool:
    """Whether the workshop has ended (screens then sync instead of joining)."""
    workshop = db.session.get(Workshop, actor.screen.workshop_id)
    db.session.rollback()
    return workshop is not None and workshop.status == "ended"


def verify_action(
    watchers: list[Watcher],
    actor: Watcher,
    name: str,
    payload: dict[str, Any],
    beside: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> dict[str, Any]:
    """Run one command as ``actor``; every watcher's snapshot plus the events it received
    (and the actor's ack) must equal a fresh snapshot. Returns the ack. ``beside``: what
    else happens while the command is sent (another screen's command, say); it may give
    a list that it fills, once it ends, with the (watcher, command, ack) it sent."""
    already_ended = _has_ended(actor)
    for watcher in watchers:
        watcher.state = watcher.fresh(already_ended)
        watcher.screen.received()  # what came before is in the snapshot
    before = {watcher.name: watcher.state.seen() for watcher in watchers}
    with beside() as others:
        ack = actor.screen.send(name, **payload)
    assert ack.get("ok"), (name, payload, ack)
    for watcher in watchers:
        since = watcher.state.receive(watcher.events())
        for sender, command, other_ack in others or ():
            if sender is watcher and other_ack.get("ok"):
                watcher.state.apply_ack(command, other_ack["data"])
        if watcher is actor:
            watcher.state.apply_ack(name, ack["data"])
        view, watcher.state.view = watcher.state.view, None
        if since is None and view is not None:
            since = watcher.take_view(view, watcher.state.view_since)
        for _ in range(3):  # a replay brings current versions: one sync settles it
            if since is None:
                break
            since = watcher.catch_up(since)
        assert since is None, f"the {watcher.name} keeps asking to sync"
    db.session.rollback()
    ended = _has_ended(actor)
    after = {watcher.name: watcher.fresh(ended).seen() for watcher in watchers}
    for watcher in watchers:
        assert watcher.state.seen() == after[watcher.name], _diff(
            name, watcher.name, watcher.state.seen(), after[watcher.name]
        )
    assert before != after, f"{name} changed nothing any screen sees: a case that cannot fail"
    return ack


def _diff(command: str, screen: str, live: dict[str, Any], fresh: dict[str, Any]) -> str:
    dump = lambda state: json.dumps(state, indent=1, sort_keys=True, default=str).splitlines()  # noqa: E731
    lines = difflib.unified_diff(dump(fresh), dump(live), "fresh snapshot", "snapshot + events")
    return f"after {command}, the {screen} diverges:\n" + "\n".join(lines)
