"""A scaled-out deployment to break: two app processes, the suite's own Redis, PostgreSQL
behind a proxy that can be cut, phones and boards that behave like the browser's."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..clients import join_as_participant
from ..conftest import PASSWORD, empty_tables
from ..servers import ServerProcess
from ..services import create_postgres_database, drop_postgres_database, migrate
from .actors import Board, Ledger, Phone
from .infra import RedisServer, TcpProxy
from .scenario import Cluster

SECRET = "chaos-secret-key-long-enough-to-be-accepted"


@pytest.fixture(scope="session")
def chaos_database() -> Iterator[str]:
    name = f"fabrique_chaos_{uuid.uuid4().hex[:10]}"
    url = create_postgres_database(name)
    migrate(url)
    yield url
    drop_postgres_database(name)


@pytest.fixture
def database_app(chaos_database: str) -> Iterator[Flask]:
    """The test's own direct view of the database: the truth the clients are checked against."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": chaos_database,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": SECRET,
            "SOCKETIO_ASYNC_MODE": "threading",
            "REDIS_URL": None,
            "REALTIME_BACKGROUND": False,
        }
    )
    with app.app_context():
        yield app
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def cluster(database_app: Flask, chaos_database: str, tmp_path: Path) -> Iterator[Cluster]:
    redis_server = RedisServer(tmp_path).start()
    proxy = TcpProxy()
    database_url = chaos_database.replace("+psycopg", "").replace(
        "127.0.0.1:5432", f"127.0.0.1:{proxy.port}"
    )
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "SECRET_KEY": SECRET,
        "SOCKETIO_CHANNEL": f"chaos-{uuid.uuid4().hex[:8]}",
        "HEARTBEAT_SECONDS": "1",
        "SOCKET_COMMAND_LIMITS": "200/second",
        "SOCKET_QUERY_LIMITS": "200/second",
        "DATABASE_POOL_SIZE": "5",
        "DATABASE_MAX_OVERFLOW": "5",
    }
    servers = [ServerProcess(env, tmp_path, f"app{n}").launch() for n in range(2)]
    for server in servers:
        server.wait_ready(30)
    owner = accounts.create_user(f"{uuid.uuid4().hex[:8]}@example.org", "Chaos", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "", "fr")
    db.session.commit()
    cluster = Cluster(
        servers, redis_server, proxy, workshop.id, workshop.code, workshop.board_key, tmp_path
    )
    yield cluster
    cluster.stop_actors()
    for server in servers:
        server.stop()
    proxy.close()
    redis_server.stop()
    # Whatever the clients left to the collector is collected here, within the test (its
    # marks ignore those warnings), not after the last test, where they fail the session.
    cluster.actors.clear()
    gc.collect()


def make_phones(cluster: Cluster, count: int, ledger: Ledger) -> list[Phone]:
    """Phones joined through the HTTP page, spread across the two processes."""
    phones = []
    for index in range(count):
        urls = [server.url for server in cluster.servers]
        urls = urls[index % 2 :] + urls[: index % 2]
        with join_as_participant(urls[0], cluster.code) as http:  # its connection closed
            cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
        phones.append(Phone(urls, cluster.code, cookie, ledger))
    return phones


def make_boards(cluster: Cluster, count: int) -> list[Board]:
    urls = [server.url for server in cluster.servers]
    return [
        Board(urls[::-1] if index % 2 else urls, cluster.code, cluster.key)
        for index in range(count)
    ]
