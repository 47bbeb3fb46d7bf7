"""Every message the server sends arrives whole, however big and however slow the reader
(gunicorn with a gevent worker, the WebSocket layer in production use)."""

from __future__ import annotations

import hashlib

import pytest
import socketio

from ..slowreader import SlowReader

pytestmark = pytest.mark.processes

BIG_FRAMES = "tests.processes.bigframes:app"


def intact(message: dict) -> bool:
    data = message["data"]
    return (
        len(data) == message["size"]
        and hashlib.sha256(data.encode()).hexdigest() == message["sha256"]
    )


def test_a_six_megabyte_message_arrives_whole(start_server):
    server = start_server("big", app=BIG_FRAMES, REDIS_URL="")
    client = socketio.Client(reconnection=False)
    client.connect(server.url, transports=["websocket"])
    try:
        ack = client.call("test.big_ack", {"size": 6_000_000}, timeout=30)
        assert ack["size"] == 6_000_000
        assert intact(ack)
        assert client.call("test.big_ack", {"size": 10}, timeout=10)["size"] == 10  # still in step
    finally:
        client.disconnect()


def test_a_slow_reader_receives_every_byte_of_several_large_messages_in_order(start_server):
    server = start_server("big", app=BIG_FRAMES, REDIS_URL="")
    reader = SlowReader(server.url, receive_buffer=4096, chunk=4096, pause=0.0005)
    try:
        reader.emit("test.big_messages", {"count": 3, "size": 1_600_000}, ack_id=1)
        received = [reader.next_event(timeout=60) for _ in range(4)]
        bigs = [data for name, data in received if name == "big"]
        assert [message["index"] for message in bigs] == [0, 1, 2]
        assert all(intact(message) for message in bigs)
        assert ("ack:1", {"sent": 3}) in received
    finally:
        reader.close()
