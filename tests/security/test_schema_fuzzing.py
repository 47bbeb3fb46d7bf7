"""Property-based fuzzing of every socket event the server registers (HANDLERS), from a
joined phone and from the control page: arbitrary JSON values, and a valid payload with
fields dropped, added or given other types. Whatever arrives, the answer is an ack with
``ok``, never ``server_error``, and a refusal changes nothing in the database.

Each event is tried where its valid payload would succeed (conftest.py: SOCKET_ACTIONS),
so that mutations reach past the schema into the rules; a command that is accepted may
change the scene, and the next examples go on from there.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.realtime.commands import HANDLERS

from ..sockets import command_id
from .conftest import (
    SOCKET_ACTIONS,
    ask,
    build_scene,
    error_of,
    fingerprint,
    phone_client,
    prepare,
    socket_for,
    staff_client,
)

EXAMPLES = 25
SCREENS = ("phone", "control")
FRESH = "<fresh command id>"  # replaced by a new id when sent: resends are another test's
MISSING = object()  # an event sent with no payload at all

# Values that have broken text handling somewhere, sometime.
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "a\udfffb",
        "\u202eevil",
        "\u200b",
        "e\u0301",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "x" * 2000,
        "note:1",
        "group:9999999999",
        "card:0",
        "#ffffff",
        "ABCD-EFGH",
        "'; DROP TABLE notes; --",
        "\U0001f600" * 100,
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40)
    | NASTY_TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.text(max_size=12) | NASTY_TEXT, children, max_size=6)
    ),
    max_leaves=24,
)
CLAIMS = st.sampled_from(
    [
        "role",
        "workshop_id",
        "participant_id",
        "author",
        "dots",
        "hidden",
        "id",
        "user_id",
        "__proto__",
        "constructor",
        "command_id",
        "since",
        "key",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, valid: dict[str, Any]) -> dict[str, Any]:
    """The valid payload with one to three fields dropped, added or retyped."""
    payload = dict(valid)
    for change in draw(
        st.lists(st.sampled_from(["drop", "add", "retype"]), min_size=1, max_size=3)
    ):
        if change == "add":
            payload[draw(CLAIMS | st.text(max_size=12))] = draw(JSON)
        elif payload:
            name = draw(st.sampled_from(sorted(payload)))
            if change == "drop":
                del payload[name]
            else:
                payload[name] = draw(JSON)
    return payload


# Ids of rows the module's earlier scenes left behind: other workshops' notes and groups.
IDS = st.integers(min_value=1, max_value=60) | st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63])
TARGETS = st.builds("{}:{}".format, st.sampled_from(["note", "group", "card", "poll"]), IDS)


def same_type(value: Any) -> st.SearchStrategy[Any]:
    """Another value of the same JSON type: past the schema's type checks, into the rules."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return IDS | st.integers()
    if isinstance(value, str):
        return TARGETS | NASTY_TEXT | st.text(max_size=30)
    if isinstance(value, list):
        return st.lists(IDS | TARGETS, max_size=12)
    return st.none() | IDS | TARGETS


@st.composite
def tweaked(draw: st.DrawFn, valid: dict[str, Any]) -> dict[str, Any]:
    """The valid payload with some of its values replaced by others of the same type."""
    names = [name for name in sorted(valid) if name != "command_id"]
    if not names:
        return dict(valid)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    return {**valid, **{name: draw(same_type(valid[name])) for name in chosen}}


def payloads(valid: Any) -> st.SearchStrategy[Any]:
    if not isinstance(valid, dict):
        return JSON | st.just(valid) | st.just(MISSING)
    return st.one_of(
        st.just(valid), tweaked(valid), tweaked(valid), mutated(valid), JSON, st.just(MISSING)
    )


def with_fresh_id(payload: Any) -> Any:
    if isinstance(payload, dict) and payload.get("command_id") == FRESH:
        return {**payload, "command_id": command_id()}
    return payload


def valid_payload(event: str, scene: Any, screen: str) -> Any:
    action = SOCKET_ACTIONS[event]
    payload = action.payload(scene)
    if event == "join":
        payload = {**payload, "role": screen}
    return {**payload, "command_id": FRESH} if action.command else payload


def joined_socket(app: Any, scene: Any, screen: str) -> Any:
    if screen == "phone":
        http = phone_client(app, scene.a.participant)
    else:
        http = staff_client(app, scene.owner)
    sio = socket_for(app, http)
    ack = ask(sio, "join", {"code": scene.a.workshop.code, "role": screen})
    assert ack["ok"], ack
    return sio


def test_every_socket_event_is_fuzzed(module_app):
    assert set(SOCKET_ACTIONS) == set(HANDLERS)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("event", sorted(SOCKET_ACTIONS))
def test_no_payload_makes_a_socket_event_fail(module_app, staff, event, screen):
    action = SOCKET_ACTIONS[event]
    scene = build_scene(staff.owner, staff.rival, action.format_key, action.phase)
    prepare(scene, action.before)
    sio = joined_socket(module_app, scene, screen)
    valid = valid_payload(event, scene, screen)

    @given(payload=payloads(valid))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(payload: Any) -> None:
        before = fingerprint()
        args = () if payload is MISSING else (with_fresh_id(payload),)
        ack = ask(sio, event, *args)
        if event == "disconnect":  # a plain handler: no answer, and the socket stays
            assert ack == []
            assert fingerprint() == before
            return
        assert isinstance(ack, dict), ack
        assert isinstance(ack.get("ok"), bool), ack
        if not ack["ok"]:
            assert ack["error"]["code"] != "server_error", (payload, ack)
            assert fingerprint() == before, (payload, ack)

    try:
        send()
        if event == "join":  # a refused join leaves the workshop (docs/protocol.md)
            assert error_of(ask(sio, "join", valid)) is None
        assert error_of(ask(sio, "sync", {"since": 0})) is None  # still joined, still heard
    finally:
        sio.disconnect()
