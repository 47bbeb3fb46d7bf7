"""Several app processes serve one workshop through Redis and PostgreSQL."""

from __future__ import annotations

import time

import pytest
import requests

from ..clients import LiveClient, join_as_participant

pytestmark = pytest.mark.processes


def test_a_note_posted_through_one_process_reaches_a_board_on_another(start_server, live_workshop):
    process_a, process_b = start_server("a"), start_server("b")
    phone_http = join_as_participant(process_a.url, live_workshop["code"], "Léa")
    phone = LiveClient(process_a.url, phone_http).connect()
    board = LiveClient(process_b.url).connect()
    try:
        assert phone.join(live_workshop["code"], "phone")["ok"]
        assert board.join(live_workshop["code"], "board", live_workshop["key"])["ok"]
        ack = phone.send("note.post", area="ideas", text="Traverse les processus")
        assert ack["ok"]
        assert board.wait_for(lambda c: any(e["seq"] == ack["seq"] for e in c.events))
        event = next(e for e in board.events if e["seq"] == ack["seq"])
        assert event["type"] == "note.posted"
        assert event["data"]["text"] == "Traverse les processus"
    finally:
        phone.close()
        board.close()


def test_notes_posted_through_two_processes_in_one_window_reach_a_board_as_one_message(
    start_server, live_workshop
):
    """Each process publishes its window's batch through Redis; the board's process
    delivers what every process published in that window as one message, not one each."""
    window = 1.0  # long enough that two notes fall in one window, whatever the machine
    process_a = start_server("a", COALESCE_MS=str(int(window * 1000)))
    process_b = start_server("b", COALESCE_MS=str(int(window * 1000)))
    writers = [
        LiveClient(server.url, join_as_participant(server.url, live_workshop["code"])).connect()
        for server in (process_a, process_b)
    ]
    board = LiveClient(process_a.url).connect()
    try:
        for writer in writers:
            assert writer.join(live_workshop["code"], "phone")["ok"]
        assert board.join(live_workshop["code"], "board", live_workshop["key"])["ok"]
        for attempt in range(3):
            # Windows are slots of the clock, which this test shares with the servers:
            # start both notes early in one.
            time.sleep(window - time.time() % window + 0.05)
            slot = time.time() // window
            acks = [
                writer.send("note.post", area="ideas", text=f"Note {attempt}") for writer in writers
            ]
            if time.time() // window == slot:
                break
        assert [ack["ok"] for ack in acks] == [True, True]
        seqs = {ack["seq"] for ack in acks}
        assert board.wait_for(lambda c: seqs <= {e["seq"] for e in c.events})
        assert [message for message in board.messages if seqs & set(message)] == [sorted(seqs)]
        # Each phone still receives its own note (its own room), and only that.
        for writer, ack in zip(writers, acks, strict=True):
            assert writer.wait_for(lambda c, seq=ack["seq"]: seq in {e["seq"] for e in c.events})
    finally:
        for client in (*writers, board):
            client.close()


def test_presence_counts_phones_on_every_process(start_server, live_workshop):
    process_a, process_b = start_server("a"), start_server("b")
    clients = []
    try:
        for server in (process_a, process_b, process_b):
            http = join_as_participant(server.url, live_workshop["code"])
            client = LiveClient(server.url, http).connect()
            assert client.join(live_workshop["code"], "phone")["ok"]
            clients.append(client)
        board = LiveClient(process_a.url).connect()
        clients.append(board)
        board.join(live_workshop["code"], "board", live_workshop["key"])
        assert board.wait_for(
            lambda c: bool(c.heartbeats) and c.heartbeats[-1]["participants"] == 3, timeout=10
        )
    finally:
        for client in clients:
            client.close()


def test_a_phone_fetches_the_rooms_body_from_whichever_process_it_reaches(
    start_server, live_workshop
):
    """A body's signed address is good on every process: the one that made the snapshot
    serves the bytes it kept, another reads the same body again."""
    process_a, process_b = start_server("a"), start_server("b")
    writer_http = join_as_participant(process_a.url, live_workshop["code"], "Léa")
    writer = LiveClient(process_a.url, writer_http).connect()
    phone_http = join_as_participant(process_b.url, live_workshop["code"], "Noé")
    phone = LiveClient(process_b.url, phone_http).connect()
    try:
        assert writer.join(live_workshop["code"], "phone")["ok"]
        mine = writer.send("note.post", area="ideas", text="Vu par toute la salle")
        assert mine["ok"]
        ack = phone.call("join", {"code": live_workshop["code"], "role": "phone", "fetch": True})
        snapshot = ack["snapshot"]
        assert "notes" not in snapshot
        bodies = [
            requests.get(f"{server.url}{snapshot['common']}", timeout=10)
            for server in (process_b, process_a)
        ]
        assert [body.status_code for body in bodies] == [200, 200]
        assert bodies[0].headers["Content-Encoding"] == "gzip"
        assert bodies[0].json() == bodies[1].json()
        assert bodies[0].json()["public_head"] == snapshot["public_head"]
        folder, _, _signature = snapshot["common"].rpartition("/")
        forged = f"{folder}/{'0' * 32}.json"
        assert requests.get(f"{process_a.url}{forged}", timeout=10).status_code == 404
    finally:
        writer.close()
        phone.close()
