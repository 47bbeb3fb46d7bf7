"""What the votes, the phase change and the whole plenary measured, as lines or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .report import ACK_WAIT_S, Load, in_time, percentile, spread

# One vote as the load generator reports it (times in seconds, on its clock).
VOTE_FIELDS = ("index", "warmup", "kind", "scheduled", "sent", "acked", "ok", "error", "on_board",
               "refusals", "last_sent")  # fmt: skip


@dataclass
class VoteResult(Load):
    """Dots cast and taken back at a rate: latency from the command to the board's tally."""

    mode: str
    phones: int
    rate: float
    duration: float
    targets: int = 0
    sent: int = 0
    cast: int = 0
    acked: int = 0
    acked_in_time: int = 0  # within ACK_WAIT_S of their first sending
    refused: int = 0  # refusals for now (the room busy): each vote then went again, same id
    rejected: int = 0  # votes refused for good (lost)
    unacked: int = 0
    unsent: int = 0
    on_board: int = 0
    lost: int = 0
    latency: dict[str, float | None] = field(default_factory=dict)
    ack: dict[str, float | None] = field(default_factory=dict)
    send_rate: float = 0.0
    waited_ms_p99: float | None = None  # how long votes waited for their phone's previous one
    server_ms_per_vote: float | None = None
    errors: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        lat, ack = self.latency, self.ack
        errors = ", ".join(f"{code} {count}" for code, count in self.errors.items())
        lost = f" (rejected={self.rejected} unacked={self.unacked}: {errors})" if self.lost else ""
        per_vote = f"server ms/vote={self.server_ms_per_vote} " if self.server_ms_per_vote else ""
        return " | ".join([
            f"votes: mode={self.mode} phones={self.phones} rate={self.rate:g}/s "
            f"duration={self.duration:g}s on {self.targets} notes",
            f"sent={self.sent} (cast={self.cast}) acked={self.acked} "
            f"(in {ACK_WAIT_S:g} s: {self.acked_in_time}) refused={self.refused} "
            f"on_board={self.on_board} lost={self.lost}{lost}"
            + (f" unsent={self.unsent}" if self.unsent else ""),
            f"vote→tally ms p50={lat['p50']} p95={lat['p95']} p99={lat['p99']} max={lat['max']}",
            f"sent/s={self.send_rate:.1f} ack ms p50={ack['p50']} p99={ack['p99']}"
            + (f" waited p99={self.waited_ms_p99}ms" if self.waited_ms_p99 else ""),
            per_vote + self.load_part(behind=self.send_rate < 0.95 * self.rate),
        ])  # fmt: skip


def tally_votes(result: VoteResult, rows: list[list[Any]]) -> VoteResult:
    votes = [dict(zip(VOTE_FIELDS, row, strict=True)) for row in rows]
    measured = [vote for vote in votes if not vote["warmup"]]
    sent = [vote for vote in measured if vote["sent"] is not None]
    result.sent, result.unsent = len(sent), len(measured) - len(sent)
    result.cast = sum(1 for vote in sent if vote["kind"] == "vote.cast")
    result.acked = sum(1 for vote in sent if vote["ok"])
    result.acked_in_time = sum(1 for v in sent if in_time(v["sent"], v["acked"], v["ok"]))
    result.refused = sum(vote["refusals"] for vote in sent)
    result.rejected = sum(1 for vote in sent if vote["acked"] and not vote["ok"])
    result.unacked = sum(1 for vote in sent if not vote["acked"])
    result.on_board = sum(1 for vote in sent if vote["ok"] and vote["on_board"])
    result.lost = result.acked - result.on_board + result.rejected + result.unacked + result.unsent
    result.latency = spread([v["on_board"] - v["sent"] for v in sent if v["on_board"]])
    # Acks from the sending answered; the board latency, from the first, holds the waits
    # of a vote refused then sent again.
    result.ack = spread([v["acked"] - (v["last_sent"] or v["sent"]) for v in sent if v["acked"]])
    waited = percentile([v["sent"] - v["scheduled"] for v in sent], 99)
    result.waited_ms_p99 = round(waited * 1000) if waited and waited > 0.05 else None
    result.errors = dict(Counter(vote["error"] for vote in measured if vote["error"]))
    times = [vote["sent"] for vote in sent]
    if len(times) > 1:
        result.send_rate = (len(times) - 1) / (max(times) - min(times))
    result.server_ms_per_vote = result.per_command_ms(result.acked)
    return result


@dataclass
class ChangeResult(Load):
    """The facilitator moves to the voting phase: how long until every phone is there."""

    mode: str
    phones: int
    notes: int = 0  # notes on the board when the phase changed
    ready: int = 0  # phones in the new phase, having received what they may now see
    all_ready_s: float | None = None  # from the move to the last phone ready
    ready_ms: dict[str, float | None] = field(default_factory=dict)
    changed_ms: dict[str, float | None] = field(default_factory=dict)  # phase.changed arrives
    move_ack_ms: float = 0.0
    sync_timeouts: int = 0  # syncs unanswered within live.js's 10 s: those phones stay behind
    syncs: int = 0  # syncs the phones asked for after the move
    views: int = 0  # phones that took the view the phase change named, with no sync
    notes_seen_min: int | None = None
    snapshots_light: int = 0
    bodies_shared: int = 0  # bodies whose bytes were those another phone had just read
    snapshot_mb: float = 0.0
    light_mismatch: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        every = (
            f"all within {self.all_ready_s:.2f}s"
            if self.all_ready_s is not None
            else (f"{self.phones - self.ready} NEVER (sync timeouts={self.sync_timeouts})")
        )
        ready, changed = self.ready_ms, self.changed_ms
        server = f" server cpu={self.server_cpu_s:.1f}s" if self.server_cpu_s is not None else ""
        mismatch = f" LIGHT-MISMATCH={self.light_mismatch}" if self.light_mismatch else ""
        return " | ".join([
            f"change: mode={self.mode} phones={self.phones} notes={self.notes}",
            f"in the voting phase {self.ready}/{self.phones}, {every}",
            f"ready ms p50={ready['p50']} p95={ready['p95']} max={ready['max']}",
            f"phase.changed ms p50={changed['p50']} max={changed['max']}",
            f"move ack {self.move_ack_ms:.0f}ms, fewest notes seen={self.notes_seen_min}",
            f"views taken={self.views} syncs={self.syncs}",
            f"snapshots read light={self.snapshots_light} ({self.snapshot_mb:.0f} MB, "
            f"{self.bodies_shared} bodies the same as the last at their address){mismatch}"
            + server,
            self.load_part(),
        ])  # fmt: skip


def tally_change(result: ChangeResult, change: dict[str, Any], light: dict[str, Any]) -> None:
    start = change["sent"]
    ready = [t - start for t in change["ready"] if t is not None]
    result.ready = len(ready)
    if ready and result.ready == result.phones:
        result.all_ready_s = round(max(ready), 3)
    result.ready_ms = spread(ready)
    result.changed_ms = spread([t - start for t in change["changed"] if t is not None])
    result.move_ack_ms = (change["acked"] - start) * 1000
    result.sync_timeouts = change["sync_timeouts"]
    result.syncs, result.views = change.get("syncs", 0), change.get("views", 0)
    seen = [count for count in change["notes"] if count is not None]
    result.notes_seen_min = min(seen, default=None)
    result.snapshots_light = light.get("decoded", 0)
    result.bodies_shared = light.get("shared", 0)
    result.snapshot_mb = light.get("bytes", 0) / 1e6
    result.light_mismatch = light.get("mismatch", 0)


@dataclass
class Plenary:
    """The whole plenary: the board's latency throughout (notes and votes), what was lost."""

    mode: str
    phones: int
    board_ms: dict[str, float | None] = field(default_factory=dict)
    lost: int = 0
    dropped: int = 0
    refused_joins: int = 0
    join_timeouts: int = 0
    sync_timeouts: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        board = self.board_ms
        return (
            f"plenary: mode={self.mode} phones={self.phones} | board ms throughout "
            f"p50={board['p50']} p95={board['p95']} p99={board['p99']} max={board['max']} | "
            f"lost={self.lost} dropped={self.dropped} refused joins={self.refused_joins} "
            f"join timeouts={self.join_timeouts} sync timeouts={self.sync_timeouts}"
        )


@dataclass
class JoinResult(Load):
    """Phones joining at once (HTTP join, websocket, join ack), and the presence count."""

    mode: str
    phones: int
    notes: int = 0
    all_joined_s: float | None = None  # from the first phone's page to the last join ack
    join_ms: dict[str, float | None] = field(default_factory=dict)  # one phone, page to ack
    page_ms: dict[str, float | None] = field(default_factory=dict)  # the HTTP join alone
    presence: int | None = None  # the board's count once every phone is in (10 s at most)
    expected: int = 0
    presence_max: int = 0
    presence_exact_s: float | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        joined, page = self.join_ms, self.page_ms
        exact = (
            f"exact after {self.presence_exact_s:.1f}s"
            if self.presence_exact_s is not None
            else f"WRONG: {self.presence} of {self.expected} (max {self.presence_max})"
        )
        return " | ".join([
            f"join: mode={self.mode} phones={self.phones} into {self.notes} notes",
            f"all joined in {self.all_joined_s:.1f}s",
            f"one phone ms p50={joined['p50']} p95={joined['p95']} max={joined['max']}"
            f" (page p50={page['p50']})",
            f"presence {exact}",
            self.load_part(),
        ])  # fmt: skip


def tally_join(result: JoinResult, join: dict[str, Any]) -> None:
    timings = join["timings"]
    result.all_joined_s = max(t[2] for t in timings) - min(t[0] for t in timings)
    result.join_ms = spread([end - start for start, _, end in timings])
    result.page_ms = spread([page - start for start, page, _ in timings])
    result.presence, result.expected = join["presence"], join["expected"]
    result.presence_max, result.presence_exact_s = join["presence_max"], join["presence_exact_s"]


@dataclass
class SnapshotResult(Load):
    """Snapshots one at a time on an idle server: the join ack's latency and server CPU."""

    mode: str
    role: str = "phone"
    notes: int = 0
    count: int = 0
    refused: int = 0  # joins refused or unanswered
    ack_ms: dict[str, float | None] = field(default_factory=dict)
    server_ms_per_snapshot: float | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        ack = self.ack_ms
        per = self.server_ms_per_snapshot
        return (
            f"snapshot: mode={self.mode} {self.role}: {self.count} joins one after the other, "
            f"{self.notes} notes each"
            + (f", {self.refused} REFUSED" if self.refused else "")
            + f" | ack ms p50={ack['p50']} p95={ack['p95']} "
            f"max={ack['max']} | server ms/snapshot={per} | " + self.load_part()
        )


def tally_snapshots(result: SnapshotResult, acks: list[list[Any]]) -> None:
    answered = [ack for ack in acks if ack[1] is not None]
    result.count, result.refused = len(answered), len(acks) - len(answered)
    result.notes = min((ack[2] for ack in answered), default=0)
    result.ack_ms = spread([ack[1] - ack[0] for ack in answered])
    result.server_ms_per_snapshot = result.per_command_ms(len(answered))
