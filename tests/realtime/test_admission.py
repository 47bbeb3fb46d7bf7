"""Which connections the live channel keeps: the bookkeeping of sockets that have not
joined (tests/processes/test_idle_sockets.py runs it in a real server), and the cap on
the sockets one participant may join from."""

from __future__ import annotations

import pytest

from facilitation.realtime.admission import Admission


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def door(clock: Clock) -> Admission:
    return Admission(join_seconds=10, per_address=2, clock=clock)


def test_an_address_holds_no_more_unjoined_connections_than_the_cap(door):
    assert [door.arrive(sid, "192.0.2.1") for sid in "abc"] == [True, True, False]


def test_a_joined_connection_frees_its_addresss_place(door):
    door.arrive("a", "192.0.2.1")
    door.arrive("b", "192.0.2.1")
    door.admit("a")
    assert door.arrive("c", "192.0.2.1")


def test_a_connection_is_overdue_once_its_deadline_passes(door, clock):
    door.arrive("a", "192.0.2.1")
    clock.now += 9.9
    assert list(door.overdue()) == []
    clock.now += 0.1
    assert list(door.overdue()) == ["a"]


def test_a_connection_answering_its_join_is_not_cut(door, clock):
    door.arrive("a", "192.0.2.1")
    with door.answering("a"):
        clock.now += 60
        assert list(door.overdue()) == []
    assert list(door.overdue()) == ["a"]


def test_a_cut_connection_frees_its_addresss_place(door, clock):
    door.arrive("a", "192.0.2.1")
    door.arrive("b", "192.0.2.1")
    clock.now += 10
    door.overdue()
    assert door.arrive("c", "192.0.2.1")


def test_a_joined_connection_that_leaves_its_workshop_gets_a_deadline_again(door, clock):
    door.arrive("a", "192.0.2.1")
    door.admit("a")
    clock.now += 60
    door.rearm("a")  # a new join begins: it may be refused
    clock.now += 10
    assert list(door.overdue()) == ["a"]


# --- Sockets per participant --------------------------------------------------------------


def test_one_participant_joins_from_five_sockets_at_most(workshop, screens):
    first = screens(workshop)
    others = [screens(workshop, participant=first.participant, join=False) for _ in range(5)]
    answers = [other.join() for other in others]
    assert [answer["ok"] for answer in answers] == [True] * 4 + [False]
    assert answers[-1]["error"]["code"] == "rate_limited"


def test_a_socket_joining_again_keeps_its_place(workshop, screens):
    first = screens(workshop)
    others = [screens(workshop, participant=first.participant) for _ in range(4)]
    assert others[-1].join()["ok"]
