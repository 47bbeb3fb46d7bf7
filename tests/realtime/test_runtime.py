"""Presence and heartbeat: every screen learns the head sequence number and the head count."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from facilitation.auth import Actor, ActorKind
from facilitation.realtime.presence import Connections
from facilitation.realtime.runtime import Runtime, runtime

from ..services import redis_url


def heartbeats(screen):
    return [message["args"][0] for message in screen.received("heartbeat")]


def test_a_heartbeat_tells_every_screen_the_head_sequence_numbers(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    phone = screens(workshop)
    phone.send("note.post", area="ideas", text="Silencieuse")
    runtime().tick(now=10_000)
    beat = heartbeats(board)[-1]
    assert (beat["head"], beat["public_head"]) == (2, 1)
    assert heartbeats(phone)[-1]["head"] == 2


def test_the_board_counts_connected_participants(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    phones = [screens(workshop) for _ in range(3)]
    phones[0].close()
    runtime().tick(now=10_000)
    assert heartbeats(board)[-1]["participants"] == 2


def test_a_change_in_presence_is_announced(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    screens(workshop)
    runtime().tick(now=10_000)
    assert board.received("presence")[-1]["args"][0] == {"participants": 1}


def test_phones_learn_the_count_from_the_heartbeat_not_from_each_change(
    workshop, screens, facilitator
):
    """A crowd joining changes the count every second: phones are not sent each change."""
    control = screens(workshop, "control", user=facilitator)
    phone = screens(workshop)
    phone.received()
    control.received()
    screens(workshop)
    runtime().tick(now=10_000)  # presence changed, and a heartbeat is due
    assert control.received("presence")[-1]["args"][0] == {"participants": 2}
    received = {message["name"]: message["args"][0] for message in phone.received()}
    assert "presence" not in received
    assert received["heartbeat"]["participants"] == 2


def test_staff_screens_are_not_counted_as_participants(workshop, screens, facilitator):
    screens(workshop, "board", user=facilitator)
    screens(workshop, "control", user=facilitator)
    assert runtime().participant_count(workshop.id) == 0


def test_a_participant_on_two_tabs_counts_once(workshop, screens):
    first = screens(workshop)
    screens(workshop, participant=first.participant)
    assert runtime().participant_count(workshop.id) == 1


class Recorder:
    """Stands in for the Socket.IO server to see what a process would emit."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict, str]] = []

    def emit(self, name, payload, to, ignore_queue=False):
        self.emitted.append((name, payload, to, ignore_queue))


def participant(workshop_id: int, participant_id: int) -> Actor:
    return Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant_id)


@pytest.fixture
def processes(make_app):
    """Two processes' runtimes sharing the real Redis."""
    app = make_app(REDIS_URL=redis_url())
    with app.app_context():
        live = [Runtime(app, Recorder()), Runtime(app, Recorder())]
        yield live
        live[0].redis.delete(*live[0].redis.keys(f"{live[0].prefix}:*") or ["none"])


@pytest.mark.redis
def test_presence_counts_participants_across_processes(processes, workshop):
    first, second = processes
    first.joined("sid-1", participant(workshop.id, 1))
    second.joined("sid-2", participant(workshop.id, 2))
    second.joined("sid-3", participant(workshop.id, 1))
    assert first.participant_count(workshop.id) == 2


@pytest.mark.redis
def test_a_participant_leaving_one_process_stays_present_through_another(processes, workshop):
    first, second = processes
    first.joined("sid-1", participant(workshop.id, 1))
    first.joined("sid-2", participant(workshop.id, 1))
    first.left("sid-1")
    assert second.participant_count(workshop.id) == 1
    first.left("sid-2")
    assert second.participant_count(workshop.id) == 0


@pytest.mark.redis
def test_each_process_beats_for_its_own_screens_without_redis(processes, workshop):
    for live in processes:
        live.joined(f"sid-{id(live)}", participant(workshop.id, 1))
        live.beat([workshop.id])
    beats = [e for live in processes for e in live.socketio.emitted if e[0] == "heartbeat"]
    assert [(to, ignore_queue) for _, _, to, ignore_queue in beats] == [
        (f"w{workshop.id}", True),
        (f"w{workshop.id}", True),
    ]


@pytest.mark.redis
def test_a_crowd_joining_at_once_waits_for_redis_connections_and_is_counted_exactly(
    make_app, workshop, caplog
):
    app = make_app(REDIS_URL=redis_url(), REDIS_MAX_CONNECTIONS=4)
    with app.app_context():
        live = Runtime(app, Recorder())
        try:
            assert live.redis.connection_pool.max_connections == 4

            workshop_id = workshop.id

            def join(n: int) -> None:
                with app.app_context():
                    live.joined(f"sid-{n}", participant(workshop_id, n))

            with ThreadPoolExecutor(50) as pool:
                list(pool.map(join, range(1, 301)))
            assert "presence not updated" not in caplog.text
            assert live.participant_count(workshop_id) == 300
        finally:
            live.redis.delete(*live.redis.keys(f"{live.prefix}:*") or ["none"])


def test_the_participant_count_follows_sockets_joining_leaving_and_joining_elsewhere():
    connections = Connections()
    lea, tom = (Actor(ActorKind.PARTICIPANT, 1, participant_id=pid) for pid in (10, 11))
    board = Actor(ActorKind.BOARD, 1)
    connections.add("a", lea)
    connections.add("b", lea)  # a second tab
    connections.add("c", tom)
    connections.add("d", board)
    assert connections.participant_count(1) == 2
    connections.remove("a")
    assert connections.has_participant(1, 10)
    connections.add("b", Actor(ActorKind.PARTICIPANT, 2, participant_id=10))  # joined another
    assert not connections.has_participant(1, 10)
    assert connections.participant_count(1) == 1
    assert connections.participants() == {1: {11}, 2: {10}}
    connections.remove("c")
    connections.remove("b")
    assert connections.participants() == {}
    assert connections.participant_count(1) == 0
