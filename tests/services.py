"""The real services the suite talks to, over loopback. Missing ones fail loudly."""

from __future__ import annotations

import os

import psycopg
import redis

from facilitation import create_app

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class ServiceMissing(RuntimeError):
    """A service the suite needs is not running: start it (make services)."""


def postgres_url(name: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}"


def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise ServiceMissing(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}") from error


def create_postgres_database(name: str, durable: bool = True) -> str:
    """durable=False: commits do not wait for the disk — for databases that need not
    survive a crash of the server (the suite's; never a benchmark's, nor the fault
    injection's, which keep PostgreSQL's default)."""
    with _admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        if not durable:
            connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return postgres_url(name)


def drop_postgres_database(name: str) -> None:
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.ConnectionError as error:
        raise ServiceMissing(f"Redis is not reachable at {REDIS_URL}") from error
    return REDIS_URL


def migrate(database_url: str) -> None:
    """Bring a database to the latest schema with the project's own migrations."""
    from flask_migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "x" * 40,
            "SOCKETIO_ASYNC_MODE": "threading",
            "REDIS_URL": None,
        }
    )
    with app.app_context():
        upgrade()
        from facilitation.extensions import db

        db.engine.dispose()
