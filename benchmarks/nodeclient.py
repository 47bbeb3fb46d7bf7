"""Drive the Node load generator (``benchmarks/loadgen``) and turn what it reports into
results: it sends marks when a measured window opens and closes, and the servers' CPU is
read right then; then its raw records (each note, each vote, each phone's arrival in the
new phase), tallied here like the Python client's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cpu import Pinning, cpu_since, host_cpu_seconds, services_cpu
from .load import Post
from .phases import (
    ChangeResult,
    JoinResult,
    Plenary,
    SnapshotResult,
    VoteResult,
    tally_change,
    tally_join,
    tally_snapshots,
    tally_votes,
)
from .report import Load, Result, spread, tally
from .stack import Target

LOADGEN = Path(__file__).with_name("loadgen") / "main.mjs"
POST_FIELDS = ("index", "text", "warmup", "scheduled", "sent", "acked", "ok", "error", "note_id",
               "on_board", "board_id", "stored", "refusals", "last_sent")  # fmt: skip


@dataclass
class Reading:
    """The CPU counters at one mark."""

    at: float
    server: float | None
    services: dict[int, float]
    host: float

    @classmethod
    def take(cls, target: Target) -> Reading:
        return cls(time.perf_counter(), target.server_cpu_seconds(), services_cpu(),
                   host_cpu_seconds())  # fmt: skip


def fill_load(load: Load, opened: Reading, closed: Reading, window: dict[str, Any]) -> None:
    """The shares of the window's CPU: load generator, servers, databases, everything else."""
    wall = max(closed.at - opened.at, 1e-9)
    client = window["client_cpu_s"]
    served = None
    if opened.server is not None and closed.server is not None:
        served = closed.server - opened.server
    services = cpu_since(opened.services, closed.services)
    other = closed.host - opened.host - client - (served or 0.0) - services
    load.client_cpu, load.client_lag_max_ms = client / wall, window["lag_max_ms"]
    load.client_lag_p99_ms = window["lag_p99_ms"]
    load.server_cpu_s = served
    load.server_cpu = None if served is None else served / wall
    load.services_cpu, load.other_cpu = services / wall, max(other, 0.0) / wall
    load.deliveries_per_s, load.dropped = window["deliveries_per_s"], window["dropped"]
    load.messages_per_s = window.get("messages_per_s", 0.0)
    load.join_timeouts = window["join_timeouts"]


def config(target: Target, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    return {
        "scenario": "scrumblr" if mode == "scrumblr" else args.scenario,
        "urls": target.urls, "code": target.code, "board_key": target.board_key,
        "email": target.email, "password": target.password, "phones": args.phones,
        "label": f"bench {os.urandom(4).hex()}", "rate": args.rate, "duration": args.duration,
        "warmup": args.warmup, "grace": args.grace, "seed_notes": args.notes,
        "seed_rate": args.seed_rate, "vote_rate": args.vote_rate,
        "vote_duration": args.vote_duration, "change_timeout": args.change_timeout,
        "light": not args.full_parse, "join_concurrency": args.join_concurrency,
    }  # fmt: skip


def generate(target: Target, settings: dict[str, Any], pins: Pinning) -> tuple[dict, dict]:
    """Run the load generator; (its result, the CPU readings at each of its marks)."""
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not installed: the load generator needs Node 20 or newer")
    cores = set(pins.client)
    process = subprocess.Popen(
        [node, str(LOADGEN)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
    )  # fmt: skip
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(json.dumps(settings))
    process.stdin.close()
    readings: dict[str, Reading] = {}
    outcome: dict[str, Any] = {}
    try:
        for line in process.stdout:
            message = json.loads(line)
            if "mark" in message:
                readings[message["mark"]] = Reading.take(target)
            else:
                outcome = message
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait()
    if "error" in outcome or "result" not in outcome:
        raise RuntimeError(f"the load generator failed: {outcome.get('error', 'no result')}")
    return outcome["result"], readings


def results(target: Target, mode: str, args: argparse.Namespace, pins: Pinning) -> list[Any]:
    """One run of the scenario; a line each for the notes, the phase change, the votes."""
    found, readings = generate(target, config(target, mode, args), pins)
    windows = found["windows"]
    lines: list[Any] = []
    posts = [Post(**dict(zip(POST_FIELDS, row, strict=True))) for row in found["posts"]]
    if "notes" in windows:
        notes = Result(mode, args.phones, args.rate, args.duration, args.audience)
        fill_load(notes, readings["notes.open"], readings["notes.close"], windows["notes"])
        lines.append(tally(notes, posts))
    if found["change"]:
        change = ChangeResult(mode, args.phones, notes=found["change"]["targets"])
        fill_load(change, readings["change.open"], readings["change.close"],
                  found["change"]["load"])  # fmt: skip
        tally_change(change, found["change"], found["light"])
        lines.append(change)
    if "votes" in windows:
        votes = VoteResult(mode, args.phones, args.vote_rate, args.vote_duration)
        fill_load(votes, readings["votes.open"], readings["votes.close"], windows["votes"])
        votes.targets = found["change"]["targets"]
        lines.append(tally_votes(votes, found["votes"]))
    if found.get("join"):
        lines += joined(mode, args, found["join"], readings)
    if args.scenario == "plenary":
        lines.append(plenary(mode, args, posts, found, lines))
    return lines


def plenary(
    mode: str, args: argparse.Namespace, posts: list[Post], found: dict, lines: list
) -> Plenary:
    summary = Plenary(mode, args.phones)
    measured = [post for post in posts if not post.warmup]
    board = [post.on_board - post.sent for post in measured if post.on_board and post.sent]
    board += [row[8] - row[4] for row in found["votes"] if not row[1] and row[8] and row[4]]
    summary.board_ms = spread(board)
    summary.lost = sum(getattr(line, "lost", 0) for line in lines)
    summary.dropped = found["counters"]["dropped"]
    summary.refused_joins = found["counters"]["refusedJoins"]
    summary.join_timeouts = found["counters"]["joinTimeouts"]
    summary.sync_timeouts = found["counters"]["syncTimeouts"]
    return summary


def joined(mode: str, args: argparse.Namespace, join: dict, readings: dict) -> list[Any]:
    """The mass join's line, and one for the snapshots of phones and of the board."""
    mass = JoinResult(mode, args.phones, notes=args.notes)
    fill_load(mass, readings["join.open"], readings["join.close"], join["load"])
    tally_join(mass, join)
    lines: list[Any] = [mass]
    for role, found in join["snapshots"].items():
        alone = SnapshotResult(mode, role)
        fill_load(alone, readings[f"{role}.open"], readings[f"{role}.close"], found["load"])
        tally_snapshots(alone, found["acks"])
        lines.append(alone)
    return lines
