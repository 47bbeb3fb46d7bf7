"""Exports made outside the serving process: ``python -m facilitation.syntheses.render``.

This process is started once by a serving process (jobs.py) and kept: it loads the
code, the templates and the renderers once (seconds of CPU), then, for each job, forks
a child that makes one export and exits. The serving process writes its settings on
the first line of this process's standard input, then one job per line — the
workshop's id, the kind of export, the cache folder and the caps — and reads one line of
JSON back per job: the file's path, or why there is none.

The child reads the workshop in one snapshot (every table as of one moment), renders the
export and stores it in the cache under the name of what it read, so the file is kept
even if the serving process is gone by then. Its caps: CPU seconds (the kernel stops
it), address space (allocations fail: MemoryError), the largest file it may write, and
a wall-clock timeout (this process kills it). It runs at a lower priority than the
serving process, which has a room to keep live.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

# Reasons a job fails, as the serving process reports them (jobs.py).
TIME, MEMORY, SIZE, GONE, ERROR = "time", "memory", "size", "gone", "error"
NICENESS = 10
POLL_SECONDS = 0.05


def limit(caps: dict[str, Any]) -> None:
    cpu = int(caps["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))  # SIGXCPU, then SIGKILL
    memory = int(caps["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = int(caps["file_mb"] * 2**20) + 1
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write too big fails with EFBIG


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
    limit(caps)
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


def outcome_of(app: Any, job: dict[str, Any]) -> dict[str, Any]:
    try:
        return make(app, job)
    except MemoryError:
        return {"ok": False, "reason": MEMORY}
    except OSError as error:
        if error.errno != errno.EFBIG:
            return {"ok": False, "reason": ERROR, "failure": failed(error)}
        return {"ok": False, "reason": SIZE}
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
    """Fork the child that makes ``job``: its pid and the pipe it answers on."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writable)
        return pid, readable
    os.close(readable)
    code = 0
    try:
        answer = json.dumps(outcome_of(app, job)).encode()
        os.write(writable, answer)
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # neither the parent's buffers nor its exit handlers


def run(app: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Make one export in a child, stopped at the wall-clock timeout."""
    pid, answers = child(app, job)
    deadline = time.monotonic() + float(job["caps"]["timeout"])
    status = None
    while status is None:
        done, status_code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = status_code
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(answers)
            return {"ok": False, "reason": TIME}
        else:
            time.sleep(POLL_SECONDS)
    with os.fdopen(answers, "rb") as pipe:
        answer = pipe.read()
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return {"ok": False, "reason": TIME}
    if not answer:
        return {"ok": False, "reason": ERROR, "failure": f"child ended with status {status}"}
    return dict(json.loads(answer))


def serve() -> None:
    from facilitation import create_app

    from . import exports

    settings = json.loads(sys.stdin.readline())
    app = create_app(settings)
    exports.load_renderers()
    os.nice(NICENESS)
    for line in sys.stdin:  # until the serving process closes the pipe (or is gone)
        job = json.loads(line)
        print(json.dumps(run(app, job)), flush=True)


if __name__ == "__main__":
    serve()
