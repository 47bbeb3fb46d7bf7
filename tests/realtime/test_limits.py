"""The live channel's rate limits: exact moving windows, in the process or in Redis, and
counting goes on in the process while Redis is away."""

from __future__ import annotations

import socket
import threading
import uuid

import pytest
from limits import parse
from redis import Redis

from facilitation.realtime.limits import LocalWindows, SocketLimits, redis_client

from ..services import redis_url

FIVE_A_SECOND = parse("5/second")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def windows(clock: Clock) -> LocalWindows:
    return LocalWindows(clock)


def hits(limiter, count: int, key: str = "p1") -> list[bool]:
    return [limiter.hit(FIVE_A_SECOND, "fabrique", "command", key) for _ in range(count)]


def test_a_window_takes_its_amount_and_refuses_the_next(windows):
    assert hits(windows, 6) == [True] * 5 + [False]


def test_a_hit_is_allowed_again_once_the_oldest_leaves_the_window(windows, clock):
    hits(windows, 3)
    clock.now += 0.6
    hits(windows, 2)
    clock.now += 0.5  # the first three are now older than a second, the last two are not
    assert hits(windows, 4) == [True, True, True, False]


def test_refused_hits_do_not_count(windows, clock):
    hits(windows, 50)
    clock.now += 1.0
    assert hits(windows, 5) == [True] * 5


def test_each_participant_has_a_window_of_its_own(windows):
    hits(windows, 5, "p1")
    assert hits(windows, 1, "p2") == [True]


def test_a_check_counts_only_the_hits_still_in_the_window_and_counts_none_itself(windows, clock):
    def room() -> bool:
        return windows.test(FIVE_A_SECOND, "fabrique", "command", "p1")

    assert room()
    hits(windows, 3)
    clock.now += 0.6
    hits(windows, 2)
    assert not room()
    clock.now += 0.5  # the first three left the window
    assert room()
    assert room()  # a check counts nothing
    key = FIVE_A_SECOND.key_for("fabrique", "command", "p1")
    assert len(windows.stamps[key]) == 2  # those past the window dropped, none added
    assert hits(windows, 4) == [True, True, True, False]


def test_idle_keys_are_dropped_after_a_minute(windows, clock):
    hits(windows, 1, "gone")
    clock.now += LocalWindows.PURGE_SECONDS + 1
    hits(windows, 1, "active")
    assert list(windows.stamps) == [FIVE_A_SECOND.key_for("fabrique", "command", "active")]


@pytest.mark.redis
def test_processes_sharing_redis_share_a_participants_budget():
    prefix = f"limits-test-{uuid.uuid4().hex[:8]}"
    one, two = (SocketLimits(redis_url(), prefix, "5/minute", "5/minute") for _ in range(2))
    answers = [limits.allow("command", "p1") for limits in (one, two, one, two, one, two)]
    assert answers == [True] * 5 + [False]


def test_while_redis_is_away_the_process_counts_on_its_own():
    limits = SocketLimits("redis://127.0.0.1:1/0", "away", "5/minute", "5/minute")
    assert [limits.allow("command", "p1") for _ in range(6)] == [True] * 5 + [False]


class SilentServer:
    """A TCP server that takes connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def test_a_redis_that_hangs_is_waited_for_once_then_the_process_counts_on_its_own():
    hanging = SilentServer()
    now = [1000.0]
    try:
        client = redis_client(f"redis://127.0.0.1:{hanging.port}/0")
        limits = SocketLimits(client, "hangs", "5/minute", "5/minute")
        limits.clock = lambda: now[0]

        answers = [limits.allow("command", "p1") for _ in range(6)]
        answers.append(limits.allow_each("command", ["p2", "p2"]) == [True, True])

        assert answers == [True] * 5 + [False, True]
        assert len(hanging.accepted) == 1  # one wait for its timeout, not one a check
        now[0] += SocketLimits.AWAY_SECONDS + 1
        assert limits.allow("command", "p3")
        assert len(hanging.accepted) == 2  # tried again, a while later
    finally:
        hanging.close()


class CountingRedis(Redis):
    """A Redis client that counts the commands it sends (round trips, scripts included)."""

    sent = 0

    def execute_command(self, *args, **options):
        self.sent += 1
        return super().execute_command(*args, **options)


def window_length(client: Redis, prefix: str, rule: str, key: str = "p1") -> int:
    return client.llen(f"LIMITS:{parse(rule).key_for(prefix, 'command', key)}")


@pytest.mark.redis
def test_a_command_s_budget_is_checked_in_one_round_trip_whatever_its_windows():
    client = CountingRedis.from_url(redis_url())
    limits = SocketLimits(
        client, f"limits-test-{uuid.uuid4().hex[:8]}", "20/second;600/minute", "5/minute"
    )

    assert all(limits.allow("command", "p1") for _ in range(10))

    assert client.sent == 10  # main sent two a hit, one per window


@pytest.mark.redis
def test_a_hit_refused_by_one_window_is_counted_in_none():
    client = Redis.from_url(redis_url())
    prefix = f"limits-test-{uuid.uuid4().hex[:8]}"
    limits = SocketLimits(client, prefix, "10/second;3/minute", "5/minute")

    answers = [limits.allow("command", "p1") for _ in range(5)]

    assert answers == [True] * 3 + [False] * 2
    assert window_length(client, prefix, "10/second") == 3  # not 5: refused hits left no trace


@pytest.mark.redis
def test_asking_for_room_in_redis_counts_nothing():
    client = Redis.from_url(redis_url())
    limits = SocketLimits(client, f"limits-test-{uuid.uuid4().hex[:8]}", "5/minute", "5/minute")

    assert all(limits.room("command", "p1") for _ in range(10))
    assert [limits.allow("command", "p1") for _ in range(6)] == [True] * 5 + [False]
    assert not limits.room("command", "p1")
