"""Configuration, read from the environment (see docs/deploy.md)."""

from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_SQLITE_NAME = "fabrique.sqlite3"
SECRET_FILE_NAME = "secret_key"  # noqa: S105 (a file name, not a secret)


# The entrance's limits per client address (facilitation/entry.py); docs/deploy.md.
CODE_GUESS_LIMITS = "20/minute;100/hour"
NEW_PARTICIPANTS_PER_ADDRESS = "500/minute;3000/hour"
NEW_PARTICIPANTS_PER_BROWSER = "10/hour"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable deployment."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _days(value: str | None, default: int) -> int:
    if value is None or not value.strip():
        return default
    try:
        days = int(value)
    except ValueError:
        raise ConfigError(
            f"RETENTION_DAYS must be a whole number of days, not {value!r}."
        ) from None
    if days < 0:
        raise ConfigError("RETENTION_DAYS cannot be negative (0 keeps workshops).")
    return days


def _optional_float(value: str | None) -> float | None:
    return float(value) if value is not None and value.strip() else None


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / DEFAULT_SQLITE_NAME}"
    # Heroku-style URLs, and psycopg 3 rather than the psycopg2 default driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long.")
        return key
    if production:
        raise ConfigError("SECRET_KEY is required in production (FABRIQUE_ENV=production).")
    return _instance_secret(instance_path)


def _instance_secret(instance_path: Path) -> str:
    """A key generated once for the embedded default and kept in the instance folder."""
    path = instance_path / SECRET_FILE_NAME
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process starting at the same moment made it first
        return _written_key(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _written_key(path: Path) -> str:
    """The key another process has just created, once it has written it."""
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.1)
    raise ConfigError(f"{path} is empty: delete it to have a new key generated.")


def engine_options(url: str) -> dict[str, Any]:
    # Database errors must not carry what people typed into the logs.
    if url.startswith("sqlite"):
        # The WAL journal and busy timeout are set per connection (see extensions.py).
        return {"connect_args": {"timeout": 15}, "hide_parameters": True}
    return {
        "hide_parameters": True,
        "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
        "max_overflow": int(os.environ.get("DATABASE_MAX_OVERFLOW", "20")),
        # No ping before each checkout (a round trip per command): a socket command that
        # finds its connection dead with the database runs once more (realtime/commands.py).
        "pool_pre_ping": False,
        "pool_timeout": 10,  # fail fast and let the outbox retry, rather than hang 30 s
        "pool_recycle": 1800,
    }


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Every setting Fabrique reads, with its default."""
    production = os.environ.get("FABRIQUE_ENV", "development") == "production"
    database_url = _database_url(instance_path)
    redis_url = os.environ.get("REDIS_URL", "").strip() or None
    channel = os.environ.get("SOCKETIO_CHANNEL", "fabrique")
    return {
        "FABRIQUE_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "REDIS_URL": redis_url,
        "REDIS_MAX_CONNECTIONS": int(os.environ.get("REDIS_MAX_CONNECTIONS", "64")),
        "SOCKETIO_CHANNEL": channel,
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE", "gevent"),
        "REALTIME_BACKGROUND": _bool(os.environ.get("REALTIME_BACKGROUND"), True),
        # Each note's sentence vector computed once posted or edited, and duplicates
        # flagged to the staff (facilitation/assist); off, vectors wait for a suggestion
        # and nothing is flagged. A few milliseconds of the serving process per note
        # (docs/performance.md, "Similarity"); the tests and benchmarks turn it off.
        "NOTE_VECTORS": _bool(os.environ.get("NOTE_VECTORS"), True),
        "HEARTBEAT_SECONDS": float(os.environ.get("HEARTBEAT_SECONDS", "3")),
        "COALESCE_MS": int(os.environ.get("COALESCE_MS", "25")),
        # A command is refused at once (rate_limited: the screen sends it again a moment
        # later) when it would wait longer than this in its process: behind its
        # workshop's queue, or the process's own lateness when its CPU is full
        # (realtime/busy.py). The accepted ones stay well within the screens' 10 s wait
        # for an ack instead of all passing it. 0: none is refused.
        "COMMAND_QUEUE_MS": float(os.environ.get("COMMAND_QUEUE_MS", "2500")),
        # Where a workshop's notes and dots come closer together than this, the first of
        # them to find its turn free waits this long for the next ones and carries them
        # out in one transaction (realtime/busy.py, Turn._pause): a few milliseconds more
        # before an ack, a quarter less CPU a note at 300 a second. 0: never waits.
        # Unset: 10.
        "COMMAND_GATHER_MS": _optional_float(os.environ.get("COMMAND_GATHER_MS")),
        "SOCKET_COMMAND_LIMITS": os.environ.get("SOCKET_COMMAND_LIMITS", "20/second;600/minute"),
        "SOCKET_QUERY_LIMITS": os.environ.get("SOCKET_QUERY_LIMITS", "10/second;120/minute"),
        # A 10,000-note snapshot is about 25 pages: a screen may fetch several a minute.
        "SOCKET_PAGE_LIMITS": os.environ.get("SOCKET_PAGE_LIMITS", "60/second;1800/minute"),
        # Sockets that have not joined a workshop: cut after this long, and so many at
        # most per client address (joined ones do not count: a room shares one address).
        "SOCKET_JOIN_SECONDS": float(os.environ.get("SOCKET_JOIN_SECONDS", "10")),
        "SOCKET_UNJOINED_PER_ADDRESS": int(os.environ.get("SOCKET_UNJOINED_PER_ADDRESS", "200")),
        # Sockets one participant may join from (in each process): tabs, network changes.
        "SOCKETS_PER_PARTICIPANT": int(os.environ.get("SOCKETS_PER_PARTICIPANT", "5")),
        # The entrance (facilitation/entry.py), per client address: failed lookups of
        # join codes and board links (pages and live channel together), and participants
        # created per address (a room shares one: sized for a plenary) and per browser.
        "CODE_GUESS_LIMITS": os.environ.get("CODE_GUESS_LIMITS", CODE_GUESS_LIMITS),
        "NEW_PARTICIPANTS_PER_ADDRESS": os.environ.get(
            "NEW_PARTICIPANTS_PER_ADDRESS", NEW_PARTICIPANTS_PER_ADDRESS
        ),
        "NEW_PARTICIPANTS_PER_BROWSER": os.environ.get(
            "NEW_PARTICIPANTS_PER_BROWSER", NEW_PARTICIPANTS_PER_BROWSER
        ),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Instances (and parallel test runs) sharing one Redis keep their counts apart.
        "RATELIMIT_KEY_PREFIX": channel,
        # Redis away: count in memory rather than refuse every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "FORCE_HTTPS": _bool(os.environ.get("FORCE_HTTPS"), False),
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # How long a sign-in lasts, in its session and remember-me cookies alike; the
        # server refuses older ones whatever a browser keeps (accounts/services.py).
        "REMEMBER_COOKIE_DURATION": timedelta(days=float(os.environ.get("SIGN_IN_DAYS", "14"))),
        # "Remember me" keeps a staff member signed in: as protected as the session.
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "").rstrip("/") or None,
        "FORMATS_DIR": os.environ.get("FORMATS_DIR") or None,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Paris"),
        # The AGPL's source offer in every page's footer; by default the running code itself.
        "SOURCE_URL": os.environ.get("SOURCE_URL", "").strip() or None,
        "SYNTHESIS_LICENCE": os.environ.get("SYNTHESIS_LICENCE", "CC-BY-SA-4.0"),
        # Days a workshop's participants' data is kept once it ended (or, never ended,
        # after its last change): `fabrique purge` deletes older ones; 0 keeps them.
        "RETENTION_DAYS": _days(os.environ.get("RETENTION_DAYS"), 365),
        # Exports are made in child processes (syntheses/jobs.py): so many at once per
        # serving process, so many more waiting, and each child's caps.
        "EXPORT_WORKERS": int(os.environ.get("EXPORT_WORKERS", "1")),
        "EXPORT_QUEUE": int(os.environ.get("EXPORT_QUEUE", "8")),
        "EXPORT_TIMEOUT_SECONDS": float(os.environ.get("EXPORT_TIMEOUT_SECONDS", "600")),
        "EXPORT_CPU_SECONDS": int(os.environ.get("EXPORT_CPU_SECONDS", "300")),
        "EXPORT_MEMORY_MB": int(os.environ.get("EXPORT_MEMORY_MB", "2048")),
        "EXPORT_MAX_MB": float(os.environ.get("EXPORT_MAX_MB", "100")),
        # Finished exports, named by the workshop's state, kept for a second download.
        "EXPORT_CACHE_DIR": os.environ.get("EXPORT_CACHE_DIR") or str(instance_path / "exports"),
        "EXPORT_CACHE_MB": float(os.environ.get("EXPORT_CACHE_MB", "500")),
        # E-mail (password resets, syntheses): unset SMTP_HOST, none is sent, and staff
        # ask an admin for a new password (`fabrique reset-password`).
        "SMTP_HOST": os.environ.get("SMTP_HOST", "").strip() or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USER": os.environ.get("SMTP_USER", "").strip() or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_FROM": os.environ.get("SMTP_FROM", "").strip() or "fabrique@localhost",
        "SMTP_STARTTLS": _bool(os.environ.get("SMTP_STARTTLS"), True),
        "SMTP_SSL": _bool(os.environ.get("SMTP_SSL"), False),
        # /metrics (Prometheus) for whoever sends it as a bearer token; unset: no such page.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", "").strip() or None,
        # The largest archive an import accepts (other requests: MAX_CONTENT_LENGTH).
        "IMPORT_MAX_MB": float(os.environ.get("IMPORT_MAX_MB", "50")),
        "LANGUAGES": ("fr", "en"),
    }
