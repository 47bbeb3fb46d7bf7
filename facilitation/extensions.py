"""Extension objects, created unbound and initialised by the app factory."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Set while a socket command runs: its SQLite transaction begins IMMEDIATE (see below).
WRITE_INTENT: ContextVar[bool] = ContextVar("fabrique_write_intent", default=False)
migrate = Migrate()
socketio = SocketIO()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
# HTTP rate limits (the live channel has its own, per participant: realtime/limits.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record):  # type: ignore[no-untyped-def]
    """WAL and a busy timeout: without them concurrent vote writes fail on SQLite."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):  # type: ignore[no-untyped-def]
    """On SQLite, commands take the write lock when their transaction starts.

    A command that reads (a vote budget, say) and then writes after another writer
    committed would otherwise fail at once instead of waiting its turn; with the lock
    taken up front, concurrent commands queue behind the busy timeout and read fresh
    data. Other transactions keep the driver's deferred behaviour, so readers never
    block writers (WAL).
    """
    if connection.dialect.name == "sqlite" and WRITE_INTENT.get():
        connection.exec_driver_sql("BEGIN IMMEDIATE")
