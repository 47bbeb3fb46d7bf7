"""The app as deployed (gunicorn, gevent, the same WebSocket layer), plus two socket events
that answer with large messages: what tests/processes/test_big_messages.py sends through
the WebSocket layer. Test-only; never imported by the app."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from flask import request

from facilitation import create_app
from facilitation.extensions import socketio

MAX_SIZE = 8_000_000

app = create_app()


def blob(size: int, index: int) -> dict[str, Any]:
    """Random, incompressible text of ``size`` characters, with its digest."""
    size = max(0, min(int(size), MAX_SIZE))
    data = base64.b64encode(os.urandom(size)).decode()[:size]
    return {
        "index": index,
        "size": size,
        "sha256": hashlib.sha256(data.encode()).hexdigest(),
        "data": data,
    }


def big_ack(payload: dict[str, Any]) -> dict[str, Any]:
    return blob(payload["size"], 0)


def big_messages(payload: dict[str, Any]) -> dict[str, Any]:
    for index in range(min(int(payload["count"]), 10)):
        socketio.emit("big", blob(payload["size"], index), to=request.sid)  # type: ignore[attr-defined]
    return {"sent": payload["count"]}


socketio.on_event("test.big_ack", big_ack)
socketio.on_event("test.big_messages", big_messages)
