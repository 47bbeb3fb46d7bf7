"""Helpers of the security suite: database fingerprints (what a refusal must leave as it
was), cheap staff accounts, raw sockets and scenes — two workshops side by side, with one
participant and one facilitator each, and the notes, groups, cards and proposal that
commands and routes can name."""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from facilitation import create_app
from facilitation.accounts.models import Role, User
from facilitation.auth import Actor, ActorKind
from facilitation.cards.models import Card
from facilitation.coalitions.models import Coalition, Member, Origin, Status
from facilitation.database import unit_of_work, utcnow
from facilitation.extensions import db, socketio
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.participants import services as participants
from facilitation.participants.models import Participant
from facilitation.pledges import services as pledges
from facilitation.polls import services as polls
from facilitation.realtime.models import Stream
from facilitation.rules import format_of
from facilitation.votes import services as votes
from facilitation.workshops import controls
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from ..conftest import CSRF, PASSWORD, empty_tables, test_config
from ..sockets import command_id, login

# Staff accounts need a password hash; scrypt's (a third of a second each) would make
# every test slow. Signing in with it still works: werkzeug reads the method from it.
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


# --- What a refusal must leave unchanged ------------------------------------------------


def fingerprint() -> dict[str, int]:
    """Row counts of every table, and the sum of the event streams' heads: every change a
    command records bumps a head, so an update shows here as well as an insert."""
    db.session.rollback()  # read what other sessions committed
    counts = [
        select(func.count()).select_from(table).scalar_subquery().label(table.name)
        for table in db.metadata.sorted_tables
    ]
    heads = select(func.coalesce(func.sum(Stream.head), 0)).scalar_subquery().label("heads")
    row = db.session.execute(select(*counts, heads)).one()
    db.session.rollback()
    return dict(row._mapping)


def workshop_fingerprint(workshop_id: int) -> dict[str, Any]:
    """What one workshop holds: its rows in every table that names a workshop, its
    stream head and its own state."""
    db.session.rollback()
    counts = [
        select(func.count())
        .select_from(table)
        .where(table.c.workshop_id == workshop_id)
        .scalar_subquery()
        .label(table.name)
        for table in db.metadata.sorted_tables
        if "workshop_id" in table.c
    ]
    row = db.session.execute(select(*counts)).one()
    workshop = db.session.get(Workshop, workshop_id)
    state = (
        workshop.seq,
        workshop.phase_index,
        workshop.status,
        workshop.locked,
        workshop.joining_closed_at,
        workshop.results_revealed,
        workshop.spotlight,
        workshop.settings,
    )
    head = db.session.get(Stream, workshop_id).head
    result = {**row._mapping, "head": head, "state": state}
    db.session.rollback()
    return result


@contextmanager
def unchanged() -> Iterator[None]:
    """The block must leave the database as it found it (see ``fingerprint``)."""
    before = fingerprint()
    yield
    assert fingerprint() == before, "a refused request changed the database"


def error_of(ack: Any) -> str | None:
    """The error code of an ack (None for a success)."""
    assert isinstance(ack, dict), ack
    return None if ack["ok"] else ack["error"]["code"]


# --- Accounts ---------------------------------------------------------------------------


def new_user(role: str, email: str | None = None) -> User:
    user = User(
        email=email or f"{role}-{uuid.uuid4().hex[:10]}@example.org",
        name="Camille",
        role=role,
        password_hash=CHEAP_HASH,
    )
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    """The suite-wide factory, with a cheap password hash (see CHEAP_HASH)."""
    counter = itertools.count(1)

    def create(role: str = Role.FACILITATOR, email: str | None = None) -> User:
        return new_user(role, email or f"{role}{next(counter)}@example.org")

    return create


@pytest.fixture
def make_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """The suite-wide factory, with test clients that start each request afresh."""

    def make(**overrides: Any) -> Flask:
        app = make_app(**overrides)
        app.test_client_class = FreshClient
        return app

    return make


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record at DEBUG, and every SQL statement with its parameters.

    The session's migrations ran Alembic's fileConfig, which disabled every logger that
    existed then (the app's among them): a "never logged" assertion would pass for want of
    any log at all. They are enabled again for the test. SQLAlchemy's own DEBUG level logs
    result rows, which hide_parameters does not cover; it is an explicit developer switch
    (echo="debug") that the app never turns on, so the engine is logged at INFO."""
    disabled = [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and logger.disabled
    ]
    for logger in disabled:
        logger.disabled = False
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    try:
        yield caplog
    finally:
        for logger in disabled:
            logger.disabled = True


# --- Raw sockets ------------------------------------------------------------------------


def socket_for(app: Flask, http: FlaskClient | None = None, **kwargs: Any) -> Any:
    """A Socket.IO test client carrying the cookies of ``http`` (none when omitted)."""
    return socketio.test_client(app, flask_test_client=http or app.test_client(), **kwargs)


def ask(sio: Any, name: str, *payload: Any) -> Any:
    """Emit an event (with the payload as given, or none at all) and return its ack."""
    ack = sio.emit(name, *payload, callback=True)
    db.session.rollback()
    return ack


def with_command_id(payload: dict[str, Any]) -> dict[str, Any]:
    return {"command_id": command_id(), **payload}


def phone_client(app: Flask, participant: Participant) -> FlaskClient:
    """A browser holding this participant's identity cookie."""
    http = app.test_client()
    token = participants.identity_token(participant)
    http.set_cookie(participants.cookie_name(participant.workshop_id), token)
    return http


def staff_client(app: Flask, user: User) -> FlaskClient:
    http = app.test_client()
    login(http, user)
    return http


def csrf_of(http: FlaskClient, page: str = "/") -> str:
    match = CSRF.search(http.get(page).get_data(as_text=True))
    assert match, f"no CSRF token on {page}"
    return match.group(1)


# --- Scenes: workshop A (under test) and workshop B (someone else's) -----------------------


@dataclass
class Side:
    """One workshop with its participant and the items commands can name."""

    workshop: Workshop
    participant: Participant
    note: int = 0  # the participant's own note
    other_note: int = 0  # a second note of theirs (merged away, placed...)
    group: int = 0
    empty_group: int = 0  # never voted for nor pledged to
    card: int = 0  # the participant's own strategy card
    proposal: int = 0  # a coalition that came out of this workshop
    poll: int = 0  # a poll asked live, open (``prepare_poll``)

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.PARTICIPANT, self.workshop.id, participant_id=self.participant.id)


@dataclass
class Scene:
    """Workshop A (run by ``owner``) and workshop B (run by ``rival``), in the same format
    and phase, so that a command aimed at A from B differs only by the workshop."""

    a: Side
    b: Side
    owner: User
    rival: User
    extra: dict[str, Any] = field(default_factory=dict)


def _first_area(workshop: Workshop) -> str:
    return format_of(workshop).areas[0].key


def build_side(owner: User, format_key: str, phase_key: str) -> Side:
    workshop = workshops.create_workshop(owner, format_key, "Atelier", "Comment ?", "fr")
    keys = [phase.key for phase in format_of(workshop).phases]
    workshop.phase_index = keys.index(phase_key)
    participant = participants.join(workshop, "Léa")
    area, now = _first_area(workshop), utcnow()
    notes = [
        Note(
            workshop_id=workshop.id,
            participant_id=participant.id,
            area=area,
            text=text,
            created_at=now,
            updated_at=now,
        )
        for text in ("Vélo partagé", "Velo partage")
    ]
    groups = [Group(workshop_id=workshop.id, title=t, position=i) for i, t in enumerate("AB")]
    card = Card(
        workshop_id=workshop.id,
        participant_id=participant.id,
        kind="strategy",
        slot="SO",
        text="S'appuyer sur les associations",
        links=[],
        created_at=now,
    )
    proposal = Coalition(
        title="Mobilité douce",
        status=Status.PROPOSED,
        created_by_id=owner.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add_all([*notes, *groups, card, proposal])
    db.session.flush()
    db.session.add(Origin(coalition_id=proposal.id, workshop_id=workshop.id))
    db.session.add(
        Member(coalition_id=proposal.id, name="Sam", email="sam@example.org", created_at=now)
    )
    db.session.commit()
    return Side(
        workshop=workshop,
        participant=participant,
        note=notes[0].id,
        other_note=notes[1].id,
        group=groups[0].id,
        empty_group=groups[1].id,
        card=card.id,
        proposal=proposal.id,
    )


def build_scene(owner: User, rival: User, format_key: str, phase_key: str) -> Scene:
    return Scene(
        a=build_side(owner, format_key, phase_key),
        b=build_side(rival, format_key, phase_key),
        owner=owner,
        rival=rival,
    )


# Preparations some commands need on both sides (a dot to take back, a paused timer...).
def _facilitator(side: Side, user: User) -> Actor:
    return Actor(ActorKind.FACILITATOR, side.workshop.id, user_id=user.id)


def prepare_dot(side: Side, user: User) -> None:
    votes.cast(side.actor, side.workshop, f"note:{side.note}", +1)


def prepare_pledge(side: Side, user: User) -> None:
    pledges.pledge(side.actor, side.workshop, side.group, "Léa", "")


def prepare_timer(side: Side, user: User) -> None:
    controls.start_timer(_facilitator(side, user), side.workshop, 300)


def prepare_paused_timer(side: Side, user: User) -> None:
    prepare_timer(side, user)
    controls.pause_timer(_facilitator(side, user), side.workshop)


def prepare_poll(side: Side, user: User) -> None:
    asked = polls.create(
        _facilitator(side, user), side.workshop, "Quel jour ?", ["Lun", "Mar"], False, None
    )
    side.poll = asked["poll"]["id"]


def prepare(scene: Scene, step: Callable[[Side, User], None] | None) -> None:
    if step is None:
        return
    with unit_of_work(scene.a.workshop.id, scene.b.workshop.id):
        step(scene.a, scene.owner)
        step(scene.b, scene.rival)


# --- Each socket event, tried where it can succeed -------------------------------------------


@dataclass(frozen=True)
class Action:
    """Where a command is tried (format, phase), what it needs first, what it sends."""

    payload: Callable[[Scene], dict[str, Any]]
    format_key: str = "brainstorm"
    phase: str = "silent_writing"
    before: Callable[..., None] | None = None
    command: bool = True  # sent with a fresh command_id


def _note(s: Scene) -> str:
    return f"note:{s.a.note}"


BRAINSTORM_VOTING = {"format_key": "brainstorm", "phase": "voting"}
RESET_PLEDGES = {"format_key": "reset_day", "phase": "votes_pledges"}
SWOT_STRATEGIES = {"format_key": "swot", "phase": "strategies"}
RETRO_REACT = {"format_key": "retro", "phase": "react"}
RESET_QUALITIES = {"format_key": "reset_day", "phase": "qualities"}

SOCKET_ACTIONS: dict[str, Action] = {
    "join": Action(lambda s: {"code": s.a.workshop.code, "role": "phone"}, command=False),
    "sync": Action(lambda s: {"since": 0}, command=False),
    "snapshot.page": Action(lambda s: {"head": 0, "section": "notes", "after": 0}, command=False),
    "disconnect": Action(lambda s: "transport close", command=False),
    "note.post": Action(lambda s: {"area": "ideas", "text": "Une idée"}),
    "note.edit": Action(lambda s: {"id": s.a.note, "text": "Réécrite"}),
    "note.delete": Action(lambda s: {"id": s.a.note}),
    "note.moderate": Action(lambda s: {"id": s.a.note, "hidden": True}),
    "note.merge": Action(lambda s: {"id": s.a.other_note, "into": s.a.note}),
    "note.place": Action(lambda s: {"id": s.a.note, "group_id": s.a.group}),
    "notes.place": Action(lambda s: {"ids": [s.a.note, s.a.other_note], "group_id": s.a.group}),
    "notes.moderate": Action(lambda s: {"ids": [s.a.note, s.a.other_note], "hidden": True}),
    "notes.merge": Action(lambda s: {"ids": [s.a.other_note], "into": s.a.note}),
    "group.create": Action(lambda s: {"title": "Mobilité"}),
    "group.update": Action(lambda s: {"id": s.a.group, "title": "Renommé"}),
    "group.delete": Action(lambda s: {"id": s.a.empty_group}),
    "phase.move": Action(lambda s: {"index": 1}),
    "timer.start": Action(lambda s: {"seconds": 60}),
    "timer.add": Action(lambda s: {"seconds": 60}),
    "timer.pause": Action(lambda s: {}, before=prepare_timer),
    "timer.resume": Action(lambda s: {}, before=prepare_paused_timer),
    "timer.stop": Action(lambda s: {}),
    "workshop.lock": Action(lambda s: {"locked": True}),
    "workshop.joining": Action(lambda s: {"open": False}),
    "workshop.end": Action(lambda s: {}),
    # Withdrawing needs no ended workshop (an ended one takes no new socket to try it on).
    "synthesis.publish": Action(lambda s: {"published": False}),
    "spotlight": Action(lambda s: {"target": _note(s)}),
    "board.view": Action(lambda s: {"mode": "stage", "focus": f"group:{s.a.group}", "page": 2}),
    "vote.rules": Action(lambda s: {"budget": 9, "max_per_item": 3}),
    "results.reveal": Action(lambda s: {"revealed": True}),
    "canvas.groups": Action(lambda s: {"group_ids": [s.a.group]}, "reset_day", "canvas"),
    "assist.suggest": Action(lambda s: {"area": None}, command=False),
    "assist.similar": Action(lambda s: {"group_id": s.a.group, "limit": 5}, command=False),
    "vote.cast": Action(lambda s: {"target": _note(s)}, **BRAINSTORM_VOTING),
    "vote.retract": Action(lambda s: {"target": _note(s)}, before=prepare_dot, **BRAINSTORM_VOTING),
    "react.cast": Action(lambda s: {"note_id": s.a.note, "value": -1}, **RETRO_REACT),
    "opinions.reveal": Action(lambda s: {"revealed": True}, **RETRO_REACT),
    "rate.cast": Action(
        lambda s: {"item": f"proposal:{s.a.proposal}", "criterion": "frugal", "value": 4},
        **RESET_QUALITIES,
    ),
    "ratings.reveal": Action(lambda s: {"revealed": True}, **RESET_QUALITIES),
    "poll.answer": Action(lambda s: {"poll_id": s.a.poll, "choices": [1]}, before=prepare_poll),
    "poll.create": Action(lambda s: {"question": "Quel lieu ?", "options": ["Ici", "Là"]}),
    "poll.open": Action(lambda s: {"poll_id": s.a.poll}, before=prepare_poll),
    "poll.close": Action(lambda s: {"poll_id": s.a.poll}, before=prepare_poll),
    "poll.hide": Action(lambda s: {"poll_id": s.a.poll}, before=prepare_poll),
    "poll.reveal": Action(lambda s: {"poll_id": s.a.poll, "revealed": True}, before=prepare_poll),
    "poll.counts": Action(lambda s: {"poll_id": s.a.poll}, before=prepare_poll, command=False),
    "pledge.add": Action(lambda s: {"group_id": s.a.group}, **RESET_PLEDGES),
    "pledge.withdraw": Action(
        lambda s: {"group_id": s.a.group}, before=prepare_pledge, **RESET_PLEDGES
    ),
    "card.add": Action(
        lambda s: {
            "kind": "strategy",
            "slot": "SO",
            "text": "Monter un consortium",
            "links": [_note(s)],
        },
        **SWOT_STRATEGIES,
    ),
    "card.edit": Action(lambda s: {"id": s.a.card, "text": "Réécrite"}, **SWOT_STRATEGIES),
    "card.delete": Action(lambda s: {"id": s.a.card}, **SWOT_STRATEGIES),
    "proposal.promote": Action(lambda s: {"target": f"group:{s.a.group}"}),
    "proposal.pledge": Action(
        lambda s: {"proposal_id": s.a.proposal, "name": "Léa"},
        phase="proposals",
    ),
}

# --- A module-wide app, for suites of hundreds of small cases --------------------------------


class FreshClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``.

    The suite keeps an app context pushed, and Flask reuses it for each request, so ``g``
    would carry over from one request to the next — with Flask-Login's user and
    Flask-WTF's CSRF token cached on it, a request would see the previous visitor."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            vars(g).clear()
        return super().open(*args, **kwargs)


class VisitorClient(FreshClient):
    """A fresh client with a network address of its own: the hundreds of visitors of a
    module would otherwise trip the HTTP rate limits (tested in their own module)."""

    numbers = itertools.count(1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        n = next(self.numbers)
        self.environ_base["REMOTE_ADDR"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


@pytest.fixture(scope="module")
def module_app(database_url: str, channel: str, instance_path: Path) -> Iterator[Flask]:
    """One app for a whole module, each of its test clients a visitor of its own; every
    table is emptied when the module is done."""
    import os

    os.environ["FABRIQUE_INSTANCE"] = str(instance_path)
    app = create_app(test_config(database_url, channel))
    app.test_client_class = VisitorClient
    with app.app_context():
        yield app
        db.session.rollback()
        empty_tables()
        db.engine.dispose()


@dataclass
class Staff:
    owner: User
    rival: User
    coordinator: User
    admin: User


@pytest.fixture(scope="module")
def staff(module_app: Flask) -> Staff:
    return Staff(
        owner=new_user(Role.FACILITATOR),
        rival=new_user(Role.FACILITATOR),
        coordinator=new_user(Role.COORDINATOR),
        admin=new_user(Role.ADMIN),
    )
