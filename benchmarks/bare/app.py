"""A bare python-socketio server on Fabrique's wire: the yardstick every figure is a ratio to.

Served like Fabrique (``gunicorn --config gunicorn.conf.py benchmarks.bare.app:app``: one
gevent worker) with the same Socket.IO options, event names, ack shapes, rooms and
coalescing window, and the HTTP steps the load generator takes (``/j/<code>``,
``/login``, ``/healthz``), but no database, no schemas, no rate limits: what a note or a
vote costs when only the framework and the fan-out are paid for.

The workshop comes from the environment: ``BARE_FORMAT`` (brainstorm), ``BARE_CODE``,
``BARE_BOARD_KEY`` and ``BARE_PHASE`` (the phase index to start in).
"""

from __future__ import annotations

import os
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any

import socketio

from .state import Actor, Refused, Workshop

COALESCE_MS = int(os.environ.get("COALESCE_MS", "25"))
HEARTBEAT_SECONDS = 3.0
PARTICIPANT_COOKIE, STAFF_COOKIE = "bare_p", "bare_staff"
STAFF_TOKEN = secrets.token_urlsafe(16)
ROOM, STAFF_ROOM = "w1", "w1:staff"

workshop = Workshop(os.environ.get("BARE_FORMAT", "brainstorm"))
workshop.code = os.environ.get("BARE_CODE", workshop.code)
workshop.board_key = os.environ.get("BARE_BOARD_KEY", workshop.board_key)
workshop.phase_index = int(os.environ.get("BARE_PHASE", "0"))
sio = socketio.Server(
    async_mode="gevent", max_http_buffer_size=64 * 1024, ping_interval=20, ping_timeout=20
)
cookies: dict[str, dict[str, str]] = {}  # sid -> the cookies its handshake sent
actors: dict[str, Actor] = {}  # sid -> who joined on it
buffer: list[tuple[tuple[str, ...], dict[str, Any]]] = []


def participant_count() -> int:
    return len({a.participant_id for a in actors.values() if a.participant_id is not None})


def publish(rooms: tuple[str, ...], wire: dict[str, Any]) -> None:
    """Coalesce like Fabrique's broadcaster: one ``events`` message per rooms per window."""
    buffer.append((rooms, wire))
    if len(buffer) == 1:
        sio.start_background_task(flush)


def flush() -> None:
    sio.sleep(COALESCE_MS / 1000)
    items, buffer[:] = list(buffer), []
    by_rooms: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for rooms, wire in items:
        by_rooms.setdefault(rooms, []).append(wire)
    for rooms, events in by_rooms.items():
        sio.emit("events", {"events": events}, to=list(rooms))


def rooms_for(audience: str, participant: int | None) -> tuple[str, ...]:
    if audience == "all":
        return (ROOM,)
    if audience == "staff" or participant is None:
        return (STAFF_ROOM,)
    return (STAFF_ROOM, f"w1:p{participant}")


def heartbeat() -> None:
    """Every few seconds the heads, and the presence count when it changed."""
    last = -1
    while True:
        sio.sleep(HEARTBEAT_SECONDS)
        count = participant_count()
        if count != last:
            sio.emit("presence", {"participants": count}, to=ROOM)
            last = count
        beat = {"head": workshop.head(), "public_head": workshop.public_head,
                "participants": count, "now": time.time()}  # fmt: skip
        sio.emit("heartbeat", beat, to=ROOM)


def refusal(error: Refused, payload: Any) -> dict[str, Any]:
    command_id = payload.get("command_id") if isinstance(payload, dict) else None
    return {"ok": False, "command_id": command_id,
            "error": {"code": error.code, "message": error.message}}  # fmt: skip


def resolve(sid: str, data: dict[str, Any]) -> Actor:
    if data.get("code") != workshop.code:
        raise Refused("not_found")
    jar = cookies.get(sid, {})
    if data.get("role") == "phone":
        token = jar.get(PARTICIPANT_COOKIE)
        if token not in workshop.participants:
            raise Refused("not_authenticated")
        return Actor("participant", workshop.participants[token])
    if jar.get(STAFF_COOKIE) == STAFF_TOKEN:
        return Actor("facilitator" if data.get("role") == "control" else "board")
    if data.get("role") == "board" and data.get("key") == workshop.board_key:
        return Actor("board")
    raise Refused("forbidden")


@sio.event
def connect(sid: str, environ: dict[str, Any], *_: Any) -> None:
    jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    cookies[sid] = {name: morsel.value for name, morsel in jar.items()}


@sio.event
def disconnect(sid: str, *_: Any) -> None:
    cookies.pop(sid, None)
    actors.pop(sid, None)


@sio.on("join")
def join(sid: str, data: Any) -> dict[str, Any]:
    try:
        actor = resolve(sid, data if isinstance(data, dict) else {})
    except Refused as error:
        return refusal(error, data)
    for room in sio.rooms(sid):
        if room != sid:
            sio.leave_room(sid, room)
    sio.enter_room(sid, ROOM)
    sio.enter_room(sid, STAFF_ROOM if actor.staff else f"w1:p{actor.participant_id}")
    actors[sid] = actor
    if data.get("since") is None:
        return {"ok": True, "snapshot": workshop.snapshot(actor, participant_count())}
    return {"ok": True, **workshop.catch_up(actor, data["since"], participant_count())}


@sio.on("sync")
def sync(sid: str, data: Any) -> dict[str, Any]:
    actor = actors.get(sid)
    if actor is None or not isinstance(data, dict) or not isinstance(data.get("since"), int):
        return refusal(Refused("invalid"), data)
    return {"ok": True, **workshop.catch_up(actor, data["since"], participant_count())}


def command(name: str, sid: str, payload: Any) -> dict[str, Any]:
    """Idempotent by command id, acked like Fabrique, published after the change."""
    actor = actors.get(sid)
    try:
        if actor is None:
            raise Refused("not_authenticated")
        if not isinstance(payload, dict) or not isinstance(payload.get("command_id"), str):
            raise Refused("invalid")
        stored = workshop.commands.get((actor.key, payload["command_id"]))
        if stored is not None:
            return {**stored, "duplicate": True}
        event, data = carry_out(name, actor, payload)
    except Refused as error:
        return refusal(error, payload)
    ack = {"ok": True, "command_id": payload["command_id"], "seq": event.seq, "data": data}
    workshop.commands[(actor.key, payload["command_id"])] = ack
    publish(rooms_for(event.audience, event.participant_id), event.wire())
    return {**ack, "duplicate": False}


def carry_out(name: str, actor: Actor, payload: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    if name == "note.post":
        if actor.staff:
            raise Refused("forbidden")
        area, text = payload.get("area"), payload.get("text")
        if not isinstance(area, str) or not isinstance(text, str):
            raise Refused("invalid")
        event = workshop.post(actor, area, text, payload.get("color"))
        return event, {"note": event.data}
    if name in ("vote.cast", "vote.retract"):
        target = payload.get("target")
        if not isinstance(target, str):
            raise Refused("invalid")
        return workshop.vote(actor, target, 1 if name == "vote.cast" else -1)
    index = payload.get("index")
    if not isinstance(index, int):
        raise Refused("invalid")
    event = workshop.move(actor, index)
    return event, {"phase_index": workshop.phase_index}


for _name in ("note.post", "vote.cast", "vote.retract", "phase.move"):
    sio.on(_name, lambda sid, payload=None, _n=_name: command(_n, sid, payload))
sio.start_background_task(heartbeat)

FORM = b'<form method="post"><input name="csrf_token" value="bare"></form>'


def http(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The HTTP steps the load generator takes: join as a participant, sign in, health."""
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    if path == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    if path not in (f"/j/{workshop.code}", "/login"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    if method == "GET":
        start_response("200 OK", [("Content-Type", "text/html")])
        return [FORM]
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if path == "/login":
        cookie = f"{STAFF_COOKIE}={STAFF_TOKEN}"
    else:
        token = secrets.token_urlsafe(16)
        workshop.join(token)
        cookie = f"{PARTICIPANT_COOKIE}={token}"
    headers = [("Location", "/"), ("Set-Cookie", f"{cookie}; Path=/; HttpOnly")]
    start_response("302 Found", headers)
    return [b""]


app = socketio.WSGIApp(sio, http)
