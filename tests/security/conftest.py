"""Helpers of the security suite: database fingerprints (what a refusal must leave as it
was), cheap staff accounts, raw sockets and scenes — two workshops side by side, with one
participant and one facilitator each, and the notes, groups, cards and proposal that
commands and routes can name."""

from __future__ import annotations

import itertools
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
from facilitation.database import utcnow
from facilitation.extensions import db, socketio
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.participants import services as participants
from facilitation.participants.models import Participant
from facilitation.pledges import services as pledges
from facilitation.realtime.models import Stream
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
        workshop.results_revealed,
        workshop.spotlight,
        workshop.settings,
    )
    result = {**row._mapping, "state": state}
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
    return workshops.format_of(workshop).areas[0].key


def build_side(owner: User, format_key: str, phase_key: str) -> Side:
    workshop = workshops.create_workshop(owner, format_key, "Atelier", "Comment ?", "fr")
    keys = [phase.key for phase in workshops.format_of(workshop).phases]
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


def prepare(scene: Scene, step: Callable[[Side, User], None] | None) -> None:
    if step is None:
        return
    step(scene.a, scene.owner)
    step(scene.b, scene.rival)
    db.session.commit()


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


@pytest.fixture(scope="module")
def module_app(database_url: str, channel: str, instance_path: Path) -> Iterator[Flask]:
    """One app for a whole module (HTTP rate limits off: the limits module tests them);
    every table is emptied when the module is done."""
    import os

    os.environ["FABRIQUE_INSTANCE"] = str(instance_path)
    app = create_app(test_config(database_url, channel, RATELIMIT_ENABLED=False))
    app.test_client_class = FreshClient
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
