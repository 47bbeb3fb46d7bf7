"""Exports are made outside the serving process.

A synthesis of thousands of notes takes WeasyPrint, odfdo or python-docx a minute of CPU;
made in the serving process it would hold the gevent loop — every socket and request of
every workshop — for that long, and gunicorn would kill the silent worker. Here the
serving process hands the job to a work process of its own (worker.py: started on first
use and kept, it forks a child per export) and waits for the answer as gevent waits for a
socket (gunicorn's gevent worker patches ``subprocess`` and ``threading``): the room goes
on meanwhile. The child has caps (CPU time, memory, file size, a wall-clock timeout) and
a lower priority; a cap reached is a clear error for the person who asked, never a
killed worker.

One job per export of a workshop as it is now (cache.py names it): a second request for
the same waits for the first, a finished one is read from the cache folder. At most
``EXPORT_WORKERS`` exports are made at once per serving process and ``EXPORT_QUEUE``
more wait; beyond that the server says it is busy.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from .. import metrics
from ..children import Child
from ..config import engine_options
from ..errors import FabriqueError, NotFound
from ..shipped import PACKAGE
from ..workshops.models import Workshop
from . import worker
from .cache import Folder, name_of

# How long a failure is remembered: the same workshop state reaches the same cap again,
# while anything else (the database away, say) may pass on the next try.
REMEMBER_CAP_SECONDS = 600
REMEMBER_ERROR_SECONDS = 10
CHILD_SETTINGS = (
    "SQLALCHEMY_DATABASE_URI",
    "FORMATS_DIR",
    "SYNTHESIS_LICENCE",
    "BABEL_DEFAULT_TIMEZONE",
    "BABEL_DEFAULT_LOCALE",
    "TESTING",
)


class ExportFailed(FabriqueError):
    code, status = "export_failed", 503
    default_message = _l("This export could not be prepared. Please try again later.")


@dataclass
class Job:
    """One export being made (or made): who waits for it waits on ``done``."""

    name: str
    workshop_id: int
    kind: str
    started: float = field(default_factory=time.monotonic)
    state: str = "queued"  # queued, running, ready, failed
    path: Path | None = None
    error: FabriqueError | None = None
    forget_at: float = 0.0
    worker: Worker | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def finish(self, path: Path | None = None, error: FabriqueError | None = None) -> None:
        self.path, self.error = path, error
        self.state = "ready" if path else "failed"
        self.done.set()


@dataclass(frozen=True)
class Caps:
    workers: int
    queue: int
    timeout: float
    cpu_seconds: int
    memory_mb: int
    file_mb: float
    cache_mb: float

    @classmethod
    def from_config(cls, config: Any) -> Caps:
        return cls(
            workers=int(config["EXPORT_WORKERS"]),
            queue=int(config["EXPORT_QUEUE"]),
            timeout=float(config["EXPORT_TIMEOUT_SECONDS"]),
            cpu_seconds=int(config["EXPORT_CPU_SECONDS"]),
            memory_mb=int(config["EXPORT_MEMORY_MB"]),
            file_mb=float(config["EXPORT_MAX_MB"]),
            cache_mb=float(config["EXPORT_CACHE_MB"]),
        )

    def for_child(self) -> dict[str, Any]:
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_mb": self.memory_mb,
            "file_mb": self.file_mb,
            "cache_mb": self.cache_mb,
            "timeout": self.timeout,
        }


class Exporter:
    """The jobs of one serving process, and the cache folder they fill."""

    def __init__(self, app: Flask) -> None:
        self.caps = Caps.from_config(app.config)
        self.folder = Folder(Path(app.config["EXPORT_CACHE_DIR"]), int(self.caps.cache_mb * 2**20))
        self.child_config = _child_config(app.config)
        self.logger = app.logger
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(self.caps.workers)

    def start(self, workshop: Workshop, kind: str) -> Job:
        """The job making this export of the workshop as it is now: already made (read
        from the cache), being made, or started here."""
        name = name_of(workshop, kind, current_app.config)
        path = self.folder.find(name)
        if path is not None:
            job = Job(name, workshop.id, kind)
            job.finish(path)
            return job
        with self.lock:
            now = time.monotonic()
            for key in [key for key, job in self.jobs.items() if 0 < job.forget_at < now]:
                del self.jobs[key]
            job = self.jobs.get(name)
            if job is not None:
                return job
            unfinished = sum(not job.done.is_set() for job in self.jobs.values())
            if unfinished >= self.caps.workers + self.caps.queue:
                busy = _l("The server is preparing other exports. Please try again in a minute.")
                raise ExportFailed(busy, reason="busy")
            job = self.jobs[name] = Job(name, workshop.id, kind)
        threading.Thread(target=self._run, args=(job,), daemon=True).start()
        return job

    def read(self, job: Job) -> bytes:
        """The export, once made (the caller holds no database connection meanwhile).
        Read whole: files are bounded (EXPORT_MAX_MB), and none is left open."""
        if not job.done.wait(self.caps.timeout + 30):  # the child's own timeout ends first
            if job.worker is not None:
                job.worker.stop()  # stuck: its job ends as a failure, the next starts anew
            raise self._error(worker.TIME)
        if job.error is not None:
            raise job.error
        assert job.path is not None
        try:
            return job.path.read_bytes()
        except FileNotFoundError as gone:  # pruned meanwhile by another process
            raise ExportFailed(reason=worker.ERROR) from gone

    def _run(self, job: Job) -> None:
        try:
            with self.slots:
                job.state = "running"
                outcome = self._child(job)
        except Exception as error:  # the job must finish, whatever happened
            outcome = {"ok": False, "reason": worker.ERROR, "failure": type(error).__name__}
        with self.lock:
            if outcome.get("ok"):
                job.finish(Path(outcome["path"]))
                self.jobs.pop(job.name, None)
            else:
                job.finish(error=self._error(outcome["reason"]))
                cap = outcome["reason"] in (worker.TIME, worker.MEMORY, worker.SIZE)
                remember = REMEMBER_CAP_SECONDS if cap else REMEMBER_ERROR_SECONDS
                job.forget_at = time.monotonic() + remember
        self._log(job, outcome)

    def _log(self, job: Job, outcome: dict[str, Any]) -> None:
        """What a sysadmin needs to set the caps (never any of the workshop's text)."""
        seconds = time.monotonic() - job.started
        made = "made" if outcome.get("ok") else str(outcome.get("reason", "error"))
        metrics.EXPORT_SECONDS.labels(job.kind, made).observe(seconds)
        if outcome.get("ok"):
            self.logger.info(
                "Export %s of workshop %s made in %.1f s: %.1f MB, %s MB of address space",
                job.kind,
                job.workshop_id,
                seconds,
                outcome["bytes"] / 2**20,
                outcome["peak_mb"],
            )
        else:
            self.logger.warning(
                "Export %s of workshop %s failed after %.1f s: %s %s",
                job.kind,
                job.workshop_id,
                seconds,
                outcome["reason"],
                outcome.get("failure", ""),
            )

    def _child(self, job: Job) -> dict[str, Any]:
        order = {
            "task": "export",
            "workshop_id": job.workshop_id,
            "kind": job.kind,
            "folder": str(self.folder.path),
            "caps": self.caps.for_child(),
        }
        process = job.worker = take_worker(self.child_config)
        try:
            return process.run(order)
        finally:
            give_back(process)

    def import_archive(self, user_id: int, path: Path, locale: str) -> int:
        """The new workshop's id, once a child of the work process has checked and written
        the archive at ``path`` (the caller holds no database connection meanwhile)."""
        order = {
            "task": "import",
            "user_id": user_id,
            "path": str(path),
            "locale": locale,
            "caps": self.caps.for_child(),
        }
        started = time.monotonic()
        with self.slots:
            process = take_worker(self.child_config)
            try:
                outcome = process.run(order)
            finally:
                give_back(process)
        seconds = time.monotonic() - started
        if outcome.get("ok"):
            self.logger.info(
                "Import of workshop %s made in %.1f s, %s MB of address space",
                outcome["workshop_id"],
                seconds,
                outcome["peak_mb"],
            )
            return int(outcome["workshop_id"])
        if outcome["reason"] == worker.REFUSED:
            raise Refused(outcome["error"], outcome["status"])
        self.logger.warning(
            "Import failed after %.1f s: %s %s",
            seconds,
            outcome["reason"],
            outcome.get("failure", ""),
        )
        raise self._error(outcome["reason"], "import")

    def _error(self, reason: str, task: str = "export") -> FabriqueError:
        """What the person who asked reads (lazy: in their language, when shown)."""
        if reason == worker.GONE:
            return NotFound()
        seconds = round(self.caps.timeout)
        messages = {
            ("export", worker.TIME): _l(
                "This export took longer to prepare than the server allows (%(seconds)s "
                "seconds) and was stopped. Markdown, CSV and JSON exports are lighter.",
                seconds=seconds,
            ),
            ("export", worker.MEMORY): _l(
                "This export needed more memory than the server allows and was stopped."
            ),
            ("export", worker.SIZE): _l(
                "This export would be larger than the server allows (%(mb)s MB).",
                mb=f"{self.caps.file_mb:g}",
            ),
            ("import", worker.TIME): _l(
                "This import took longer than the server allows (%(seconds)s seconds) and was "
                "stopped; nothing was created.",
                seconds=seconds,
            ),
            ("import", worker.MEMORY): _l(
                "This import needed more memory than the server allows and was stopped; "
                "nothing was created."
            ),
        }
        message = messages.get((task, reason))
        if message is None:
            return ExportFailed(reason=worker.ERROR)
        return ExportFailed(message, reason=reason)


class Refused(FabriqueError):
    """A refusal the work process's child made (an archive that is wrong), as it said it."""

    def __init__(self, body: dict[str, Any], status: int) -> None:
        self.code, self.status = body["code"], status
        details = {key: value for key, value in body.items() if key not in ("code", "message")}
        super().__init__(body["message"], **details)


def _child_config(config: Any) -> dict[str, Any]:
    url = config["SQLALCHEMY_DATABASE_URI"]
    options = engine_options(url)
    if url.startswith("postgresql"):
        options["isolation_level"] = "REPEATABLE READ"  # one snapshot for every query
    return {
        **{name: config.get(name) for name in CHILD_SETTINGS},
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "REDIS_URL": None,
        "SOCKETIO_ASYNC_MODE": "threading",
        "REALTIME_BACKGROUND": False,
        "RATELIMIT_ENABLED": False,
    }


class Worker(Child):
    """One work process (worker.py): started on first use, then kept for the next
    jobs, each of which it forks a child for; started again if it ends."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__("facilitation.syntheses.worker")
        self.settings = json.dumps(settings).encode()

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        """Hand it one job, and wait (cooperatively, under gevent) for its answer."""
        line = self.exchange(order)
        if line is None:
            return {"ok": False, "reason": worker.ERROR, "failure": "the work process ended"}
        return dict(json.loads(line))

    def spawn(self) -> subprocess.Popen[bytes]:
        # It signs nothing: a throwaway key spares it looking for the real one.
        env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(32)}
        process = subprocess.Popen(
            [sys.executable, "-m", "facilitation.syntheses.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=PACKAGE.parent,  # where `facilitation` is importable from
            env=env,
        )
        assert process.stdin is not None
        process.stdin.write(self.settings + b"\n")
        process.stdin.flush()
        return process


# Idle work processes by their settings: apps of one process alike (the tests) share.
_IDLE: dict[str, list[Worker]] = {}
_IDLE_LOCK = threading.Lock()


def take_worker(settings: dict[str, Any]) -> Worker:
    with _IDLE_LOCK:
        idle = _IDLE.setdefault(json.dumps(settings, sort_keys=True), [])
        return idle.pop() if idle else Worker(settings)


def give_back(process: Worker) -> None:
    with _IDLE_LOCK:
        key = json.dumps(json.loads(process.settings), sort_keys=True)
        _IDLE.setdefault(key, []).append(process)


@atexit.register
def _stop_workers() -> None:
    with _IDLE_LOCK:
        for workers in _IDLE.values():
            for one in workers:
                one.stop()


def exporter() -> Exporter:
    """This process's exporter (one per app)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("fabrique_exports")
    if found is None:
        found = app.extensions["fabrique_exports"] = Exporter(app)
    return found
