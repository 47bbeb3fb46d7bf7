"""Socket handlers of a workshop: join (snapshot), sync (catch up), move between phases."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import join_room, leave_room
from marshmallow import Schema, fields, validate

from .. import entry
from ..accounts import services as accounts
from ..auth import Actor, ActorKind
from ..errors import Forbidden, NotAuthenticated, NotFound, RateLimited
from ..extensions import socketio
from ..participants import services as participants
from ..realtime import eventlog
from ..realtime.commands import actor_check, command, current_actor, on, query
from ..realtime.protocol import participant_room, staff_room, workshop_room
from ..realtime.runtime import Runtime, runtime, sweep
from ..realtime.schemas import CommandSchema, Seq, StrictBoolean, SyncSchema
from ..syntheses import publication
from ..targets import resolve
from . import controls, services
from .models import Workshop
from .schemas import (
    BoardViewSchema,
    JoiningSchema,
    LockSchema,
    MovePhaseSchema,
    PublishSchema,
    SpotlightSchema,
    TimerSchema,
)
from .snapshots import SECTIONS, catch_up, page, snapshot


class JoinSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 20))
    role = fields.String(required=True, validate=validate.OneOf(["phone", "board", "control"]))
    key = fields.String(load_default=None, validate=validate.Length(max=64))
    since = Seq(load_default=None)
    # The screen fetches a common part's body over HTTP (a phone's live.js does): its
    # snapshots carry the body's address and its own items (docs/protocol.md).
    fetch = StrictBoolean(load_default=False)


class SnapshotPageSchema(Schema):
    """A snapshot's cursor, as the previous page (or the join or sync ack) gave it."""

    head = Seq(required=True)
    section = fields.String(required=True, validate=validate.OneOf(SECTIONS))
    after = Seq(required=True)  # an id, or 0 at a section's start: within the same bounds


def _same(given: str, secret: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), secret.encode())


def _resolve(workshop: Workshop, role: str, key: str | None) -> Actor:
    if role == "phone":
        token = request.cookies.get(participants.cookie_name(workshop.id))
        seat = participants.seat_of(workshop.id, token)
        if seat is None or not participants.keeps_seat(workshop, seat):
            raise NotAuthenticated()
        return Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=seat.id)
    if services.can_run(current_user, workshop):
        kind = ActorKind.FACILITATOR if role == "control" else ActorKind.BOARD
        return Actor(kind, workshop.id, user_id=current_user.id, session=current_user.session_token)
    # As bytes: compare_digest raises TypeError on a str with non-ASCII characters.
    if role == "board" and key and _same(key, workshop.board_key):
        return Actor(ActorKind.BOARD, workshop.id)
    raise Forbidden()


def _leave() -> None:
    """A socket is in one workshop at a time, and a ``join`` — accepted or refused — first
    leaves the one it was in: the client asked to be elsewhere, and a refused join must
    not leave it acting where it no longer means to (its next command: not_authenticated).

    The rooms are those of the actor it joined as (``_enter_rooms``): asking Socket.IO for
    a socket's rooms walks every room of the process, and a join of 2,000 phones, each with
    a room of its own, made that quadratic (5% of a mass join's time)."""
    live = runtime()
    joined = live.actor(request.sid)  # type: ignore[attr-defined]
    if joined is not None:
        for room in _rooms_of(joined):
            leave_room(room)
    live.left(request.sid)  # type: ignore[attr-defined]
    live.admission.rearm(live.eio_sid(request.sid))  # unjoined again: a deadline again


def _rooms_of(actor: Actor) -> list[str]:
    """The rooms a socket joined as ``actor`` is in."""
    own = [workshop_room(actor.workshop_id)]
    if actor.is_staff:
        own.append(staff_room(actor.workshop_id))
    elif actor.participant_id is not None:
        own.append(participant_room(actor.workshop_id, actor.participant_id))
    return own


def _enter_rooms(actor: Actor) -> None:
    for room in _rooms_of(actor):
        join_room(room)


@actor_check
def _staff_sign_in_holds(actor: Actor) -> None:
    """Every event after ``join``: a staff member's socket acts only while their sign-in
    holds (account active; no sign-out, password change or suspension since) and they
    still run the workshop. Refused, the socket leaves the workshop until it joins again.
    Phones, and boards opened with the board key, have no account: nothing is read."""
    if actor.user_id is None:
        return
    # One statement reads the account and the workshop's creator by primary key; the user
    # loader then checks, on that account, the sign-in this socket's session names.
    account, creator = services.account_and_creator(actor.user_id, actor.workshop_id)
    signed_in = current_user.is_authenticated and current_user.id == actor.user_id
    if account is None or not signed_in:
        _leave()
        raise NotAuthenticated()
    if not services.runs(current_user, creator):
        _leave()
        raise Forbidden()


@sweep
def _staff_signed_out(joined: dict[str, Actor]) -> list[str]:
    """At every heartbeat: the staff screens of this process whose sign-in has ended
    (sign-out, password change, suspension) are disconnected, so that they stop receiving
    the workshop's events without waiting for their next command. One query per beat."""
    staff = {sid: actor for sid, actor in joined.items() if actor.user_id is not None}
    if not staff:
        return []
    holding = accounts.sessions_holding({actor.user_id or 0 for actor in staff.values()})
    return [sid for sid, actor in staff.items() if holding.get(actor.user_id or 0) != actor.session]


NO_ENTRY = _l("No workshop you may enter has this code. Check it, or join from its page.")


def _admit(data: dict[str, Any]) -> tuple[Workshop, Actor]:
    """The workshop and who this socket is in it.

    Every refusal is the same answer — an unknown or ended code, no participant cookie, no
    right to run it, a wrong board key — and counts as a failed lookup from this address
    (``entry.py``, shared with the pages): the socket cannot tell real codes from wrong
    ones, and cannot guess faster than a browser.
    """
    try:
        workshop = services.find_by_code(data["code"])
        return workshop, _resolve(workshop, data["role"], data["key"])
    except (NotFound, NotAuthenticated, Forbidden):
        raise entry.failed_lookup(NotAuthenticated(NO_ENTRY)) from None


def _make_room(live: Runtime, actor: Actor) -> None:
    """A participant holds a few sockets at most (tabs, a phone changing networks), so
    one participant cookie cannot hold the worker's connections."""
    cap = current_app.config["SOCKETS_PER_PARTICIPANT"]
    if actor.participant_id is not None and live.connections.sockets_of(actor) >= cap:
        raise RateLimited(_l("This page is open in too many tabs or windows."))


@query("join", JoinSchema(), prepare=_leave)
def join(data: dict[str, Any]) -> dict[str, Any]:
    """Join a workshop's rooms, then read its state (rooms first: nothing falls between).

    A screen coming back gives ``since``, its last sequence number, and receives what it
    missed (or a snapshot when that is simpler); a new screen receives a snapshot.
    """
    live = runtime()
    eio_sid = live.eio_sid(request.sid)  # type: ignore[attr-defined]
    with live.admission.answering(eio_sid):  # no deadline while this join is answered
        workshop, actor = _admit(data)
        _make_room(live, actor)
        _enter_rooms(actor)
        live.joined(request.sid, actor)  # type: ignore[attr-defined]
        live.admission.admit(eio_sid)
    count = live.participant_count(workshop.id)
    if data["since"] is None:
        return {"snapshot": snapshot(actor, workshop, count, fetch=data["fetch"])}
    return catch_up(actor, workshop, data["since"], count, fetch=data["fetch"])


@query("sync", SyncSchema())
def sync(data: dict[str, Any]) -> dict[str, Any]:
    """A screen catching up: where the room's stream is first (one statement), then the
    workshop, from this process's copy when the stream says it still holds."""
    actor = current_actor()
    position = eventlog.position(actor.workshop_id)
    workshop = services.workshop_at(actor.workshop_id, position.workshop_version)
    count = runtime().participant_count(workshop.id)
    return catch_up(actor, workshop, data["since"], count, fetch=data["fetch"], position=position)


@query("snapshot.page", SnapshotPageSchema(), limit="page")
def snapshot_page(data: dict[str, Any]) -> dict[str, Any]:
    """The next page of the snapshot this screen is assembling."""
    actor = current_actor()
    return page(actor, services.get_workshop(actor.workshop_id), data)


@command("phase.move", MovePhaseSchema())
def move_phase(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    controls.move_phase(actor, workshop, data["index"])
    return {"phase_index": workshop.phase_index}


@command("timer.start", TimerSchema())
def start_timer(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    return {"workshop": services.state(controls.start_timer(actor, workshop, data["seconds"]))}


@command("timer.add", TimerSchema())
def add_time(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    return {"workshop": services.state(controls.add_time(actor, workshop, data["seconds"]))}


@command("timer.pause", CommandSchema())
def pause_timer(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    return {"workshop": services.state(controls.pause_timer(actor, workshop))}


@command("timer.resume", CommandSchema())
def resume_timer(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    return {"workshop": services.state(controls.resume_timer(actor, workshop))}


@command("timer.stop", CommandSchema())
def stop_timer(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    return {"workshop": services.state(controls.stop_timer(actor, workshop))}


@command("workshop.lock", LockSchema())
def lock(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    controls.set_lock(actor, workshop, data["locked"])
    return {"workshop": services.state(workshop)}


@command("workshop.joining", JoiningSchema())
def joining(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    controls.set_joining(actor, workshop, data["open"])
    return {"workshop": services.state(workshop)}


@command("spotlight", SpotlightSchema())
def spotlight(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    actor.require_facilitator()
    if data["target"] is not None:
        resolve(workshop.id, data["target"], ("note", "group", "card"))
    controls.set_spotlight(actor, workshop, data["target"])
    return {"workshop": services.state(workshop)}


@command("board.view", BoardViewSchema())
def board_view(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    actor.require_facilitator()
    if data["focus"] and data["focus"].startswith("group:"):
        resolve(workshop.id, data["focus"], ("group",))
    controls.set_board_view(actor, workshop, data["mode"], data["focus"], data["page"])
    return {"workshop": services.state(workshop)}


@command("workshop.end", CommandSchema())
def end(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    controls.end_workshop(actor, workshop)
    return {"workshop": services.state(workshop)}


@command("synthesis.publish", PublishSchema())
def publish_synthesis(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = services.get_workshop(actor.workshop_id)
    publication.publish(actor, workshop, data["published"])
    return {"workshop": services.state(workshop)}


@on("disconnect")
def disconnect(*_: Any) -> None:
    """The socket is gone. A client may also send an event named "disconnect": the server
    marks a socket as leaving before a real disconnect, so one still connected is ignored."""
    if socketio.server.manager.is_connected(request.sid, "/"):  # type: ignore[attr-defined]
        return
    runtime().left(request.sid)  # type: ignore[attr-defined]
