"""Rate limits as exact moving windows, in Redis or in the process (and there while Redis
is away). The live channel counts by participant (a room shares one Wi-Fi address): a
flood from one connection gets error acks, and nobody else notices. The entrance
(``facilitation/entry.py``) counts guessed codes and new participants by address."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis import BlockingConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)
Answer = TypeVar("Answer")

# A check in Redis is one short script: a Redis that has not answered within this long is
# taken as away (Windows.AWAY_SECONDS), rather than waited for like a page's reads.
TIMEOUT_SECONDS = 1.0


def redis_client(url: str, max_connections: int = 64) -> Redis:
    """A client for the limits' checks: a connection waited for at most
    ``TIMEOUT_SECONDS``, an answer as long, and no retry (redis-py retries a timeout
    three times by default, with backoff: a Redis that hangs held one check 6 s)."""
    return Redis(
        connection_pool=BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
    )


class Limiter(Protocol):
    def hit(self, item: RateLimitItem, *identifiers: str) -> bool: ...

    def test(self, item: RateLimitItem, *identifiers: str) -> bool: ...


class LocalWindows:
    """Exact moving windows kept in this process, each key trimmed when it is hit.

    The limits library's in-memory storage sweeps every key from a timer up to 100 times
    a second: under gevent that took 57% of a core with 500 phones connected. Here a hit
    costs a few deque operations, and keys idle for longer than their window are dropped
    once a minute.
    """

    PURGE_SECONDS = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.stamps: dict[str, deque[float]] = {}
        self.windows: dict[str, float] = {}
        self.lock = threading.Lock()
        self.next_purge = clock() + self.PURGE_SECONDS

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one hit; False (and nothing counted) when the window is full."""
        key, window, now = item.key_for(*identifiers), item.get_expiry(), self.clock()
        with self.lock:
            if now >= self.next_purge:
                self._purge(now)
            stamps = self.stamps.setdefault(key, deque())
            self.windows[key] = window
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            if len(stamps) >= item.amount:
                return False
            stamps.append(now)
            return True

    def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Whether one more hit would be allowed; nothing is counted.

        The stamps past the window are dropped, as a hit drops them: counting them one by
        one instead made each newcomer's check walk every earlier newcomer of the address
        (a room of 2,000 phones behind one Wi-Fi address: two million steps)."""
        key, window, now = item.key_for(*identifiers), item.get_expiry(), self.clock()
        with self.lock:
            stamps = self.stamps.get(key)
            if not stamps:
                return item.amount > 0
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            return len(stamps) < item.amount

    def _purge(self, now: float) -> None:
        idle = [k for k, s in self.stamps.items() if not s or s[-1] <= now - self.windows[k]]
        for key in idle:
            del self.stamps[key], self.windows[key]
        self.next_purge = now + self.PURGE_SECONDS


# Every moving window of one budget, checked and then counted only if each has room, for
# each of several checks in turn, in one round trip. The lists are those the limits
# library keeps (newest first, one timestamp a hit, trimmed to the window's amount),
# under the same keys. KEYS: each check's windows' lists, check after check; ARGV: now,
# then each window's amount and length in seconds, then 'count' or 'test'. Returns 1 or
# 0 for each check, in order (a check sees the hits the ones before it counted).
_WINDOWS_LUA = """
local now = tonumber(ARGV[1])
local rules = (#ARGV - 2) / 2
local answers = {}
for check = 0, #KEYS / rules - 1 do
  local room = 1
  for i = 1, rules do
    local oldest = redis.call('lindex', KEYS[check * rules + i], tonumber(ARGV[2 * i]) - 1)
    if oldest and tonumber(oldest) > now - tonumber(ARGV[2 * i + 1]) then
      room = 0
      break
    end
  end
  if room == 1 and ARGV[#ARGV] == 'count' then
    for i = 1, rules do
      local key = KEYS[check * rules + i]
      redis.call('lpush', key, now)
      redis.call('ltrim', key, 0, tonumber(ARGV[2 * i]) - 1)
      redis.call('expire', key, math.ceil(tonumber(ARGV[2 * i + 1])))
    end
  end
  answers[check + 1] = room
end
return answers
"""


class RedisWindows:
    """A budget's moving windows in Redis, all of them in one script call: a command paid
    one round trip per window (two for "20/second;600/minute"), and a hit counted in
    the first window stayed counted when the second refused it. Several checks of one
    budget go in one call too (``check_each``: the commands carried out together)."""

    KEY_PREFIX = "LIMITS"  # the limits library's: the same lists under the same keys

    def __init__(self, client: Redis) -> None:
        self.script = client.register_script(_WINDOWS_LUA)

    def check(self, rules: list[RateLimitItem], identifiers: tuple[str, ...], count: bool) -> bool:
        return self.check_each(rules, [identifiers], count)[0]

    def check_each(
        self, rules: list[RateLimitItem], checks: Sequence[tuple[str, ...]], count: bool
    ) -> list[bool]:
        keys = [f"{self.KEY_PREFIX}:{rule.key_for(*ids)}" for ids in checks for rule in rules]
        lengths = [value for rule in rules for value in (rule.amount, rule.get_expiry())]
        answers = self.script(keys=keys, args=[time.time(), *lengths, "count" if count else "test"])
        return [bool(answer) for answer in answers]


class Windows:
    """Named budgets per key (``{"command": "20/second;600/minute"}``), each a set of
    moving windows.

    Counts live in Redis when processes are scaled out (a client, or a storage URL:
    ``redis://`` in one script call per check, any other through the limits library);
    while Redis is away they are kept by each process, so a Redis outage never turns
    into refusals for everyone. Once the storage fails, the process counts on its own for
    ``AWAY_SECONDS`` before it tries again: a Redis that hangs rather than refuses costs
    one wait for its timeout, not one a check (a group's check is made while its
    workshop's turn is held, realtime/commands.py).
    """

    AWAY_SECONDS = 10.0

    def __init__(
        self,
        storage: str | Redis | None,
        prefix: str,
        rules: dict[str, str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.local = LocalWindows()
        self.clock = clock
        self.away_until = 0.0  # the storage failed: counted here until then
        self.redis: RedisWindows | None = None
        self.shared: Limiter = self.local
        if isinstance(storage, Redis):
            self.redis = RedisWindows(storage)
        elif storage and storage.startswith(("redis://", "rediss://")):
            self.redis = RedisWindows(redis_client(storage))
        elif storage:
            self.shared = MovingWindowRateLimiter(storage_from_string(storage))
        self.prefix = prefix
        self.rules = {kind: parse_many(text) for kind, text in rules.items()}

    def allow(self, kind: str, key: str) -> bool:
        """Count one hit; False once any of its kind's limits is exceeded (and then
        nothing is counted, in Redis)."""
        return self._each(kind, key, "hit")

    def allow_each(self, kind: str, keys: list[str]) -> list[bool]:
        """``allow`` for each key in turn (a key may come more than once), in one round
        trip to Redis for all."""
        if not keys:
            return []
        rules = self.rules[kind]
        return self._counted(
            lambda redis: redis.check_each(rules, [(self.prefix, kind, key) for key in keys], True),
            lambda limiter: [self._apply(limiter, kind, key, "hit") for key in keys],
        )

    def room(self, kind: str, key: str) -> bool:
        """Whether one more hit would be allowed; nothing is counted."""
        return self._each(kind, key, "test")

    def _each(self, kind: str, key: str, method: str) -> bool:
        rules = self.rules[kind]
        return self._counted(
            lambda redis: redis.check(rules, (self.prefix, kind, key), method == "hit"),
            lambda limiter: self._apply(limiter, kind, key, method),
        )

    def _counted(
        self, in_redis: Callable[[RedisWindows], Answer], by: Callable[[Limiter], Answer]
    ) -> Answer:
        """Counted in Redis (or the shared storage); in the process while it is away, and
        for ``AWAY_SECONDS`` after it failed."""
        if self.clock() >= self.away_until:
            try:
                return in_redis(self.redis) if self.redis is not None else by(self.shared)
            except Exception as error:  # the storage's own errors (Redis away), whatever they are
                self.away_until = self.clock() + self.AWAY_SECONDS
                log.warning(
                    "rate limits counted locally for %.0f s, storage unavailable: %s",
                    self.AWAY_SECONDS,
                    error,
                )
        return by(self.local)

    def _apply(self, limiter: Limiter, kind: str, key: str, method: str) -> bool:
        return all(
            getattr(limiter, method)(rule, self.prefix, kind, key) for rule in self.rules[kind]
        )


class SocketLimits(Windows):
    """Commands, queries (join, sync) and snapshot pages have their own budgets per actor
    or socket."""

    def __init__(
        self,
        storage: str | Redis | None,
        prefix: str,
        commands: str,
        queries: str,
        pages: str = "60/second;1800/minute",
    ) -> None:
        rules = {"command": commands, "query": queries, "page": pages}
        super().__init__(storage, prefix, rules)
