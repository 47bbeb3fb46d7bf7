"""A socket's messages travel uncompressed: the server declines the compression a browser
offers (permessage-deflate), which cost each socket a deflate state and each message its
own compression, for events of a few hundred bytes
(realtime/websocket.py)."""

from __future__ import annotations

import pytest

from ..slowreader import SlowReader

pytestmark = pytest.mark.processes

BIG_FRAMES = "tests.processes.bigframes:app"


def test_a_browser_s_offer_of_compression_is_declined_and_its_messages_arrive_as_sent(
    start_server,
):
    server = start_server("big", app=BIG_FRAMES, REDIS_URL="")
    reader = SlowReader(server.url, receive_buffer=65536, chunk=65536, offer_compression=True)
    try:
        assert reader.accepted
        assert reader.extensions == []
        reader.emit("test.big_ack", {"size": 50_000}, ack_id=1)
        before = reader.received_bytes
        name, ack = reader.next_event(timeout=30)
        assert name == "ack:1"
        assert ack["size"] == 50_000
        # Uncompressed, the frame is at least as long as the message it carries.
        assert reader.received_bytes - before >= 50_000
    finally:
        reader.close()
