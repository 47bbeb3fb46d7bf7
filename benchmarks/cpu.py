"""Where the CPU went (read from /proc), and which cores each process may run on.

Pinning (``--pin``): the load generator on its own core(s), each server process on its
own core, round-robin when there are more processes than cores left. ``auto`` keeps the
last core for the load generator and gives the others to the servers; on a 2-core machine
every server shares core 0 and the load generator has core 1. PostgreSQL and Redis are
shared services and are never pinned.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def host_cpu_seconds() -> float:
    """CPU time every process of the machine used since boot (all cores, idle excluded)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def processes() -> Iterator[tuple[int, str, int, float]]:
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


def tree_cpu_seconds(pids: list[int]) -> float:
    """CPU seconds of these processes and their children (a gunicorn master and worker)."""
    return sum(cpu for pid, _, ppid, cpu in processes() if pid in pids or ppid in pids)


def services_cpu() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL and Redis process (part of the work)."""
    return {pid: cpu for pid, name, _, cpu in processes() if name in ("postgres", "redis-server")}


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings (processes gone since are not counted)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


@dataclass(frozen=True)
class Pinning:
    """The cores of the servers (one each, round-robin) and of the load generator."""

    servers: tuple[int, ...] = ()
    client: tuple[int, ...] = ()

    def server(self, index: int) -> set[int] | None:
        return {self.servers[index % len(self.servers)]} if self.servers else None

    def describe(self) -> str:
        if not self.servers:
            return "not pinned"
        return f"servers on cores {list(self.servers)}, load generator on {list(self.client)}"


def pinning(spec: str | None) -> Pinning:
    """``None`` (no pinning), ``auto``, or ``SERVERS:CLIENT`` core lists (``0:1``, ``0,1:2,3``)."""
    if spec is None:
        return Pinning()
    cores = sorted(os.sched_getaffinity(0))
    if spec == "auto":
        if len(cores) < 2:
            raise ValueError("--pin needs at least two cores")
        return Pinning(tuple(cores[:-1]), (cores[-1],))
    servers, _, client = spec.partition(":")
    try:
        chosen = Pinning(_cores(servers), _cores(client))
    except ValueError as error:
        raise ValueError(f"--pin {spec!r}: expected SERVERS:CLIENT, e.g. 0:1") from error
    if not set(chosen.servers + chosen.client) <= set(cores):
        raise ValueError(f"--pin {spec!r}: this process may only use cores {cores}")
    return chosen


def _cores(text: str) -> tuple[int, ...]:
    cores = tuple(int(core) for core in text.split(",") if core.strip())
    if not cores:
        raise ValueError("no cores")
    return cores
