"""What travels on the live channel: JSON both ways; the server never walks what it sends
looking for bytes, and bytes a client sends are refused like any wrong type."""

from __future__ import annotations

import collections
import enum
import json
from typing import Any

import pytest
from socketio import packet
from sqlalchemy import func, select

from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.realtime import wire
from facilitation.workshops import shared

from ..bulk import insert_notes
from ..sockets import command_id


def test_a_message_with_bytes_from_a_client_gets_an_invalid_ack_and_changes_nothing(
    workshop, screens
):
    phone = screens(workshop)
    payload = {"command_id": command_id(), "area": "ideas", "text": b"\x00\xff des octets"}

    ack = phone.emit("note.post", payload)

    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid"
    assert db.session.scalar(select(func.count(Note.id))) == 0


def test_acks_and_events_leave_without_being_walked_for_bytes(
    workshop, screens, control, monkeypatch: pytest.MonkeyPatch
):
    """python-socketio's default walks every value of every message it sends to look for
    bytes: a snapshot of hundreds of notes, for each phone of a mass join."""
    control.send("phase.move", index=1)  # the reveal: every phone reads every note
    ids = insert_notes(workshop.id, 300)
    walked: list[Any] = []
    original = packet.Packet.data_is_binary.__func__  # type: ignore[attr-defined]

    def watched(cls: type, data: Any) -> bool:
        if isinstance(data, list) and data and isinstance(data[0], dict) and "ok" in data[0]:
            walked.append(data)  # an ack the server sends (clients send lists of names)
        if isinstance(data, list) and data and data[0] == "events":
            walked.append(data)
        return original(cls, data)

    monkeypatch.setattr(packet.Packet, "data_is_binary", classmethod(watched))

    phone = screens(workshop)
    assert len(phone.state.notes) == 300
    assert control.send("note.edit", id=ids[0], text="Corrigée")["ok"]

    assert walked == []


def test_an_answer_with_encoded_items_reads_as_its_plain_encoding():
    tricky = '« guillemets » "quotes" \\ back, é, 👍, a NUL \x00, \\u0000 and </script>'
    common = [wire.encoded({"id": i, "text": f"{tricky} {i}", "mine": None}) for i in (1, 2, 4)]
    own = {"id": 3, "text": "à moi", "mine": True}
    notes = [*common[:2], own, common[2]]  # common notes around a phone's own
    answer = {"ok": True, "snapshot": {"head": 3, "notes": notes, "groups": [common[0]]}}
    plain = json.loads(json.dumps(answer))  # the same values, no item encoded already

    sent = wire.dumps(answer)

    assert json.loads(sent) == plain
    assert sent == wire.dumps(plain)
    assert "«" in sent  # sent in UTF-8, not escaped to ASCII


def test_values_orjson_leaves_to_others_are_sent_as_the_standard_library_sends_them():
    class Kind(enum.StrEnum):
        NOTE = "note"

    class Rank(enum.IntEnum):
        FIRST = 1

    value = {
        "huge": 10**30,  # past 64 bits: orjson refuses it
        "echoed": "\ud800 a lone surrogate",  # as is a malformed payload's text
        "kind": Kind.NOTE,
        "rank": Rank.FIRST,
        "counts": collections.Counter({7: 2}),  # a dict subclass, with an int key
        "pair": collections.namedtuple("Pair", "a b")(1, "b"),
    }
    orjsons_own = {key: item for key, item in value.items() if key not in ("huge", "echoed")}

    assert json.loads(wire.dumps(value)) == json.loads(json.dumps(value))
    assert json.loads(wire.dumps(orjsons_own)) == json.loads(json.dumps(orjsons_own))
    assert wire.size_of(value) == len(wire.dumps(value).encode())
    with pytest.raises(ValueError, match="compact"):
        wire.dumps(value, separators=(", ", ": "))


def test_forty_phones_joining_after_the_reveal_encode_each_common_note_once(
    workshop, screens, control, monkeypatch: pytest.MonkeyPatch
):
    """Each common note is encoded when the common part first reads it; every phone's
    answer puts that JSON in rather than encoding the note again."""
    control.send("phase.move", index=1)  # the reveal: every phone reads every note
    insert_notes(workshop.id, 300)
    made: list[int] = []
    put_in: list[int] = []
    encode, plain = shared.encoded, wire._plain

    def counted_encode(item: dict[str, Any]) -> wire.Encoded:
        made.append(item["id"])
        return encode(item)

    def counted_plain(value: Any) -> Any:
        if isinstance(value, wire.Encoded):
            put_in.append(value["id"])
        return plain(value)

    monkeypatch.setattr(shared, "encoded", counted_encode)
    monkeypatch.setattr(wire, "_plain", counted_plain)

    phones = [screens(workshop) for _ in range(40)]

    assert all(len(phone.state.notes) == 300 for phone in phones)
    assert sorted(made) == sorted(set(made))
    assert len(made) == 300
    assert len(put_in) == 40 * 300


@pytest.mark.parametrize(
    "text",
    [
        '["note.post",{"command_id":"a1","area":"ideas","text":"Vélo \\u00e9 \\ud83d\\udeb2"}]',
        '["vote.cast",{"target":"note:12","delta":-1,"since":1.5e3,"fetch":true,"x":null}]',
        b'["sync",{"since":7}]',
        '["sync",{"since":7}]'.encode("utf-16"),
    ],
)
def test_what_a_client_sends_reads_as_json_reads_it(text):
    assert wire.loads(text) == json.loads(text)


def test_an_integer_too_long_to_be_an_id_reads_as_one_out_of_every_range():
    digits = "9" * 400
    assert wire.loads(f'{{"id": {digits}, "n": -{digits}}}') == {
        "id": wire.BEYOND,
        "n": -wire.BEYOND,
    }
