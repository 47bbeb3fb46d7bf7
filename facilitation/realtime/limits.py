"""Rate limits on the live channel, by participant (a room shares one Wi-Fi address):
a flood from one connection gets error acks, and nobody else notices."""

from __future__ import annotations

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class SocketLimits:
    """Commands and queries (join, sync) have their own budgets per actor or socket."""

    def __init__(self, storage_url: str | None, prefix: str, commands: str, queries: str) -> None:
        storage = storage_from_string(storage_url or "memory://")
        self.limiter = MovingWindowRateLimiter(storage)
        self.prefix = prefix
        self.rules: dict[str, list[RateLimitItem]] = {
            "command": parse_many(commands),
            "query": parse_many(queries),
        }

    def allow(self, kind: str, key: str) -> bool:
        """Count one message; False once any of its kind's limits is exceeded."""
        return all(self.limiter.hit(rule, self.prefix, kind, key) for rule in self.rules[kind])
