"""Rate limits on the live channel, by participant (a room shares one Wi-Fi address):
a flood from one connection gets error acks, and nobody else notices."""

from __future__ import annotations

import logging

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)


class SocketLimits:
    """Commands and queries (join, sync) have their own budgets per actor or socket.

    Counts live in Redis when processes are scaled out; while Redis is away they are kept
    by each process, so a Redis outage never turns into refused commands.
    """

    def __init__(self, storage_url: str | None, prefix: str, commands: str, queries: str) -> None:
        self.shared = SlidingWindowCounterRateLimiter(
            storage_from_string(storage_url or "memory://")
        )
        self.local = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.prefix = prefix
        self.rules: dict[str, list[RateLimitItem]] = {
            "command": parse_many(commands),
            "query": parse_many(queries),
        }

    def allow(self, kind: str, key: str) -> bool:
        """Count one message; False once any of its kind's limits is exceeded."""
        try:
            return self._hit(self.shared, kind, key)
        except Exception as error:  # the storage's own errors (Redis away), whatever they are
            log.warning("rate limits counted locally, storage unavailable: %s", error)
            return self._hit(self.local, kind, key)

    def _hit(self, limiter: SlidingWindowCounterRateLimiter, kind: str, key: str) -> bool:
        return all(limiter.hit(rule, self.prefix, kind, key) for rule in self.rules[kind])
