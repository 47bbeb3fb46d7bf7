"""A PostgreSQL restart (or failover) kills every pooled connection. Connections are not
pinged before each command; the command that finds its connection dead is carried out
once more on a fresh one, and the phone never sees the failure."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from sqlalchemy import func, select

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.config import engine_options
from facilitation.extensions import db, socketio
from facilitation.notes.models import Note
from facilitation.workshops import services as workshops

from .. import conftest
from ..services import (
    POSTGRES_ADMIN_URL,
    create_postgres_database,
    drop_postgres_database,
    migrate,
)
from ..sockets import Screen


@pytest.fixture
def postgres_app(channel: str, instance_path, monkeypatch) -> Iterator[Flask]:
    """An app on a PostgreSQL database of its own, with the production pool settings."""
    monkeypatch.setenv("FABRIQUE_INSTANCE", str(instance_path))
    name = f"fabrique_restart_{uuid.uuid4().hex[:10]}"
    url = create_postgres_database(name, durable=False)
    try:
        migrate(url)
        app = create_app(
            conftest.test_config(url, channel, SQLALCHEMY_ENGINE_OPTIONS=engine_options(url))
        )
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_postgres_database(name)


def kill_connections(database: str) -> int:
    """What a restart does to the app's connections: the server ends them."""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def notes() -> int:
    return db.session.scalar(select(func.count(Note.id))) or 0


def test_a_note_posted_just_after_a_database_restart_is_stored_once_and_acked(
    postgres_app: Flask,
) -> None:
    owner = accounts.create_user("owner@example.org", "Camille", "a long password 123", "admin")
    workshop = workshops.create_workshop(owner, "brainstorm", "Atelier", "?", "fr")
    db.session.commit()
    phone = Screen.open(postgres_app, socketio, workshop, "phone")
    assert phone.send("note.post", area="ideas", text="Avant la coupure")["ok"]
    database = db.engine.url.database
    db.session.remove()
    assert kill_connections(database) >= 1  # the pool's idle connections, at least

    ack = phone.send("note.post", area="ideas", text="Juste après la coupure")

    assert ack["ok"], ack
    assert ack["duplicate"] is False
    assert notes() == 2
    resent = phone.emit(
        "note.post",
        {"command_id": ack["command_id"], "area": "ideas", "text": "Juste après la coupure"},
    )
    assert resent["duplicate"] is True
    assert notes() == 2


def test_a_resync_just_after_a_database_restart_is_answered(postgres_app: Flask) -> None:
    owner = accounts.create_user("owner@example.org", "Camille", "a long password 123", "admin")
    workshop = workshops.create_workshop(owner, "brainstorm", "Atelier", "?", "fr")
    db.session.commit()
    phone = Screen.open(postgres_app, socketio, workshop, "phone")
    phone.send("note.post", area="ideas", text="Une idée")
    database = db.engine.url.database
    db.session.remove()
    kill_connections(database)

    ack = phone.emit("sync", {"since": 0})

    assert ack["ok"], ack
