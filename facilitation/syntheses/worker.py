"""Heavy work done outside the serving process: ``python -m facilitation.syntheses.worker``.

Exports (a synthesis of thousands of notes is a minute of CPU) and imports (parsing,
checking and writing a 10,000-note archive) never run in a serving process, whose one
gevent worker holds every socket. This process is started once by a serving process
(jobs.py) and kept: it loads the code, the templates and the renderers once (seconds of
CPU), then, for each job, forks a child that does it and exits. The serving process
writes its settings on the first line of this process's standard input, then one job
per line — an export (the workshop's id, the kind, the cache folder) or an import (the
archive's path, who imports it) with the caps — and reads one line of JSON back per job.

An export's child reads the workshop in one snapshot (every table as of one moment),
renders it and stores it in the cache under the name of what it read, so the file is
kept even if the serving process is gone by then. An import's child checks the whole
archive, then writes it in short transactions (imports.py). Caps: CPU seconds (the
kernel stops the child), address space (allocations fail: MemoryError), the largest file
an export may have, and a wall-clock timeout (this process kills it). Children run at a lower
priority than the serving process, which has a room to keep live.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import sys
import time
from pathlib import Path
from typing import Any

# Reasons a job fails, as the serving process reports them (jobs.py).
TIME, MEMORY, SIZE, GONE, ERROR = "time", "memory", "size", "gone", "error"
OUT_OF_MEMORY = json.dumps({"ok": False, "reason": MEMORY}).encode() + b"\n"
REFUSED = "refused"  # an import whose archive is wrong: the error says what
NICENESS = 10
POLL_SECONDS = 0.05
PARENT = os.getppid()  # the serving process that started this one


def limit(caps: dict[str, Any]) -> None:
    cpu = int(caps["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))  # SIGXCPU, then SIGKILL
    memory = int(caps["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # No RLIMIT_FSIZE: it would bound writes into the SQLite database file too. An
    # export's size is checked before it is written.


def snapshot_reads(db: Any) -> None:
    """Every query of the child's transaction sees the database as of its first one: the
    sequence number read names exactly what the export shows. (PostgreSQL: the engine's
    isolation level, REPEATABLE READ, set by jobs.py.)"""
    from sqlalchemy import event

    db.engine.dispose(close=False)  # connections are the child's own, never the parent's
    if db.engine.dialect.name == "sqlite":
        # The driver begins no transaction for reads: each SELECT would see the latest
        # commit. In WAL mode a transaction reads from one snapshot until it ends.
        event.listen(db.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))


def make(app: Any, job: dict[str, Any]) -> dict[str, Any]:
    """One export, in the forked child."""
    from facilitation.extensions import db
    from facilitation.workshops.models import Workshop

    from .cache import Folder, name_of
    from .exports import EXPORTS

    caps = job["caps"]
    with app.app_context(), app.test_request_context():
        snapshot_reads(db)
        workshop = db.session.get(Workshop, job["workshop_id"])
        if workshop is None:
            return {"ok": False, "reason": GONE}
        name = name_of(workshop, job["kind"], app.config)
        body = EXPORTS[job["kind"]].make(workshop)
        db.session.rollback()
        if len(body) > caps["file_mb"] * 2**20:
            return {"ok": False, "reason": SIZE}
        path = Folder(Path(job["folder"]), int(caps["cache_mb"] * 2**20)).store(name, body)
    return {"ok": True, "path": str(path), "bytes": len(body), "peak_mb": peak_bytes() // 2**20}


def take_in(app: Any, job: dict[str, Any]) -> dict[str, Any]:
    """One import, in the forked child: the new workshop's id, or what is wrong."""
    from facilitation.accounts.models import User
    from facilitation.errors import FabriqueError
    from facilitation.extensions import db

    from . import imports

    # Messages in the language of whoever imports.
    headers = {"Accept-Language": job["locale"]}
    with app.app_context(), app.test_request_context(headers=headers):
        db.engine.dispose(close=False)  # connections are the child's own
        user = db.session.get(User, job["user_id"])
        if user is None:
            return {"ok": False, "reason": GONE}
        pipe = job["pipe"]
        try:
            workshop_id = imports.import_file(
                user, Path(job["path"]), lambda new: os.write(pipe, f"importing {new}\n".encode())
            )
        except FabriqueError as refused:
            return {
                "ok": False,
                "reason": REFUSED,
                "error": refused.body(),
                "status": refused.status,
            }
    return {"ok": True, "workshop_id": workshop_id, "peak_mb": peak_bytes() // 2**20}


TASKS = {"export": make, "import": take_in}


def outcome_of(app: Any, job: dict[str, Any]) -> dict[str, Any]:
    limit(job["caps"])
    try:
        return TASKS[job["task"]](app, job)
    except MemoryError:
        return {"ok": False, "reason": MEMORY}
    except Exception as error:
        reason = MEMORY if near_memory_cap(job["caps"]) else ERROR
        return {"ok": False, "reason": reason, "failure": failed(error)}


def near_memory_cap(caps: dict[str, Any]) -> bool:
    """Whether a failure came from the memory cap, however a library reports it (SQLite
    says "disk I/O error" when it cannot map its shared memory): the address space came
    within a tenth of the cap (a failed allocation does not count in its peak)."""
    cap = int(caps["memory_mb"]) * 2**20
    return peak_bytes() >= cap - max(cap // 10, 32 * 2**20)


def peak_bytes() -> int:
    """The most address space this process has held (0 where /proc is missing)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) * 1024
    return 0


def failed(error: BaseException) -> str:
    """The failure without its message (it may quote a row someone typed)."""
    from facilitation.logs import failure

    return failure(error)


def child(app: Any, job: dict[str, Any]) -> tuple[int, int]:
    """Fork the child that does ``job``: its pid and the pipe it answers on (lines: an
    import says "importing <id>" once it has created the workshop, then the answer)."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writable)
        return pid, readable
    os.close(readable)
    code = 0
    try:
        answer = json.dumps(outcome_of(app, {**job, "pipe": writable})).encode()
        os.write(writable, answer + b"\n")
    except MemoryError:
        # The cap struck where outcome_of could not answer (while it judged a failure, or
        # encoded its answer): this answer was made before the cap, and writing it
        # allocates nothing.
        os.write(writable, OUT_OF_MEMORY)
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # neither the parent's buffers nor its exit handlers


def run(app: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Do one job in a child, stopped at the wall-clock timeout (or once the serving
    process is gone); what a stopped import wrote is removed."""
    pid, pipe = child(app, job)
    deadline = time.monotonic() + float(job["caps"]["timeout"])
    received, status, stopped = bytearray(), None, False
    while status is None:
        received += _read_some(pipe)
        done, status_code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = status_code
        elif time.monotonic() > deadline or os.getppid() != PARENT:
            os.kill(pid, signal.SIGKILL)
            status, stopped = os.waitpid(pid, 0)[1], True
    while chunk := os.read(pipe, 2**16):  # the child is gone: the rest, up to the end
        received += chunk
    os.close(pipe)
    lines = received.decode(errors="replace").splitlines()
    outcome = _answer(lines, status, stopped)
    if not outcome.get("ok"):
        for line in lines:
            if line.startswith("importing "):
                _remove_unfinished(app, int(line.split()[1]))
    return outcome


def _read_some(pipe: int) -> bytes:
    """What the child has written so far (answers may be longer than the pipe holds)."""
    ready, _, _ = select.select([pipe], [], [], POLL_SECONDS)
    if not ready:
        return b""
    chunk = os.read(pipe, 2**16)
    if not chunk:  # its end closed, the child about to exit
        time.sleep(POLL_SECONDS)
    return chunk


def _answer(lines: list[str], status: int, stopped: bool) -> dict[str, Any]:
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)
    if stopped or killed:
        return {"ok": False, "reason": TIME}
    try:
        return dict(json.loads(lines[-1]))
    except (IndexError, ValueError):
        return {"ok": False, "reason": ERROR, "failure": f"child ended with status {status}"}


def _remove_unfinished(app: Any, workshop_id: int) -> None:
    """A workshop whose import was stopped before it finished."""
    from facilitation.extensions import db

    from .imports import remove_unfinished

    with app.app_context():
        db.engine.dispose(close=False)
        remove_unfinished(workshop_id)
        db.session.remove()


def serve() -> None:
    """Until the serving process closes the pipe, or is gone: then a job under way stops
    too (nobody waits for it)."""
    from facilitation import create_app

    from . import exports

    settings = json.loads(sys.stdin.readline())
    app = create_app(settings)
    exports.load_renderers()
    os.nice(NICENESS)
    for line in sys.stdin:
        job = json.loads(line)
        print(json.dumps(run(app, job)), flush=True)


if __name__ == "__main__":
    serve()
