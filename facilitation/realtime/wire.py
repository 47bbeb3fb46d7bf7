"""JSON on the live channel: read by the standard library's decoder, with integers
bounded; written by orjson, items shared by many screens' answers encoded once and their
JSON put into each answer as it is; packets that never look for bytes in what Fabrique
sends.

engineio's own reader raises on an integer of more than 100 digits, so such a message was
dropped without an ack. This one reads it as ±10¹⁰⁰ instead — beyond every field's bound —
so that its schema refuses it as ``invalid``, like any other number out of range.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import orjson
from socketio.packet import Packet

MAX_DIGITS = 100  # engineio's bound: longer digit strings are never turned into an int
BEYOND = 10**MAX_DIGITS

# A subclass of a built-in type (an encoded item among them) goes to ``_plain``; keys may
# be ints, as the standard library allows.
_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_NON_STR_KEYS


class Encoded(dict[str, Any]):
    """An item many screens receive alike (the common part of the phones' snapshots),
    with its JSON made once. Everywhere it is the dict it holds; an answer that carries
    it, anywhere, gets that JSON as is (``dumps``), instead of encoding it once per
    screen: after a phase change, encoding the same notes for each of 2,000 phones was
    two fifths of the server's time."""

    __slots__ = ("fragment", "size")
    fragment: orjson.Fragment
    size: int  # bytes of its JSON


def encoded(item: dict[str, Any]) -> Encoded:
    if isinstance(item, Encoded):
        return item
    shared = Encoded(item)
    text = _encode(item)
    shared.fragment, shared.size = orjson.Fragment(text), len(text)
    return shared


def _plain(value: Any) -> Any:
    """What orjson is given for a subclass of a built-in type: an encoded item's JSON; an
    enum's value; for any other, the built-in value it holds."""
    if isinstance(value, Encoded):
        return value.fragment
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list | tuple):  # a named tuple among them
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _encode(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=_plain, option=_OPTIONS)
    except orjson.JSONEncodeError:
        # What orjson refuses and the standard library writes: an integer past 64 bits, a
        # lone surrogate (a malformed payload's text, echoed in its error ack), nesting
        # past 254 levels. Written as before, escaped to ASCII; items encoded already are
        # encoded again, as the dicts they are.
        return json.dumps(value, separators=(",", ":")).encode()


def dumps(value: Any, separators: tuple[str, str] = (",", ":")) -> str:
    """JSON as Socket.IO sends it: compact, in UTF-8 (not escaped to ASCII), with the JSON
    of encoded items put in as it was made."""
    if separators != (",", ":"):
        raise ValueError("The live channel sends compact JSON only.")
    return _encode(value).decode()


def size_of(item: Any) -> int:
    """Bytes of an item's JSON as ``dumps`` sends it."""
    return item.size if isinstance(item, Encoded) else len(_encode(item))


def _integer(text: str) -> int:
    if len(text) <= MAX_DIGITS:
        return int(text)
    return -BEYOND if text.startswith("-") else BEYOND


# One decoder for every message: json.loads with an argument builds a new decoder (and
# its scanner) per call, twice the time of decoding a phone's small command.
_DECODER = json.JSONDecoder(parse_int=_integer)


def loads(text: str | bytes, **kwargs: Any) -> Any:
    if kwargs:
        return json.loads(text, parse_int=_integer, **kwargs)
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return _DECODER.decode(text)


class TextPacket(Packet):
    """What Fabrique sends is JSON, never bytes: the server does not walk every value of
    every outgoing message looking for some (python-socketio's default, a quarter of the
    server's time during a mass join, whose snapshots hold hundreds of notes each).
    Messages clients send are decoded as before, binary ones included."""

    uses_binary_events = False
