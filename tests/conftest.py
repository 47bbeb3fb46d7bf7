"""Fixtures: a real database (SQLite file, or PostgreSQL with --database=postgresql), real
Redis when a test asks for it, factories for accounts, workshops, phones and boards."""

from __future__ import annotations

import functools
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.accounts.models import Role, User
from facilitation.extensions import db, socketio
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from .clients import close_opened
from .services import (
    create_postgres_database,
    drop_postgres_database,
    migrate,
    redis_url,
)
from .smtp import SMTPServer
from .sockets import Screen

# Every app and server the tests start computes no note vectors unless a test asks for
# them (tests/assist, the grouping assistance's browser test): the model takes seconds
# to load. Set before any app reads its environment.
os.environ.setdefault("NOTE_VECTORS", "0")

PASSWORD = "correct horse battery staple"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="run the suite against a SQLite file (default) or the local PostgreSQL server",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the tests that reach the run's database: the others (formats,
    maths, text, the JS and files checks) ran on the SQLite run and would only repeat
    themselves. On SQLite, not those about PostgreSQL alone (marked ``postgresql``: they
    run on the PostgreSQL run). pytest counts them as deselected in its summary."""
    if config.getoption("--database") != "postgresql":
        elsewhere = [item for item in items if item.get_closest_marker("postgresql")]
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
        return
    dialect_free = [item for item in items if "database_url" not in _fixtures(item)]
    if dialect_free:
        config.hook.pytest_deselected(items=dialect_free)
        items[:] = [item for item in items if "database_url" in _fixtures(item)]


def _fixtures(item: pytest.Item) -> tuple[str, ...]:
    return tuple(getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def clients_closed() -> Iterator[None]:
    """The real clients a test opened (tests/clients.py) are closed as it ends."""
    yield
    close_opened()


@pytest.fixture(scope="session", autouse=True)
def one_password_hash_per_password() -> Iterator[None]:
    """Most tests make a staff account, and scrypt takes 0.16 s of processor time per hash:
    the hash of each password is made once per run and reused by every account given it.
    It is a real scrypt hash, checked for real at every sign-in."""
    from facilitation.accounts import models

    made = functools.lru_cache(maxsize=32)(models.generate_password_hash)
    patch = pytest.MonkeyPatch()
    patch.setattr(models, "generate_password_hash", made)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A fresh, migrated database for the whole run."""
    if request.config.getoption("--database") == "postgresql":
        name = f"fabrique_test_{uuid.uuid4().hex[:10]}"
        url = create_postgres_database(name, durable=False)
        migrate(url)
        yield url
        drop_postgres_database(name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def channel() -> str:
    """A Socket.IO channel of this run's own: parallel runs never hear each other."""
    return f"fabrique-test-{uuid.uuid4().hex[:8]}"


def test_config(database_url: str, channel: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-to-pass",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SOCKETIO_ASYNC_MODE": "threading",
        "SOCKETIO_CHANNEL": channel,
        "REALTIME_BACKGROUND": False,
        "NOTE_VECTORS": False,  # tests/assist turn it on: the model takes seconds to load
        "COALESCE_MS": 0,
        "SOCKET_COMMAND_LIMITS": "1000/second",  # tests send fast; limits have their own tests
        "SOCKET_QUERY_LIMITS": "1000/second",
        "SOCKET_PAGE_LIMITS": "1000/second",
        "CODE_GUESS_LIMITS": "1000/second",
        "NEW_PARTICIPANTS_PER_ADDRESS": "1000/second",
        "NEW_PARTICIPANTS_PER_BROWSER": "1000/second",
        "REDIS_URL": None,
        **overrides,
    }


@pytest.fixture
def make_app(
    database_url: str, channel: str, instance_path: Path
) -> Iterator[Callable[..., Flask]]:
    """Build an app on the run's database; every table is emptied after the test."""
    os.environ["FABRIQUE_INSTANCE"] = str(instance_path)
    built: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app(test_config(database_url, channel, **overrides))
        built.append(app)
        return app

    yield make
    if built:
        with built[0].app_context():
            empty_tables()
    for app in built:
        with app.app_context():
            db.engine.dispose()


# Rows deleted and sequences restarted in one round trip, foreign keys unchecked meanwhile
# (the suite connects as a superuser): a test's few rows go in 20 ms, where TRUNCATE of
# every table takes 350 ms (it makes new files for each) — a minute of the PostgreSQL run.
EMPTY_POSTGRESQL = """DO $$ DECLARE r record; BEGIN
  PERFORM set_config('session_replication_role', 'replica', true);
  FOR r IN SELECT tablename FROM pg_tables
           WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DELETE FROM %I', r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', r.sequencename);
  END LOOP;
END $$"""


def empty_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(EMPTY_POSTGRESQL))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (table names are ours)
    db.session.commit()
    db.session.remove()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    """A mail server of the test's own, on loopback, keeping what it receives."""
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp: SMTPServer) -> Iterator[Flask]:
    """The app with SMTP configured to the test's mail server; each client a fresh one."""
    from .security.conftest import FreshClient

    app = make_app(**smtp.settings)
    app.test_client_class = FreshClient
    with app.app_context():
        yield app


@pytest.fixture
def redis_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app with the real Redis as message queue and presence store."""
    app = make_app(REDIS_URL=redis_url())
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser preferring English (pages otherwise default to French)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The token a page's form carries (forms are CSRF-protected)."""
    match = CSRF.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def post_form(client: FlaskClient) -> Callable[..., Any]:
    """Submit a form as a browser would: read its page for the token, then post."""

    def post(url: str, data: dict[str, str], page: str | None = None, **kwargs: Any) -> Any:
        token = csrf_token(client, page or url)
        return client.post(url, data={"csrf_token": token, **data}, **kwargs)

    return post


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def create(role: str = Role.FACILITATOR, email: str | None = None) -> User:
        user = accounts.create_user(
            email or f"{role}{next(counter)}@example.org", "Camille", PASSWORD, role
        )
        db.session.commit()
        return user

    return create


@pytest.fixture
def facilitator(create_user: Callable[..., User]) -> User:
    return create_user(Role.FACILITATOR)


@pytest.fixture
def create_workshop(facilitator: User) -> Callable[..., Workshop]:
    def create(
        format_key: str = "brainstorm", owner: User | None = None, **fields: Any
    ) -> Workshop:
        workshop = workshops.create_workshop(
            owner or facilitator,
            format_key,
            fields.pop("title", "Atelier"),
            fields.pop("question", "Comment ?"),
            "fr",
        )
        for name, value in fields.items():
            setattr(workshop, name, value)
        db.session.commit()
        return workshop

    return create


@pytest.fixture
def workshop(create_workshop: Callable[..., Workshop]) -> Workshop:
    return create_workshop()


@pytest.fixture
def screens(app: Flask) -> Iterator[Callable[..., Screen]]:
    """Open a phone, board or control screen on a workshop, over the Socket.IO test client."""
    opened: list[Screen] = []

    def open_screen(workshop: Workshop, role: str = "phone", **kwargs: Any) -> Screen:
        screen = Screen.open(app, socketio, workshop, role, **kwargs)
        opened.append(screen)
        return screen

    yield open_screen
    for screen in opened:
        screen.close()


@pytest.fixture
def control(workshop: Workshop, screens: Callable[..., Screen], facilitator: User) -> Screen:
    """The facilitator's control page on the default workshop."""
    return screens(workshop, "control", user=facilitator)


@pytest.fixture
def go_to(control: Screen) -> Callable[[str], dict[str, Any]]:
    """Move the default workshop to the phase with this key."""

    def go(phase_key: str) -> dict[str, Any]:
        keys = [phase["key"] for phase in control.join_ack["snapshot"]["format"]["phases"]]
        ack = control.send("phase.move", index=keys.index(phase_key))
        assert ack["ok"], ack
        return ack

    return go
