"""JSON as the live channel reads it: the standard library's, with integers bounded;
packets that never look for bytes in what Fabrique sends; and items shared by many
screens' answers encoded once, their text spliced into each answer.

engineio's own reader raises on an integer of more than 100 digits, so such a message was
dropped without an ack. This one reads it as ±10¹⁰⁰ instead — beyond every field's bound —
so that its schema refuses it as ``invalid``, like any other number out of range.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from socketio.packet import Packet

MAX_DIGITS = 100  # engineio's bound: longer digit strings are never turned into an int
BEYOND = 10**MAX_DIGITS


class Encoded(dict[str, Any]):
    """An item many screens receive alike (the common part of the phones' snapshots),
    with its JSON text made once. Everywhere it is the dict it holds; an answer that
    carries it (``spliced``) gets that text as is, instead of encoding it once per
    screen: after a phase change, encoding the same notes for each of 2,000 phones was
    two fifths of the server's time."""

    __slots__ = ("text",)
    text: str


# One encoder for every item: ``json.dumps`` with separators builds a new one per call.
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


def encoded(item: dict[str, Any]) -> Encoded:
    if isinstance(item, Encoded):
        return item
    shared = Encoded(item)
    shared.text = _ENCODE(item)
    return shared


class _Spliced:
    """A run of encoded items, side by side in a list: their texts, comma-joined."""

    __slots__ = ("count", "text")

    def __init__(self, text: str, count: int) -> None:
        self.text, self.count = text, count


def _runs(items: list[Any]) -> list[Any]:
    """The list with each run of encoded items made one piece of text: the encoder then
    calls back once per run (a page of common notes, between a phone's own), not per item."""
    out: list[Any] = []
    run: list[str] = []
    for item in items:
        if isinstance(item, Encoded):
            run.append(item.text)
            continue
        if run:
            out.append(_Spliced(",".join(run), len(run)))
            run = []
        out.append(item)
    if run:
        out.append(_Spliced(",".join(run), len(run)))
    return out


def spliced(answer: dict[str, Any], depth: int = 3) -> dict[str, Any]:
    """The answer with its encoded items marked to be spliced in by ``dumps``: the lists
    directly in it, or in the objects it holds (a snapshot's sections), ``depth`` deep."""
    out: dict[str, Any] = {}
    for key, value in answer.items():
        if isinstance(value, list):
            value = _runs(value)
        elif isinstance(value, dict) and depth > 1 and not isinstance(value, Encoded):
            value = spliced(value, depth - 1)
        out[key] = value
    return out


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps``, with the text of spliced items put in as it was made. Each is first
    written as a placeholder string no user text can hold (a NUL, which text fields never
    keep, and a random token drawn for this message), then replaced."""
    texts: list[str] = []
    token = ""

    def splice(item: Any) -> str:
        nonlocal token
        if not isinstance(item, _Spliced):
            raise TypeError(f"Object of type {type(item).__name__} is not JSON serializable")
        token = token or secrets.token_hex(8)
        texts.append(item.text)
        return f"\x00{token}:{len(texts) - 1}"

    text = json.dumps(value, default=splice, **kwargs)
    if not texts:
        return text
    placeholder = re.compile(rf'"(?:\\u0000|\x00){token}:(\d+)"')
    return placeholder.sub(lambda found: texts[int(found.group(1))], text)


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
