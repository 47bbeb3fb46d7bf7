"""Processes of its own for work that would hold the serving process's GIL.

Under gunicorn's gevent worker, one loop serves every socket of a process: pure
computation of a second (a model loading, k-means over a room) stalls every screen
meanwhile, and a thread would not help, for it holds the GIL. Such work runs in a child
process, started on first use and kept, one order at a time: one JSON order per line of
its standard input, one JSON answer per line of its standard output (``serve``). The
caller waits on the pipe as it waits on a socket: under gevent, ``subprocess`` and the
lock are cooperative, so the live channel goes on. Used by the similarity engine
(similarity/client.py), the opinion map (reactions/mapping.py) and the exports' work
processes (syntheses/jobs.py).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]  # where `facilitation` is importable from
NICENESS = 10


Kept = TypeVar("Kept", bound="Child")


class ChildUnavailable(RuntimeError):
    """The child process failed or ended; the next order starts a new one."""


class Child:
    """A child process running ``python -m <module>``, kept between orders."""

    unavailable: type[ChildUnavailable] = ChildUnavailable

    def __init__(self, module: str) -> None:
        self.module = module
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        _children.add(self)

    def ask(self, order: dict[str, Any]) -> dict[str, Any]:
        """The answer to one order; ``unavailable`` when the process failed or ended."""
        line = self.exchange(order)
        if line is None:
            raise self.unavailable(f"the process of {self.module} ended")
        answer = dict(json.loads(line))
        if not answer.pop("ok"):
            raise self.unavailable(answer["error"])
        return answer

    def exchange(self, order: dict[str, Any]) -> bytes | None:
        """Write one order, read its answer's line; None when the process ended (it is
        stopped then: the next order starts a new one)."""
        with self.lock:
            try:
                process = self._started()
                assert process.stdin is not None
                assert process.stdout is not None
                process.stdin.write(json.dumps(order).encode() + b"\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except OSError:
                line = b""
            if not line:
                self.stop()
                return None
            return line

    def _started(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self.stop()  # a process that ended: its pipes closed
            self.started()
            self.process = self.spawn()
        return self.process

    def spawn(self) -> subprocess.Popen[bytes]:
        """A new process (a subclass may give it an environment, or a first line)."""
        return subprocess.Popen(  # noqa: S603 - our own module, by name
            [sys.executable, "-m", self.module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )

    def started(self) -> None:
        """Called before a (new) process starts: what the caller knew of the old one is
        gone."""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()


def one_per_process(make: Callable[[], Kept]) -> Callable[[], Kept]:
    """The function that gives this process's one child of a kind, made on first use
    (and shared by the process's apps)."""
    lock = threading.Lock()
    made: list[Kept] = []

    def the_one() -> Kept:
        with lock:
            if not made:
                made.append(make())
            return made[0]

    return the_one


_children: weakref.WeakSet[Child] = weakref.WeakSet()  # stopped at exit, if still held


@atexit.register
def _stop_all() -> None:
    for child in list(_children):
        child.stop()


def serve(handle: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """The child's side: answer each order with ``handle``, at a lower priority than the
    serving processes; one bad order never ends the process."""
    os.nice(NICENESS)
    for line in sys.stdin:
        try:
            answer = {"ok": True, **handle(json.loads(line))}
        except Exception as error:
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
