"""Every command keeps every screen equal to a fresh snapshot: the board, the control page,
the phone that acts and another phone (``verify.py``: ``verify_action``).

Each case sets up a workshop in the phase it needs, runs one command and checks every
screen. Variants cover what changes who sees what: silent writing (a note goes to the
staff and its author only), hidden notes, anonymity, results before and after the reveal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from facilitation.accounts.models import Role, User
from facilitation.extensions import db
from facilitation.workshops.models import Workshop
from facilitation.workshops.services import format_of

from ..conftest import PASSWORD
from .verify import Watcher, verify_action

Prepared = tuple[str, dict[str, Any]]  # who sends the command, and its payload


@dataclass
class Scene:
    """A workshop and its four screens."""

    workshop: Workshop
    watchers: dict[str, Watcher]

    def send(self, by: str, name: str, **payload: Any) -> dict[str, Any]:
        ack = self.watchers[by].screen.send(name, **payload)
        assert ack["ok"], (name, payload, ack)
        return ack["data"]

    def go(self, key: str) -> None:
        keys = [phase.key for phase in format_of(self.workshop).phases]
        self.send("control", "phase.move", index=keys.index(key))

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


@pytest.fixture
def facilitator(app) -> User:
    """The suite's facilitator, with a cheap password hash: nobody types it here, and
    scrypt's would cost a third of a second per case."""
    user = User(
        email="facilitator@example.org",
        name="Camille",
        role=Role.FACILITATOR,
        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1"),
    )
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def scene(create_workshop, screens, facilitator) -> Callable[[str], Scene]:
    def build(format_key: str) -> Scene:
        workshop = create_workshop(format_key)
        board = screens(workshop, "board", join=False)
        watchers = {
            "board": Watcher("board", board, key=workshop.board_key),
            "control": Watcher("control", screens(workshop, "control", user=facilitator)),
            "phone": Watcher("phone", screens(workshop, nickname="Ada")),
            "other": Watcher("other phone", screens(workshop, nickname="Bob")),
        }
        board.join(key=workshop.board_key)
        return Scene(workshop, watchers)

    return build


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_command_leaves_every_screen_equal_to_a_fresh_snapshot(scene, case: Case) -> None:
    built = scene(case.format)
    actor, payload = case.prepare(built)
    verify_action(list(built.watchers.values()), built.watchers[actor], case.command, payload)
