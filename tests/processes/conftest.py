"""Real app processes sharing PostgreSQL and Redis, as in a scaled-out deployment."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..conftest import PASSWORD, empty_tables
from ..servers import ServerProcess
from ..services import create_postgres_database, drop_postgres_database, migrate, redis_url


@pytest.fixture(scope="session")
def shared_postgres() -> Iterator[str]:
    name = f"fabrique_procs_{uuid.uuid4().hex[:10]}"
    url = create_postgres_database(name, durable=False)
    migrate(url)
    yield url
    drop_postgres_database(name)


@pytest.fixture
def shared_app(shared_postgres: str, channel: str) -> Iterator[Flask]:
    """This test's own view of the shared database (emptied afterwards)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": shared_postgres,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "processes-secret-key-long-enough-to-pass",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SOCKETIO_CHANNEL": channel,
            "REDIS_URL": None,
            "REALTIME_BACKGROUND": False,
        }
    )
    with app.app_context():
        yield app
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def start_server(
    shared_postgres: str, channel: str, tmp_path: Path
) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(name: str = "app", app: str = "wsgi:app", **env: str) -> ServerProcess:
        server = ServerProcess(
            {
                "DATABASE_URL": shared_postgres.replace("+psycopg", ""),
                "REDIS_URL": redis_url(),
                "SECRET_KEY": "processes-secret-key-long-enough-to-pass",
                "SOCKETIO_CHANNEL": channel,
                "HEARTBEAT_SECONDS": "1",
                # Tests send commands faster than people do; the limits have tests of their
                # own (tests/realtime/test_limits.py).
                "SOCKET_COMMAND_LIMITS": "1000/second",
                **env,
            },
            tmp_path,
            name,
            app,
        )
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live_workshop(shared_app: Flask) -> dict[str, Any]:
    """A running brainstorm in the shared database, with what clients need to join it."""
    owner = accounts.create_user(f"{uuid.uuid4().hex[:8]}@example.org", "Dominique", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
    db.session.commit()
    return {"code": workshop.code, "key": workshop.board_key, "id": workshop.id}
