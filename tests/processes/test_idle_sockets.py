"""Connections that never join: cut after a few seconds, capped per client address, so
an idle flood cannot fill the worker — ``/healthz`` and real phones keep working.

The server sits behind a pretend proxy (``PROXY_COUNT=1``): each client names its address
in ``X-Forwarded-For``, as nginx would, so one machine plays several addresses.
"""

from __future__ import annotations

import socket
import time
from contextlib import ExitStack, closing

import pytest
import requests
import socketio
import websocket

from ..clients import CSRF
from ..servers import ServerProcess

pytestmark = pytest.mark.processes

JOIN_SECONDS = 2
PER_ADDRESS = 20
FLOODER = "203.0.113.66"
SETTINGS = {
    "SOCKET_JOIN_SECONDS": str(JOIN_SECONDS),
    "SOCKET_UNJOINED_PER_ADDRESS": str(PER_ADDRESS),
    "PROXY_COUNT": "1",
}


@pytest.fixture
def server(start_server) -> ServerProcess:
    return start_server("doors", **SETTINGS)


def engine_io(server: ServerProcess, address: str, timeout: float = 5) -> websocket.WebSocket:
    """A raw WebSocket to the live channel from ``address``: the Engine.IO handshake only."""
    url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
    return websocket.create_connection(
        url, origin=server.url, header=[f"X-Forwarded-For: {address}"], timeout=timeout
    )


def flood(server: ServerProcess, count: int, stack: ExitStack) -> int:
    """Open ``count`` idle sockets from the flooder's address; how many were accepted."""
    accepted = 0
    for _ in range(count):
        try:
            ws = stack.enter_context(closing(engine_io(server, FLOODER, timeout=1)))
        except (websocket.WebSocketException, OSError):
            continue
        accepted += ws.recv().startswith("0{")
    return accepted


def closed_within(ws: websocket.WebSocket, seconds: float) -> bool:
    """Whether the server ends this (politely read) connection within ``seconds``."""
    deadline = time.monotonic() + seconds
    ws.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            if ws.recv() in ("", b""):
                return True
        except websocket.WebSocketTimeoutException:
            continue
        except (websocket.WebSocketConnectionClosedException, OSError):
            return True
    return False


def upgrade_by_hand(server: ServerProcess) -> socket.socket:
    """A client that completes the WebSocket handshake and then never answers anything,
    not even the server's closing handshake."""
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    raw.sendall(
        (
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nOrigin: {server.url}\r\n"
            f"X-Forwarded-For: {FLOODER}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    return raw


def shut_within(raw: socket.socket, seconds: float) -> bool:
    """Whether the server closes this TCP connection within ``seconds`` (end of stream)."""
    deadline = time.monotonic() + seconds
    raw.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            if raw.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


class Phone:
    """A real phone from ``address``: joins over HTTP as after the QR code, then opens its
    socket and joins the workshop."""

    def __init__(self, server: ServerProcess, address: str) -> None:
        self.server, self.address = server, address
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = address
        self.sio = socketio.Client(reconnection=False)

    def join(self, code: str) -> dict:
        base = self.server.url
        page = self.http.get(f"{base}/j/{code}", timeout=5)
        form = {"csrf_token": CSRF.search(page.text).group(1), "nickname": ""}  # type: ignore[union-attr]
        self.http.post(f"{base}/j/{code}", data=form, timeout=5).raise_for_status()
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        headers = {"Cookie": cookies, "X-Forwarded-For": self.address}
        self.sio.connect(base, headers=headers, transports=["websocket"], wait_timeout=5)
        return self.sio.call("join", {"code": code, "role": "phone"}, timeout=5)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        self.http.close()


# --- The tests ------------------------------------------------------------------------------


def test_a_socket_that_never_joins_is_cut_after_the_deadline(server):
    with closing(engine_io(server, "192.0.2.10")) as ws:
        assert ws.recv().startswith("0{")
        ws.send("40")  # Socket.IO CONNECT, then nothing
        assert closed_within(ws, JOIN_SECONDS + 3)


def test_a_client_ignoring_the_closing_handshake_is_cut_all_the_same(server):
    with closing(upgrade_by_hand(server)) as raw:
        assert shut_within(raw, JOIN_SECONDS + 3)


def test_an_idle_flood_from_one_address_holds_no_more_than_the_cap(server):
    with ExitStack() as stack:
        assert flood(server, 3 * PER_ADDRESS, stack) == PER_ADDRESS


def test_the_cap_of_one_address_leaves_another_address_free(server):
    with ExitStack() as stack:
        flood(server, 2 * PER_ADDRESS, stack)
        with closing(engine_io(server, "192.0.2.11")) as ws:
            assert ws.recv().startswith("0{")


def test_healthz_and_a_real_phone_keep_working_through_an_idle_flood(start_server, live_workshop):
    small = start_server("small", **SETTINGS, WORKER_CONNECTIONS="100")
    with ExitStack() as stack:
        flood(small, 110, stack)  # more sockets than the worker takes connections
        assert requests.get(f"{small.url}/healthz", timeout=3).ok
        phone = stack.enter_context(closing(Phone(small, "198.51.100.23")))
        assert phone.join(live_workshop["code"])["ok"]


def test_a_room_behind_one_address_stays_joined_beyond_the_cap(server, live_workshop):
    with ExitStack() as stack:
        phones = [stack.enter_context(closing(Phone(server, "192.0.2.99"))) for _ in range(30)]
        assert all(phone.join(live_workshop["code"])["ok"] for phone in phones)
        time.sleep(JOIN_SECONDS + 2)
        assert all(phone.sio.connected for phone in phones)
