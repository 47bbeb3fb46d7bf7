"""The servers a benchmark run starts itself, and the workshop it measures.

``embedded``: one gunicorn process on a fresh SQLite file (or PostgreSQL database with
``--database postgresql``), no Redis. ``scaled``: ``--processes`` processes (2) sharing
Redis (a channel of their own) and a fresh PostgreSQL database, dropped afterwards.
``bare``: one gunicorn process serving ``benchmarks/bare`` (the wire without Fabrique).
``scrumblr``: scrumblr from the directory given, on Redis with a key prefix of its own.
``options["settings"]``: more environment for Fabrique's servers; ``options["cwd"]``: the
checkout of Fabrique they run from (this one by default).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.servers import GUNICORN, ROOT, ServerProcess
from tests.services import create_postgres_database, drop_postgres_database, migrate, redis_url

from .cpu import Pinning, tree_cpu_seconds

PROBLEMS = ("Traceback", "[ERROR]", " ERROR ", "CRITICAL")


@dataclass
class Target:
    """Where clients go: phones round-robin over ``urls``, the board on the last one."""

    urls: list[str]
    code: str
    board_key: str
    email: str | None = None  # the facilitator's sign-in, for the control screen
    password: str | None = None
    servers: list[ServerProcess] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)  # servers we did not start (--server-pid)
    workdir: Path | None = None
    database_url: str = ""
    metrics_token: str = ""  # the servers' /metrics, for Fabrique's servers we started

    def commands_together(self) -> tuple[float, float] | None:
        """Participants' commands carried out, and transactions that carried them out,
        so far, over every server (their ``fabrique_commands_together`` histogram)."""
        if not self.metrics_token:
            return None
        commands = transactions = 0.0
        for url in self.urls:
            bearer = {"Authorization": f"Bearer {self.metrics_token}"}
            request = urllib.request.Request(f"{url}/metrics", headers=bearer)  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                for line in answer.read().decode().splitlines():
                    name, _, value = line.partition(" ")
                    if name == "fabrique_commands_together_sum":
                        commands += float(value)
                    elif name == "fabrique_commands_together_count":
                        transactions += float(value)
        return commands, transactions

    def server_cpu_seconds(self) -> float | None:
        """CPU time used so far by the servers (masters and workers)."""
        pids = self.pids + [server.process.pid for server in self.servers if server.process]
        return tree_cpu_seconds(pids) if pids else None

    def log_problems(self) -> list[str]:
        """Error lines the servers logged (tracebacks, ERROR records)."""
        lines: list[str] = []
        for server in self.servers:
            if server.log_path.exists():
                text = server.log_path.read_text(errors="replace")
                lines += [f"{server.log_path.name}: {line}" for line in text.splitlines()]
        return [line for line in lines if any(mark in line for mark in PROBLEMS)]


class BenchServer(ServerProcess):
    """A server process running ``command`` (gunicorn on Fabrique by default), on ``cores``."""

    def __init__(
        self,
        env: dict[str, str],
        log_dir: Path,
        name: str,
        command: list[object] | None = None,
        cores: set[int] | None = None,
        cwd: Path | None = None,
    ) -> None:
        super().__init__(env, log_dir, name)
        default = [GUNICORN, "--config", "gunicorn.conf.py", "wsgi:app"]
        self.command = [str(part) for part in command or default]
        self.cores, self.cwd = cores, cwd or ROOT

    def launch(self) -> BenchServer:
        self._log = self.log_path.open("ab")
        cores = self.cores

        def pin() -> None:
            if cores:
                os.sched_setaffinity(0, cores)

        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=self._log,
            stderr=subprocess.STDOUT, preexec_fn=pin,
        )  # fmt: skip
        return self


def create_workshop(database_url: str, format_key: str) -> tuple[str, str, str, str]:
    """A facilitator and a running workshop, made through the services:
    (code, board key, the facilitator's email and password)."""
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
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.org", secrets.token_urlsafe(16)
    with app.app_context():
        owner = accounts.create_user(email, "Bench", password)
        workshop = workshops.create_workshop(owner, format_key, "Benchmark", "Ideas?", "en")
        db.session.commit()
        code, key = workshop.code, workshop.board_key
        db.engine.dispose()
    return code, key, email, password


def _forget_keys(pattern: str) -> None:
    client = redis.Redis.from_url(redis_url())
    keys = list(client.scan_iter(pattern))
    if keys:
        client.delete(*keys)


def _postgres(cleanup: ExitStack) -> str:
    name = f"fabrique_bench_{uuid.uuid4().hex[:10]}"
    url = create_postgres_database(name)
    cleanup.callback(drop_postgres_database, name)
    return url


def _fabrique(target: Target, cleanup: ExitStack, options: dict[str, object]) -> list[dict]:
    """Fabrique's database (and Redis channel), migrated, with the workshop to measure."""
    workdir = target.workdir
    assert workdir is not None
    env: dict[str, str] = {"REDIS_URL": "", "SECRET_KEY": secrets.token_urlsafe(32)}
    env["METRICS_TOKEN"] = target.metrics_token = secrets.token_urlsafe(16)
    # NOTE_VECTORS=1 in the benchmark's environment: each note's vector computed after
    # its ack, duplicates flagged (off by default, as deployed).
    env["NOTE_VECTORS"] = os.environ.get("NOTE_VECTORS", "0")
    # Every simulated phone comes from this machine's one address: the per-address caps
    # (new participants, sockets not yet joined) would measure the load generator, not
    # the server (a venue behind one address raises them the same way: docs/deploy.md).
    env["NEW_PARTICIPANTS_PER_ADDRESS"] = "100000/minute"
    env["SOCKET_UNJOINED_PER_ADDRESS"] = "100000"
    mode, processes = options["mode"], int(options.get("processes") or 2)  # type: ignore[call-overload]
    if mode == "scaled" or options.get("database") == "postgresql":
        url = _postgres(cleanup)
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env["DATABASE_URL"] = url.replace("+psycopg", "")
    if mode == "scaled":
        channel = f"bench-{uuid.uuid4().hex[:10]}"
        cleanup.callback(_forget_keys, f"fabrique:{channel}:*")
        env |= {"REDIS_URL": redis_url(), "SOCKETIO_CHANNEL": channel}
    migrate(url)
    target.database_url = url
    target.code, target.board_key, target.email, target.password = create_workshop(
        url, str(options["format"])
    )
    env |= dict(options.get("settings") or {})  # type: ignore[call-overload]
    names = "abcdefgh"[:processes] if mode == "scaled" else "a"
    return [{"env": env, "name": name, "cwd": options.get("cwd")} for name in names]


def _bare(target: Target, options: dict[str, object]) -> list[dict]:
    target.code, target.board_key = secrets.token_hex(4).upper(), secrets.token_urlsafe(16)
    target.email, target.password = "bench@example.org", "bare"
    env = {"BARE_FORMAT": str(options["format"]), "BARE_CODE": target.code,
           "BARE_BOARD_KEY": target.board_key}  # fmt: skip
    command = [GUNICORN, "--config", "gunicorn.conf.py", "benchmarks.bare.app:app"]
    return [{"env": env, "name": "bare", "command": command}]


def _scrumblr(target: Target, cleanup: ExitStack, options: dict[str, object]) -> list[dict]:
    """scrumblr's own server.js, bound to 127.0.0.1 (a preloaded module sees to it)."""
    path = Path(str(options["scrumblr"])).resolve()
    if not (path / "server.js").exists() or not (path / "node_modules").exists():
        raise SystemExit(f"{path}: no scrumblr with its node_modules (see docs/performance.md)")
    prefix = f"#bench-{uuid.uuid4().hex[:8]}#"
    cleanup.callback(_forget_keys, f"{prefix}*")
    target.code, target.board_key = "room", ""
    preload = Path(__file__).with_name("loadgen") / "localhost.cjs"
    return [{"env": {}, "name": "scrumblr", "cwd": path, "port_args": True,
             "command": ["node", "-r", preload, "server.js", f"--redis:url={redis_url()}",
                         f"--redis:prefix={prefix}"]}]  # fmt: skip


def _remove_unless_problems(workdir: Path, target: Target) -> None:
    problems = target.log_problems()
    if problems:
        for path in workdir.glob("*.sqlite3*"):
            path.unlink()
        print(f"server logs kept in {workdir} ({len(problems)} error lines)")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def started(options: dict[str, object], pins: Pinning) -> Iterator[Target]:
    """Start the servers of ``options["mode"]`` with a fresh database and a workshop of
    ``options["format"]`` in its first phase; stop and drop everything after."""
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-"))
        target = Target([], "", "", workdir=workdir)
        cleanup.callback(_remove_unless_problems, workdir, target)
        mode = options["mode"]
        if mode == "bare":
            specs = _bare(target, options)
        elif mode == "scrumblr":
            specs = _scrumblr(target, cleanup, options)
        else:
            specs = _fabrique(target, cleanup, options)
        for index, spec in enumerate(specs):
            server = BenchServer(spec["env"], workdir, spec["name"], cores=pins.server(index),
                                 command=spec.get("command"), cwd=spec.get("cwd"))  # fmt: skip
            if spec.get("port_args"):
                server.command.append(f"--server:port={server.port}")
            target.servers.append(server)
            cleanup.callback(server.stop)
            server.launch()
            target.urls.append(server.url)
        for started_server in target.servers:
            started_server.wait_ready(60)
        yield target
