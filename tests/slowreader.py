"""A raw Socket.IO client over a WebSocket whose receive buffer is tiny and which reads
slowly: what a phone on a weak link looks like to the server's writes. It speaks just
enough Engine.IO 4 and Socket.IO 5 (open, connect, ping/pong, events and acks) over
wsproto, without compression (unless asked to offer it, as a browser does), so the bytes
on the wire are the messages themselves."""

from __future__ import annotations

import json
import socket
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)
from wsproto.extensions import Extension, PerMessageDeflate


class SlowReader:
    def __init__(
        self,
        url: str,
        receive_buffer: int = 4096,
        chunk: int = 4096,
        pause: float = 0.001,
        offer_compression: bool = False,
    ) -> None:
        parts = urlsplit(url)
        self.chunk, self.pause = chunk, pause
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(10)
        self.sock.connect((parts.hostname, parts.port))
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.messages: deque[str] = deque()
        self.partial: list[str] = []
        self.accepted = False
        self.extensions: list[Extension] = []  # those the server accepted
        self.received_bytes = 0
        target = "/socket.io/?EIO=4&transport=websocket"
        offered: list[Extension] = [PerMessageDeflate()] if offer_compression else []
        self._write(self.ws.send(Request(host=parts.netloc, target=target, extensions=offered)))
        self.handshake = self._next_message(10)  # Engine.IO "open": 0{"sid": …}
        self._send_text("40")  # Socket.IO connect to the default namespace
        connected = self._next_message(10)
        assert connected.startswith("40"), connected

    def emit(self, event: str, data: Any, ack_id: int | None = None) -> None:
        prefix = "42" if ack_id is None else f"42{ack_id}"
        self._send_text(prefix + json.dumps([event, data]))

    def next_event(self, timeout: float) -> tuple[str, Any]:
        """The next Socket.IO event (name, data) or ack ("ack:<id>", data)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self._next_message(deadline - time.monotonic())
            if message == "2":  # Engine.IO ping
                self._send_text("3")
                continue
            if message.startswith("42"):
                name, data = json.loads(message[2:])
                return name, data
            if message.startswith("43"):
                digits = len(message) - len(message[2:].lstrip("0123456789"))
                return f"ack:{message[2:digits]}", json.loads(message[digits:])[0]

    def close(self) -> None:
        self.sock.close()

    def _send_text(self, text: str) -> None:
        self._write(self.ws.send(TextMessage(data=text)))

    def _write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _next_message(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while not self.messages:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no whole message; {self.received_bytes} bytes received")
            self._read()
        return self.messages.popleft()

    def _read(self) -> None:
        data = self.sock.recv(self.chunk)
        if not data:
            raise ConnectionError(f"closed by the server after {self.received_bytes} bytes")
        self.received_bytes += len(data)
        time.sleep(self.pause)
        self.ws.receive_data(data)
        for event in self.ws.events():
            self._handle(event)

    def _handle(self, event: Any) -> None:
        if isinstance(event, AcceptConnection):
            self.accepted = True
            self.extensions = list(event.extensions)
        elif isinstance(event, RejectConnection):
            raise ConnectionError("the WebSocket upgrade was refused")
        elif isinstance(event, Ping):
            self._write(self.ws.send(event.response()))
        elif isinstance(event, CloseConnection):
            raise ConnectionError(f"closed by the server: {event.code} {event.reason}")
        elif isinstance(event, TextMessage):
            self.partial.append(event.data)
            if event.message_finished:
                self.messages.append("".join(self.partial))
                self.partial = []
