"""Several app processes serve one workshop through Redis and PostgreSQL."""

from __future__ import annotations

import pytest

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
