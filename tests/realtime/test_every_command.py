"""Every command keeps every screen equal to a fresh snapshot: the board, the control page,
the phone that acts and another phone (``verify.py``: ``verify_action``).

Each case sets up a workshop in the phase it needs, runs one command and checks every
screen. Variants cover what changes who sees what: silent writing (a note goes to the
staff and its author only), hidden notes, anonymity, results before and after the reveal.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from facilitation import create_app, declare_socket_handlers
from facilitation.accounts.models import Role, User
from facilitation.extensions import db
from facilitation.metrics import REGISTRY
from facilitation.polls.models import Poll
from facilitation.realtime.commands import GROUPED, HANDLERS
from facilitation.realtime.runtime import runtime
from facilitation.rules import format_of
from facilitation.workshops.models import Workshop

from .. import conftest as suite
from ..reactions.camps import seat_two_camps
from ..sockets import command_id
from .verify import Watcher, verify_action

Prepared = tuple[str, dict[str, Any]]  # who sends the command, and its payload
# Registered socket events that are no commands: they change nothing a screen shows (the
# assistance queries are tested in tests/assist, the facilitator's poll counts in tests/polls).
NOT_COMMANDS = {
    "join",
    "sync",
    "snapshot.page",
    "disconnect",
    "assist.suggest",
    "assist.similar",
    "poll.counts",
}
PROTOCOL = Path(__file__).parents[2] / "docs" / "protocol.md"


@dataclass
class Scene:
    """A workshop and its four screens."""

    workshop: Workshop
    watchers: dict[str, Watcher]

    def send(self, by: str, command: str, /, **payload: Any) -> dict[str, Any]:
        ack = self.watchers[by].screen.send(command, **payload)
        assert ack["ok"], (command, payload, ack)
        return ack["data"]

    def index(self, key: str) -> int:
        return [phase.key for phase in format_of(self.workshop).phases].index(key)

    def go(self, key: str) -> None:
        self.send("control", "phase.move", index=self.index(key))

    @property
    def area(self) -> str:
        return format_of(self.workshop).areas[0].key

    def note(self, text: str, by: str = "phone") -> int:
        return self.send(by, "note.post", area=self.area, text=text)["note"]["id"]

    def group(self, title: str, *notes: int) -> int:
        group = self.send("control", "group.create", title=title)["group"]["id"]
        for note in notes:
            self.send("control", "note.place", id=note, group_id=group)
        return group

    def card(self, kind: str, slot: str, text: str, by: str = "phone", **fields: Any) -> int:
        return self.send(by, "card.add", kind=kind, slot=slot, text=text, **fields)["card"]["id"]


@dataclass(frozen=True)
class Case:
    command: str
    variant: str
    format: str
    prepare: Callable[[Scene], Prepared]

    def __str__(self) -> str:
        return f"{self.command}: {self.variant}"


CASES: list[Case] = []


def case(command: str, variant: str, format_key: str = "reset_day") -> Callable[..., Any]:
    def register(prepare: Callable[[Scene], Prepared]) -> Callable[[Scene], Prepared]:
        CASES.append(Case(command, variant, format_key, prepare))
        return prepare

    return register


# --- Notes ------------------------------------------------------------------------------
# Reset day opens with everyone's notes on every phone; a brainstorm with silent writing.


@case("note.post", "silent writing: the staff and its author only", "brainstorm")
def _(s: Scene) -> Prepared:
    return "phone", {"area": "ideas", "text": "Une idée à moi"}


@case("note.post", "everyone sees everyone's notes, with authors")
def _(s: Scene) -> Prepared:
    return "phone", {"area": "projects", "text": "Un jardin partagé", "color": "#aabbcc"}


@case("note.post", "by the facilitator")
def _(s: Scene) -> Prepared:
    return "control", {"area": "challenges", "text": "Le défi de l'équipe"}


@case("note.edit", "its author, in silent writing", "brainstorm")
def _(s: Scene) -> Prepared:
    return "phone", {"id": s.note("Brouillon"), "text": "Relu"}


@case("note.edit", "its author, everyone's notes shown")
def _(s: Scene) -> Prepared:
    return "phone", {"id": s.note("Brouillon"), "text": "Relu"}


@case("note.edit", "the facilitator reformulates a hidden note")
def _(s: Scene) -> Prepared:
    note = s.note("Propos déplacé")
    s.send("control", "note.moderate", id=note, hidden=True)
    return "control", {"id": note, "text": "Reformulé par l'équipe"}


@case("note.edit", "its author edits their hidden note")
def _(s: Scene) -> Prepared:
    note = s.note("Propos déplacé")
    s.send("control", "note.moderate", id=note, hidden=True)
    return "phone", {"id": note, "text": "Propos reformulé"}


@case("note.delete", "its author, everyone's notes shown")
def _(s: Scene) -> Prepared:
    return "phone", {"id": s.note("Je retire ceci")}


@case("note.delete", "the facilitator, in silent writing", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"id": s.note("Hors sujet")}


@case("note.moderate", "hidden while everyone sees everyone's notes")
def _(s: Scene) -> Prepared:
    return "control", {"id": s.note("Propos déplacé"), "hidden": True}


@case("note.moderate", "hidden in silent writing", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"id": s.note("Propos déplacé"), "hidden": True}


@case("note.moderate", "restored")
def _(s: Scene) -> Prepared:
    note = s.note("Finalement acceptable")
    s.send("control", "note.moderate", id=note, hidden=True)
    return "control", {"id": note, "hidden": False}


@case("note.merge", "a duplicate leaves every screen")
def _(s: Scene) -> Prepared:
    kept, duplicate = s.note("Des pistes cyclables"), s.note("Pistes cyclables", by="other")
    return "control", {"id": duplicate, "into": kept}


@case("note.place", "into a group")
def _(s: Scene) -> Prepared:
    note, group = s.note("Covoiturage"), s.group("Mobilités")
    return "control", {"id": note, "group_id": group}


@case("note.place", "back to the loose notes, in silent writing", "brainstorm")
def _(s: Scene) -> Prepared:
    note = s.note("Covoiturage")
    s.group("Mobilités", note)
    return "control", {"id": note, "group_id": None, "position": 2}


@case("note.edit", "a voted note's label in the revealed results", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"id": voted(s, "Des pistes cyclables"), "text": "Des pistes sûres"}


@case("note.delete", "a voted note, once the results are revealed", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"id": voted(s, "Hors sujet")}


@case("note.moderate", "a voted note hidden once the results are revealed", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"id": voted(s, "Propos déplacé"), "hidden": True}


# --- Groups -----------------------------------------------------------------------------


@case("group.create", "while phones see groups")
def _(s: Scene) -> Prepared:
    return "control", {"title": "Mobilités", "area": "projects"}


@case("group.create", "in silent writing: staff only", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"title": "Mobilités"}


@case("group.update", "renamed and moved")
def _(s: Scene) -> Prepared:
    s.group("Énergie")
    return "control", {"id": s.group("Mobilité"), "title": "Mobilités", "position": 0}


@case("group.delete", "its notes go back to the loose notes")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilités", s.note("Covoiturage"), s.note("Vélo", by="other"))
    return "control", {"id": group}


@case("group.update", "a voted group renamed once the results are revealed")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilité", s.note("Covoiturage"))
    s.go("votes_pledges")
    s.send("phone", "vote.cast", target=f"group:{group}")
    s.send("control", "results.reveal", revealed=True)
    return "control", {"id": group, "title": "Mobilités douces"}


# --- Votes ------------------------------------------------------------------------------


def voted(s: Scene, text: str) -> int:
    """A brainstorm's note with a dot, in the voting phase, the results revealed."""
    note = s.note(text, by="other")
    s.go("voting")
    s.send("phone", "vote.cast", target=f"note:{note}")
    s.send("control", "results.reveal", revealed=True)
    return note


@case("vote.cast", "before the reveal: tallies for the staff only", "brainstorm")
def _(s: Scene) -> Prepared:
    note = s.note("Des pistes cyclables", by="other")
    s.go("voting")
    return "phone", {"target": f"note:{note}"}


@case("vote.cast", "once revealed: tallies and results for everyone", "brainstorm")
def _(s: Scene) -> Prepared:
    note = s.note("Des pistes cyclables", by="other")
    s.go("voting")
    s.send("control", "results.reveal", revealed=True)
    return "phone", {"target": f"note:{note}"}


@case("vote.cast", "on a group that enters the canvas's top three")
def _(s: Scene) -> Prepared:
    groups = [s.group(title) for title in ("Énergie", "Mobilités", "Alimentation", "Habitat")]
    s.go("votes_pledges")
    return "phone", {"target": f"group:{groups[-1]}"}


@case("vote.retract", "the last dot, once revealed", "brainstorm")
def _(s: Scene) -> Prepared:
    return "phone", {"target": f"note:{voted(s, 'Des pistes cyclables')}"}


@case("vote.retract", "before the reveal", "brainstorm")
def _(s: Scene) -> Prepared:
    note = s.note("Des pistes cyclables", by="other")
    s.go("voting")
    s.send("phone", "vote.cast", target=f"note:{note}")
    s.send("phone", "vote.cast", target=f"note:{note}")
    return "phone", {"target": f"note:{note}"}


@case("vote.rules", "in a voting phase, after a participant voted", "brainstorm")
def _(s: Scene) -> Prepared:
    note = s.note("Des pistes cyclables", by="other")
    s.go("voting")
    s.send("phone", "vote.cast", target=f"note:{note}")
    return "control", {"budget": 8, "max_per_item": 2}


@case("results.reveal", "revealed", "brainstorm")
def _(s: Scene) -> Prepared:
    notes = [s.note(text, by="other") for text in ("Vélo", "Tram")]
    s.go("voting")
    for note in (notes[0], notes[0], notes[1]):
        s.send("phone", "vote.cast", target=f"note:{note}")
    return "control", {"revealed": True}


@case("results.reveal", "hidden again", "brainstorm")
def _(s: Scene) -> Prepared:
    voted(s, "Vélo")
    return "control", {"revealed": False}


# --- Reactions and the opinion map -------------------------------------------------------
# A retrospective reads every note, then each participant answers agree, disagree or pass.


def camps(s: Scene) -> list[int]:
    """Seven notes answered by two camps of seven, in the react phase: both agree with the
    first three, each agrees with two notes the other disagrees with."""
    notes = [s.note(f"Constat {number}", by="other") for number in range(7)]
    s.go("react")
    seat_two_camps(s.workshop.id, notes[:3], notes[3:5], notes[5:])
    return notes


@case("react.cast", "a first answer: counts for the staff only", "retro")
def _(s: Scene) -> Prepared:
    note = s.note("Les revues de code", by="other")
    s.go("react")
    return "phone", {"note_id": note, "value": 1}


@case("react.cast", "a changed answer, once the map is revealed", "retro")
def _(s: Scene) -> Prepared:
    notes = camps(s)
    s.send("phone", "react.cast", note_id=notes[0], value=1)
    s.send("control", "opinions.reveal", revealed=True)
    return "phone", {"note_id": notes[0], "value": -1}


@case("opinions.reveal", "too few answers: the map says so", "retro")
def _(s: Scene) -> Prepared:
    note = s.note("Les revues de code", by="other")
    s.go("react")
    s.send("phone", "react.cast", note_id=note, value=0)
    return "control", {"revealed": True}


@case("opinions.reveal", "two camps: groups, consensus and divisive notes", "retro")
def _(s: Scene) -> Prepared:
    camps(s)
    return "control", {"revealed": True}


@case("opinions.reveal", "hidden again", "retro")
def _(s: Scene) -> Prepared:
    camps(s)
    s.send("control", "opinions.reveal", revealed=True)
    return "control", {"revealed": False}


@case("note.moderate", "a note the revealed opinion map names is hidden", "retro")
def _(s: Scene) -> Prepared:
    notes = camps(s)
    s.send("control", "opinions.reveal", revealed=True)
    return "control", {"id": notes[0], "hidden": True}


# --- Ratings ---------------------------------------------------------------------------
# A Reset day rates its proposals on the seven #Reset qualities.


def rated_proposals(s: Scene) -> list[str]:
    """Two proposals, the phase that rates them, and a first rating on each."""
    items = []
    for title in ("Mobilités", "Énergie"):
        group = s.group(title)
        promoted = s.send("control", "proposal.promote", target=f"group:{group}")["proposal"]
        items.append(f"proposal:{promoted['id']}")
    s.go("qualities")
    for item, value in zip(items, (2, 5), strict=True):
        s.send("other", "rate.cast", item=item, criterion="frugal", value=value)
    return items


@case("rate.cast", "a first rating: counts for the staff only")
def _(s: Scene) -> Prepared:
    items = rated_proposals(s)
    return "phone", {"item": items[0], "criterion": "inclusive", "value": 4}


@case("rate.cast", "a changed rating, once the results are revealed")
def _(s: Scene) -> Prepared:
    items = rated_proposals(s)
    s.send("phone", "rate.cast", item=items[1], criterion="frugal", value=1)
    s.send("control", "ratings.reveal", revealed=True)
    return "phone", {"item": items[1], "criterion": "frugal", "value": 3}


@case("ratings.reveal", "the results per criterion reach every screen")
def _(s: Scene) -> Prepared:
    rated_proposals(s)
    return "control", {"revealed": True}


@case("ratings.reveal", "hidden again")
def _(s: Scene) -> Prepared:
    rated_proposals(s)
    s.send("control", "ratings.reveal", revealed=True)
    return "control", {"phase": "qualities", "revealed": False}


# --- Quick polls -----------------------------------------------------------------------
# The Reset day's "priority" phase asks its poll; the facilitator asks others live.


def live_poll(s: Scene, **fields: Any) -> int:
    """A poll asked live, with a first answer from the other phone."""
    payload = {"question": "Quel jour ?", "options": ["Lundi", "Mardi", "Jeudi"], **fields}
    poll_id: int = s.send("control", "poll.create", **payload)["poll"]["id"]
    s.send("other", "poll.answer", poll_id=poll_id, choices=[1])
    return poll_id


@case("phase.move", "into a poll phase: its poll opens on every screen")
def _(s: Scene) -> Prepared:
    keys = [phase.key for phase in format_of(s.workshop).phases]
    return "control", {"index": keys.index("priority")}


@case("phase.move", "out of a poll phase: its poll closes and leaves the screens")
def _(s: Scene) -> Prepared:
    s.go("priority")
    keys = [phase.key for phase in format_of(s.workshop).phases]
    return "control", {"index": keys.index("qualities")}


@case("poll.create", "asked live: open on every screen")
def _(s: Scene) -> Prepared:
    return "control", {"question": "Quel lieu ?", "options": ["Ici", "Là"], "multiple": True}


@case("poll.answer", "a first answer: how many answered, to the staff only")
def _(s: Scene) -> Prepared:
    return "phone", {"poll_id": live_poll(s), "choices": [0]}


@case("poll.answer", "a changed answer, once the counts are revealed")
def _(s: Scene) -> Prepared:
    poll_id = live_poll(s, multiple=True)
    s.send("phone", "poll.answer", poll_id=poll_id, choices=[0])
    s.send("control", "poll.reveal", poll_id=poll_id, revealed=True)
    return "phone", {"poll_id": poll_id, "choices": [1, 2]}


@case("poll.answer", "to the poll of the format's poll phase")
def _(s: Scene) -> Prepared:
    s.go("priority")
    poll_id = db.session.scalar(select(Poll.id).where(Poll.workshop_id == s.workshop.id))
    db.session.rollback()
    return "phone", {"poll_id": poll_id, "choices": [6]}


@case("poll.close", "no more answers; still shown")
def _(s: Scene) -> Prepared:
    return "control", {"poll_id": live_poll(s)}


@case("poll.open", "opened again")
def _(s: Scene) -> Prepared:
    poll_id = live_poll(s)
    s.send("control", "poll.hide", poll_id=poll_id)
    return "control", {"poll_id": poll_id}


@case("poll.hide", "off the screens")
def _(s: Scene) -> Prepared:
    return "control", {"poll_id": live_poll(s)}


@case("poll.reveal", "the counts reach every screen")
def _(s: Scene) -> Prepared:
    return "control", {"poll_id": live_poll(s), "revealed": True}


@case("poll.reveal", "hidden again")
def _(s: Scene) -> Prepared:
    poll_id = live_poll(s)
    s.send("control", "poll.reveal", poll_id=poll_id, revealed=True)
    return "control", {"poll_id": poll_id, "revealed": False}


@case("group.delete", "a project whose ratings are revealed", "facteur4")
def _(s: Scene) -> Prepared:
    projects = [s.group(title) for title in ("Vélos-cargos", "Ressourcerie")]
    s.go("review")
    for project in projects:
        s.send("phone", "rate.cast", item=f"group:{project}", criterion="robust", value=3)
    s.send("control", "ratings.reveal", revealed=True)
    return "control", {"id": projects[0]}


# --- Pledges ----------------------------------------------------------------------------


@case("pledge.add", "to a candidate coalition")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilités", s.note("Covoiturage"))
    s.go("votes_pledges")
    return "phone", {"group_id": group, "name": "Ada", "organisation": "Vélo-club"}


@case("pledge.withdraw", "from a candidate coalition")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilités")
    s.go("votes_pledges")
    s.send("phone", "pledge.add", group_id=group)
    return "phone", {"group_id": group}


# --- Cards ------------------------------------------------------------------------------


@case("card.add", "a roadmap item linked to a note, everyone's shown", "swot")
def _(s: Scene) -> Prepared:
    links = [f"note:{s.note('Nos bénévoles')}"]
    s.go("roadmap")
    return "phone", {"kind": "roadmap", "slot": "now", "text": "Former", "links": links}


@case("card.add", "a canvas entry for a top group")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilités")
    s.go("canvas")
    fields = {"slot": "diagnostic", "text": "Trop de voitures", "group_id": group}
    return "phone", {"kind": "canvas", **fields}


@case("card.add", "by the facilitator in silent writing: staff only", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"kind": "roadmap", "slot": "later", "text": "Plus tard"}


@case("card.edit", "its author", "swot")
def _(s: Scene) -> Prepared:
    s.go("strategies")
    return "phone", {"id": s.card("strategy", "SO", "Brouillon"), "text": "Relu"}


@case("card.delete", "by the facilitator", "swot")
def _(s: Scene) -> Prepared:
    s.go("roadmap")
    return "control", {"id": s.card("roadmap", "next", "À retirer", by="other")}


@case("canvas.groups", "chosen by the facilitator")
def _(s: Scene) -> Prepared:
    groups = [s.group(title) for title in ("Énergie", "Mobilités")]
    s.go("canvas")
    return "control", {"group_ids": [groups[1]]}


# --- Coalition proposals ----------------------------------------------------------------


@case("proposal.promote", "a group with its pledges")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilités", s.note("Covoiturage"))
    s.go("votes_pledges")
    s.send("phone", "pledge.add", group_id=group, name="Ada")
    return "control", {"target": f"group:{group}"}


@case("proposal.promote", "a note")
def _(s: Scene) -> Prepared:
    return "control", {"target": f"note:{s.note('Un jardin partagé')}"}


@case("proposal.pledge", "a participant joins a proposal")
def _(s: Scene) -> Prepared:
    group = s.group("Mobilités")
    proposal = s.send("control", "proposal.promote", target=f"group:{group}")["proposal"]["id"]
    s.go("proposals")
    return "phone", {"proposal_id": proposal, "name": "Ada", "organisation": "Vélo-club"}


# --- The facilitator's controls ---------------------------------------------------------


@case("phase.move", "silent writing to reveal: everyone's notes reach phones", "brainstorm")
def _(s: Scene) -> Prepared:
    s.note("Vélo")
    s.note("Tram", by="other")
    s.send("control", "note.moderate", id=s.note("Propos déplacé", by="other"), hidden=True)
    return "control", {"index": 1}


@case("phase.move", "back to silent writing: phones keep their own notes", "brainstorm")
def _(s: Scene) -> Prepared:
    s.note("Vélo")
    s.note("Tram", by="other")
    s.go("reveal")
    s.group("Mobilités")
    return "control", {"index": 0}


@case("phase.move", "into voting: the vote rules", "brainstorm")
def _(s: Scene) -> Prepared:
    return "control", {"index": 3}


@case("phase.move", "back into voting, a phone's dots out: what it has spent", "brainstorm")
def _(s: Scene) -> Prepared:
    note = s.note("Des pistes cyclables", by="other")
    s.go("voting")
    s.send("phone", "vote.cast", target=f"note:{note}")
    s.send("phone", "vote.cast", target=f"note:{note}")
    s.go("grouping")
    return "control", {"index": s.index("voting")}


@case("phase.move", "into voting by area", "swot")
def _(s: Scene) -> Prepared:
    s.note("Nos bénévoles")
    return "control", {"index": s.index("voting")}


# A phone that cannot tell its dots per area from the view syncs (live.js budgetFor).
@case("phase.move", "out of voting by area, a phone's dot out: that phone syncs", "swot")
def _(s: Scene) -> Prepared:
    note = s.note("Nos bénévoles", by="other")
    s.go("voting")
    s.send("phone", "vote.cast", target=f"note:{note}")
    return "control", {"index": s.index("results")}


SYNCING_PHONES = {
    "phase.move: out of voting by area, a phone's dot out: that phone syncs": {"phone"},
}


@case("timer.start", "five minutes")
def _(s: Scene) -> Prepared:
    return "control", {"seconds": 300}


@case("timer.add", "to a running timer")
def _(s: Scene) -> Prepared:
    s.send("control", "timer.start", seconds=300)
    return "control", {"seconds": 60}


@case("timer.pause", "a running timer")
def _(s: Scene) -> Prepared:
    s.send("control", "timer.start", seconds=300)
    return "control", {}


@case("timer.resume", "a paused timer")
def _(s: Scene) -> Prepared:
    s.send("control", "timer.start", seconds=300)
    s.send("control", "timer.pause")
    return "control", {}


@case("timer.stop", "a running timer")
def _(s: Scene) -> Prepared:
    s.send("control", "timer.start", seconds=300)
    return "control", {}


@case("workshop.lock", "locked")
def _(s: Scene) -> Prepared:
    return "control", {"locked": True}


@case("workshop.joining", "closed")
def _(s: Scene) -> Prepared:
    return "control", {"open": False}


@case("spotlight", "a note")
def _(s: Scene) -> Prepared:
    return "control", {"target": f"note:{s.note('Un jardin partagé')}"}


@case("spotlight", "a card", "swot")
def _(s: Scene) -> Prepared:
    s.go("strategies")
    return "control", {"target": f"card:{s.card('strategy', 'WT', 'Prudence')}"}


@case("spotlight", "cleared")
def _(s: Scene) -> Prepared:
    s.send("control", "spotlight", target=f"group:{s.group('Mobilités')}")
    return "control", {"target": None}


@case("board.view", "the join screen")
def _(s: Scene) -> Prepared:
    return "control", {"mode": "join", "focus": None, "page": None}


@case("board.view", "zoomed onto a group, held on its second page")
def _(s: Scene) -> Prepared:
    return "control", {"mode": "stage", "focus": f"group:{s.group('Mobilités')}", "page": 2}


@case("workshop.end", "with a timer running")
def _(s: Scene) -> Prepared:
    s.send("control", "timer.start", seconds=300)
    return "control", {}


def end_with_the_board_open(s: Scene) -> None:
    """The board joins while the workshop runs (an ended one takes no new screen)."""
    s.watchers["board"].fresh()
    s.send("control", "workshop.end")


@case("synthesis.publish", "published once the workshop has ended")
def _(s: Scene) -> Prepared:
    s.note("Un jardin partagé")
    end_with_the_board_open(s)
    return "control", {"published": True}


@case("synthesis.publish", "withdrawn")
def _(s: Scene) -> Prepared:
    end_with_the_board_open(s)
    s.send("control", "synthesis.publish", published=True)
    return "control", {"published": False}


# --- A selection of notes, in one command (notes/selection.py) -----------------------------


@case("notes.place", "a selection into a group, everyone's notes shown")
def _(s: Scene) -> Prepared:
    notes = [s.note("Covoiturage"), s.note("Vélo", by="other"), s.note("Bus")]
    return "control", {"ids": notes, "group_id": s.group("Mobilités")}


@case("notes.place", "back to the loose notes, in silent writing", "brainstorm")
def _(s: Scene) -> Prepared:
    notes = [s.note("Covoiturage"), s.note("Vélo", by="other")]
    s.group("Mobilités", *notes)
    return "control", {"ids": notes, "group_id": None}


@case("notes.moderate", "a selection hidden, everyone's notes shown")
def _(s: Scene) -> Prepared:
    return "control", {"ids": [s.note("Propos déplacé"), s.note("Hors sujet")], "hidden": True}


@case("notes.moderate", "a selection restored, in silent writing", "brainstorm")
def _(s: Scene) -> Prepared:
    notes = [s.note("Finalement acceptable"), s.note("Celle-ci aussi", by="other")]
    s.send("control", "notes.moderate", ids=notes, hidden=True)
    return "control", {"ids": notes, "hidden": False}


@case("notes.merge", "duplicates leave every screen")
def _(s: Scene) -> Prepared:
    kept = s.note("Des pistes cyclables")
    return "control", {
        "ids": [s.note("Pistes cyclables"), s.note("Pistes", by="other")],
        "into": kept,
    }


@case("group.create", "a new group with a selection")
def _(s: Scene) -> Prepared:
    notes = [s.note("Covoiturage"), s.note("Vélo", by="other")]
    return "control", {"title": "Mobilités", "area": s.area, "note_ids": notes}


@pytest.fixture(scope="module")
def app(database_url, channel, instance_path) -> Iterator[Flask]:
    """One app for the module (building one costs more than a case): each case runs in a
    workshop of its own, and the tables are emptied once, at the end."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FABRIQUE_INSTANCE", str(instance_path))
        app = create_app(suite.test_config(database_url, channel))
    with app.app_context():
        yield app
        db.session.remove()
        suite.empty_tables()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_session(app) -> Iterator[None]:
    yield
    db.session.remove()


@pytest.fixture(scope="module")
def facilitator_id(app) -> int:
    """The module's facilitator, with a cheap password hash: nobody types it here, and
    scrypt's would cost a third of a second."""
    user = User(
        email="facilitator@example.org",
        name="Camille",
        role=Role.FACILITATOR,
        password_hash=generate_password_hash(suite.PASSWORD, method="pbkdf2:sha256:1"),
    )
    db.session.add(user)
    db.session.commit()
    return user.id


@pytest.fixture
def facilitator(facilitator_id) -> User:
    return db.session.get(User, facilitator_id)


@pytest.fixture
def scene(create_workshop, screens, facilitator) -> Callable[[str], Scene]:
    def build(format_key: str) -> Scene:
        workshop = create_workshop(format_key)
        board = screens(workshop, "board", join=False)  # it sends nothing: verify_action joins
        watchers = {
            "board": Watcher("board", board, key=workshop.board_key),
            "control": Watcher("control", screens(workshop, "control", user=facilitator)),
            "phone": Watcher("phone", screens(workshop, nickname="Ada")),
            "other": Watcher("other phone", screens(workshop, nickname="Bob")),
        }
        return Scene(workshop, watchers)

    return build


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_command_leaves_every_screen_equal_to_a_fresh_snapshot(scene, case: Case) -> None:
    built = scene(case.format)
    actor, payload = case.prepare(built)
    verify_action(list(built.watchers.values()), built.watchers[actor], case.command, payload)
    if case.command in ("phase.move", "results.reveal"):  # phones follow the view named
        syncing = SYNCING_PHONES.get(str(case), set())
        taken = {name: built.watchers[name].taken_views for name in ("phone", "other")}
        assert taken == {name: int(name not in syncing) for name in taken}, taken


# --- The same, carried out together with another phone's command ----------------------
# A participant's hot command waiting for the workshop's turn beside another is carried
# out with it, in one transaction (docs/architecture.md, "Commands that wait together are
# carried out together"): every screen must still equal a fresh snapshot.

Sent = list[tuple[Watcher, str, dict[str, Any]]]  # a watcher, a command it sent, its ack


def neighbour(name: str, payload: dict[str, Any], area: str) -> tuple[str, dict[str, Any]]:
    """What the other phone sends beside the case's command: the same (a dot on the same
    note, the same answer), or a note where the same would be refused."""
    if name == "note.edit":  # another's note
        return "note.post", {"area": area, "text": "Une note voisine"}
    if name == "vote.retract":  # no dot of its own to take back
        return "vote.cast", payload
    return name, payload


@contextmanager
def beside(s: Scene, name: str, payload: dict[str, Any]) -> Iterator[Sent]:
    """While the block sends its command: the workshop's turn is held, the other phone
    sends ``name`` which waits for it, and the turn is let go once the block's command
    waits behind that one, so that both are carried out together."""
    turn = runtime().turn(s.workshop.id)
    other = s.watchers["other"]
    taken = threading.Event()
    acks: list[dict[str, Any]] = []
    sent: Sent = []

    def hold() -> None:
        with turn.taken(refusable=False):
            taken.set()
            deadline = time.monotonic() + 10
            while turn.queued < 3 and time.monotonic() < deadline:  # this, the two commands
                time.sleep(0.002)

    def send() -> None:
        again = {**payload, "command_id": command_id()}
        acks.append(other.screen.sio.emit(name, again, callback=True))

    threads = [threading.Thread(target=hold), threading.Thread(target=send)]
    threads[0].start()
    taken.wait()
    threads[1].start()
    while turn.queued < 2 and threads[1].is_alive():
        time.sleep(0.002)
    assert not acks, f"the other phone's {name} did not wait for the turn: {acks}"
    try:
        yield sent
    finally:
        for thread in threads:
            thread.join(timeout=30)
    assert len(acks) == 1, f"the other phone's {name} was never acked"
    sent.append((other, name, acks[0]))


def together() -> tuple[float, float]:
    """Commands carried out together so far, and the transactions that carried them out."""
    sample = REGISTRY.get_sample_value
    return sample("fabrique_commands_together_sum"), sample("fabrique_commands_together_count")


declare_socket_handlers()  # which commands are grouped, known before any app is made


@pytest.mark.parametrize("case", [case for case in CASES if case.command in GROUPED], ids=str)
def test_a_command_carried_out_with_another_phones_leaves_every_screen_equal(
    scene, case: Case
) -> None:
    built = scene(case.format)
    actor, payload = case.prepare(built)
    other_name, other_payload = neighbour(case.command, payload, built.area)
    sent: Sent = []

    @contextmanager
    def alongside() -> Iterator[Sent]:
        with beside(built, other_name, other_payload) as filled:
            yield filled
        sent.extend(filled)

    before = together()
    watchers = list(built.watchers.values())
    verify_action(watchers, built.watchers[actor], case.command, payload, alongside)
    after = together()
    carried = (after[0] - before[0], after[1] - before[1])
    if actor == "control":  # a staff command is carried out alone, the other phone's too
        assert carried == (1, 1), carried
    else:  # a phone's command and the other phone's: one transaction
        assert sent[0][2]["ok"], sent[0][2]
        assert carried == (2, 1), carried


# --- A new command fails the suite until it has a case ----------------------------------


def documented_commands() -> set[str]:
    """The client→server messages docs/protocol.md names: in a heading (### `join`), first
    in a table row (| `timer.pause` / `timer.resume` |) or with their payload (`vote.cast {`)."""
    text = PROTOCOL.read_text()
    section = text[text.index("## Client → server") : text.index("## Server → client")]
    names: set[str] = set()
    for line in section.splitlines():
        names.update(re.findall(r"^### `([a-z][a-z.]*)`", line))
        row = re.match(r"\| (`[a-z][a-z.]*`(?: / `[a-z][a-z.]*`)*) \|", line)
        names.update(re.findall(r"`([a-z.]+)`", row.group(1)) if row else ())
        names.update(re.findall(r"`([a-z][a-z.]*) \{", line))
    return names


def test_every_registered_command_has_a_case(app) -> None:  # the app registers them
    assert set(HANDLERS) >= NOT_COMMANDS
    assert {case.command for case in CASES} == set(HANDLERS) - NOT_COMMANDS


def test_every_documented_command_is_registered_and_every_registered_one_documented(app) -> None:
    assert documented_commands() - NOT_COMMANDS == set(HANDLERS) - NOT_COMMANDS
