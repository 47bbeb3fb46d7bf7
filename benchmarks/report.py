"""What a run measured, as one line of text or as JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .load import Post

CLIENT_BUSY = 0.8  # above this share of one core, the client itself may be the bottleneck
HOST_BUSY = 0.3  # other processes using this much CPU skew the figures (cores are shared)
CLIENT_LAG_MS = 100  # the client's loop this late (p99) delays what it measures
ACK_WAIT_S = 10  # how long a phone waits for an ack (live.js: ACK_TIMEOUT_MS)


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile ``q`` (0-100) of ``values``, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil without floats
    return ordered[int(rank) - 1]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


@dataclass(kw_only=True)
class Load:
    """What the run cost the machine over a measured window (shares of one core)."""

    deliveries_per_s: float = 0.0
    messages_per_s: float = 0.0  # the messages those deliveries came in (Node generator)
    client_cpu: float = 0.0
    client_lag_max_ms: float = 0.0
    client_lag_p99_ms: float | None = None  # (the Node load generator's)
    server_cpu: float | None = None
    server_cpu_s: float | None = None  # the servers' CPU seconds over the window
    services_cpu: float = 0.0
    other_cpu: float = 0.0
    dropped: int = 0  # connections the server or the network closed
    join_timeouts: int = 0  # joins unanswered in 10 s: the screen reconnected, as live.js does

    def per_command_ms(self, commands: int) -> float | None:
        """Server CPU milliseconds per command handled over the window."""
        if self.server_cpu_s is None or not commands:
            return None
        return round(self.server_cpu_s * 1000 / commands, 2)

    def client_bound(self, behind: bool = False) -> bool:
        """The load generator was busy, late, or behind its schedule: it may be the limit."""
        lag = self.client_lag_p99_ms or 0.0
        return self.client_cpu > CLIENT_BUSY or behind or lag > CLIENT_LAG_MS

    def load_part(self, behind: bool = False) -> str:
        text = f"client cpu={self.client_cpu:.0%} lag max={self.client_lag_max_ms:.0f}ms"
        if self.client_lag_p99_ms is not None:
            text += f" p99={self.client_lag_p99_ms:.0f}ms"
        if self.server_cpu is not None:
            text += f" server cpu={self.server_cpu:.0%}"
        text += f" pg+redis cpu={self.services_cpu:.0%} other cpu={self.other_cpu:.0%}"
        if self.client_bound(behind):
            text += " CLIENT-BOUND: figures understate the server"
        if self.other_cpu > HOST_BUSY:
            text += " HOST-BUSY: other processes share the cores"
        if self.dropped:
            text += f" dropped={self.dropped}"
        if self.join_timeouts:
            text += f" join timeouts={self.join_timeouts}"
        return text


@dataclass
class Result(Load):
    """The figures of one configuration (times in milliseconds, rates per second)."""

    mode: str
    phones: int
    rate: float
    duration: float
    audience: str = "author"
    posted: int = 0
    acked: int = 0
    acked_in_time: int = 0  # within ACK_WAIT_S of their first sending
    refused: int = 0  # refusals for now (the room busy): each note then went again, same id
    rejected: int = 0  # notes refused for good (lost)
    unacked: int = 0
    unsent: int = 0  # due, but their phone never got back online to send them
    on_board: int = 0
    lost: int = 0
    stored: int | None = None
    id_mismatch: int = 0
    latency: dict[str, float | None] = field(default_factory=dict)
    ack: dict[str, float | None] = field(default_factory=dict)
    send_rate: float = 0.0
    server_ms_per_note: float | None = None
    errors: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """The compact summary line."""
        lat, ack = self.latency, self.ack
        parts = [
            f"mode={self.mode} phones={self.phones} rate={self.rate:g}/s "
            f"duration={self.duration:g}s audience={self.audience}",
            f"posted={self.posted} acked={self.acked} (in {ACK_WAIT_S:g} s: {self.acked_in_time}) "
            f"refused={self.refused} on_board={self.on_board} lost={self.lost}"
            + (self._lost_part() if self.lost else ""),
            f"latency ms p50={lat['p50']} p95={lat['p95']} p99={lat['p99']} max={lat['max']}",
            f"deliveries/s={self.deliveries_per_s:.1f} messages/s={self.messages_per_s:.1f} "
            f"sent/s={self.send_rate:.1f}",
            "no acks (scrumblr has none)"
            if self.mode == "scrumblr"
            else f"ack ms p50={ack['p50']} p99={ack['p99']}",
            self._load_part(),
        ]
        return " | ".join(parts)

    def _lost_part(self) -> str:
        stored = "?" if self.stored is None else self.stored
        unsent = f" unsent={self.unsent}" if self.unsent else ""
        errors = ", ".join(f"{code} {count}" for code, count in self.errors.items())
        return (
            f" (rejected={self.rejected} unacked={self.unacked}{unsent} stored={stored}: {errors})"
        )

    @property
    def behind(self) -> bool:
        return self.send_rate < 0.95 * self.rate

    def _load_part(self) -> str:
        text = self.load_part(behind=self.behind)
        if self.server_ms_per_note is not None:
            text = f"server ms/note={self.server_ms_per_note} " + text
        if self.id_mismatch:
            text += f" id_mismatch={self.id_mismatch}"
        return text


def spread(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": _ms(percentile(values, 50)),
        "p95": _ms(percentile(values, 95)),
        "p99": _ms(percentile(values, 99)),
        "max": _ms(max(values, default=None)),
    }


def in_time(sent: float | None, acked: float | None, ok: bool) -> bool:
    """Accepted within a phone's wait for an ack of its first sending."""
    return bool(ok and sent is not None and acked is not None and acked - sent <= ACK_WAIT_S)


def tally(result: Result, posts: list[Post]) -> Result:
    """Fill in counts and latencies from the measured (non warm-up) posts."""
    measured = [post for post in posts if not post.warmup]
    result.posted = sum(1 for post in measured if post.sent is not None)
    result.acked = sum(1 for post in measured if post.ok)
    result.acked_in_time = sum(1 for post in measured if in_time(post.sent, post.acked, post.ok))
    result.refused = sum(post.refusals for post in measured)
    result.rejected = sum(1 for post in measured if post.acked and not post.ok)
    result.unacked = sum(1 for post in measured if post.sent is not None and not post.acked)
    result.on_board = sum(1 for post in measured if post.on_board is not None)
    result.lost = sum(1 for post in measured if post.ok and post.on_board is None)
    result.unsent = sum(1 for post in measured if post.sent is None)
    result.lost += result.rejected + result.unacked + result.unsent
    if all(post.stored is not None for post in measured):
        result.stored = sum(1 for post in measured if post.stored)
    result.id_mismatch = sum(
        1 for post in measured if post.note_id and post.board_id and post.note_id != post.board_id
    )
    result.latency = spread([p.on_board - p.sent for p in measured if p.on_board and p.sent])
    # Acks from the sending answered; the board latency, from the first, holds the waits
    # of a note refused then sent again.
    result.ack = spread([p.acked - (p.last_sent or p.sent) for p in measured if p.acked and p.sent])
    result.errors = dict(Counter(post.error for post in measured if post.error))
    sent = [post.sent for post in measured if post.sent is not None]
    if len(sent) > 1:
        result.send_rate = (len(sent) - 1) / (max(sent) - min(sent))
    result.server_ms_per_note = result.per_command_ms(result.acked)  # once the load is in
    return result
