"""JSON as the live channel reads it: the standard library's, with integers bounded; and
packets that never look for bytes in what Fabrique sends.

engineio's own reader raises on an integer of more than 100 digits, so such a message was
dropped without an ack. This one reads it as ±10¹⁰⁰ instead — beyond every field's bound —
so that its schema refuses it as ``invalid``, like any other number out of range.
"""

from __future__ import annotations

import json
from typing import Any

from socketio.packet import Packet

MAX_DIGITS = 100  # engineio's bound: longer digit strings are never turned into an int
BEYOND = 10**MAX_DIGITS

dumps = json.dumps


def _integer(text: str) -> int:
    if len(text) <= MAX_DIGITS:
        return int(text)
    return -BEYOND if text.startswith("-") else BEYOND


def loads(text: str | bytes, **kwargs: Any) -> Any:
    return json.loads(text, parse_int=_integer, **kwargs)


class TextPacket(Packet):
    """What Fabrique sends is JSON, never bytes: the server does not walk every value of
    every outgoing message looking for some (python-socketio's default, a quarter of the
    server's time during a mass join, whose snapshots hold hundreds of notes each).
    Messages clients send are decoded as before, binary ones included."""

    uses_binary_events = False
