"""Fault injection with real processes: nothing acknowledged is ever lost, retries never
duplicate, and every board converges to the database within 10 s of connectivity
returning. Each scenario prints its figures (and appends them to artifacts/)."""

from __future__ import annotations

import time

import pytest

from .actors import Ledger
from .conftest import make_boards, make_phones
from .scenario import run

pytestmark = [
    pytest.mark.processes,
    pytest.mark.chaos,
    # A socket client whose server was killed leaves its socket to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
PHONES, BOARDS = 10, 2


def scenario(cluster, name, fault, phones=PHONES):
    ledger = Ledger()
    outcome = run(
        cluster,
        name,
        fault,
        make_phones(cluster, phones, ledger),
        make_boards(cluster, BOARDS),
        ledger,
    )
    assert outcome.attempted == outcome.acknowledged
    assert (outcome.lost, outcome.duplicated, outcome.boards_diverged) == (0, 0, 0)
    assert outcome.resync_seconds <= 10
    return outcome


def test_an_app_process_killed_under_load_loses_nothing(cluster):
    scenario(cluster, "sigkill one app process", lambda phones: cluster.servers[0].kill())


@pytest.mark.parametrize("seconds", [5, 30])
def test_a_redis_restart_loses_nothing(cluster, seconds):
    def restart(phones):
        cluster.redis.stop()
        time.sleep(seconds)
        cluster.redis.start()

    scenario(cluster, f"redis down {seconds}s", restart)


def test_a_redis_that_hangs_for_ten_seconds_loses_nothing(cluster):
    def hang(phones):
        cluster.redis.freeze()
        try:
            time.sleep(10)
        finally:
            cluster.redis.thaw()

    scenario(cluster, "redis hangs 10s", hang)


@pytest.mark.parametrize("seconds", [3, 30])
def test_a_phone_offline_while_posting_loses_nothing(cluster, seconds):
    def offline(phones):
        for phone in phones[:3]:
            phone.go_offline(seconds)
        time.sleep(seconds)  # connectivity returns when the phones are back

    scenario(cluster, f"phones offline {seconds}s", offline)


def test_postgresql_away_for_ten_seconds_loses_nothing(cluster):
    def outage(phones):
        cluster.proxy.cut()
        time.sleep(10)
        cluster.proxy.restore()

    scenario(cluster, "postgresql down 10s", outage)


def test_a_command_resent_across_a_reconnect_counts_once(cluster):
    def resend(phones):
        for index, phone in enumerate(phones):
            phone.post_and_drop(f"resent across a reconnect {index}")

    scenario(cluster, "same command across reconnect", resend)
