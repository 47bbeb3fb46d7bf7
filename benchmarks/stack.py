"""The servers a benchmark run starts itself, and the workshop it measures.

``embedded``: one gunicorn process on a fresh SQLite file, no Redis.
``scaled``: two processes sharing Redis (a channel of their own) and a fresh PostgreSQL
database, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.servers import ServerProcess
from tests.services import create_postgres_database, drop_postgres_database, migrate, redis_url

PROBLEMS = ("Traceback", "[ERROR]", " ERROR ", "CRITICAL")


@dataclass
class Target:
    """Where clients go: phones round-robin over ``urls``, the board on the last one."""

    urls: list[str]
    code: str
    board_key: str
    servers: list[ServerProcess] = field(default_factory=list)
    workdir: Path | None = None

    def server_cpu_seconds(self) -> float | None:
        """CPU time used so far by the servers we started (masters and workers)."""
        if not self.servers:
            return None
        pids = [server.process.pid for server in self.servers if server.process]
        return _tree_cpu_seconds(pids)

    def log_problems(self) -> list[str]:
        """Error lines the servers logged (tracebacks, ERROR records)."""
        lines: list[str] = []
        for server in self.servers:
            if server.log_path.exists():
                text = server.log_path.read_text(errors="replace")
                lines += [f"{server.log_path.name}: {line}" for line in text.splitlines()]
        return [line for line in lines if any(mark in line for mark in PROBLEMS)]


def host_cpu_seconds() -> float:
    """CPU time every process of the machine used since boot (all cores, idle excluded)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _processes() -> Iterator[tuple[int, str, int, float]]:
    """(pid, name, parent pid, CPU seconds) of every process we may read."""
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        name = head.split("(", 1)[1]
        yield int(entry.name), name, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick


def _tree_cpu_seconds(pids: list[int]) -> float:
    return sum(cpu for pid, _, ppid, cpu in _processes() if pid in pids or ppid in pids)


def services_cpu() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL and Redis process (part of the work)."""
    return {pid: cpu for pid, name, _, cpu in _processes() if name in ("postgres", "redis-server")}


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings (processes gone since are not counted)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def create_workshop(database_url: str, format_key: str) -> tuple[str, str]:
    """A facilitator and a running workshop, made through the services; (code, board key)."""
    from facilitation import create_app
    from facilitation.accounts import services as accounts
    from facilitation.extensions import db
    from facilitation.workshops import services as workshops

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SOCKETIO_ASYNC_MODE": "threading",
            "REDIS_URL": None,
            "REALTIME_BACKGROUND": False,
        }
    )
    with app.app_context():
        owner = accounts.create_user(
            f"bench-{uuid.uuid4().hex[:8]}@example.org", "Bench", secrets.token_urlsafe(16)
        )
        workshop = workshops.create_workshop(owner, format_key, "Benchmark", "Ideas?", "en")
        db.session.commit()
        code, key = workshop.code, workshop.board_key
        db.engine.dispose()
    return code, key


def _forget_channel(channel: str) -> None:
    client = redis.Redis.from_url(redis_url())
    keys = list(client.scan_iter(f"fabrique:{channel}:*"))
    if keys:
        client.delete(*keys)


def _scaled_database(cleanup: ExitStack) -> tuple[str, dict[str, str]]:
    name = f"fabrique_bench_{uuid.uuid4().hex[:10]}"
    url = create_postgres_database(name)
    cleanup.callback(drop_postgres_database, name)
    channel = f"bench-{uuid.uuid4().hex[:10]}"
    cleanup.callback(_forget_channel, channel)
    env = {
        "DATABASE_URL": url.replace("+psycopg", ""),
        "REDIS_URL": redis_url(),
        "SOCKETIO_CHANNEL": channel,
    }
    return url, env


def _remove_unless_problems(workdir: Path, target: Target) -> None:
    problems = target.log_problems()
    if problems:
        for path in workdir.glob("*.sqlite3*"):
            path.unlink()
        print(f"server logs kept in {workdir} ({len(problems)} error lines)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def started(mode: str, format_key: str) -> Iterator[Target]:
    """Start the servers of ``mode`` with a fresh database and a workshop of ``format_key``
    in its first phase; stop and drop everything after."""
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-"))
        target = Target([], "", "", workdir=workdir)
        cleanup.callback(_remove_unless_problems, workdir, target)
        if mode == "embedded":
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            env = {"DATABASE_URL": url, "REDIS_URL": ""}
        else:
            url, env = _scaled_database(cleanup)
        migrate(url)
        target.code, target.board_key = create_workshop(url, format_key)
        env["SECRET_KEY"] = secrets.token_urlsafe(32)  # shared by the processes
        names = ["app"] if mode == "embedded" else ["a", "b"]
        for name in names:
            server = ServerProcess(env, workdir, name)
            target.servers.append(server)
            cleanup.callback(server.stop)
            server.start()
            target.urls.append(server.url)
        yield target
