"""The socket edge: one wrapper that turns a handler into a safe, idempotent command.

Every socket handler reads as: load the payload with its schema, resolve the actor, call
one service, commit, ack. Commands carry a client-generated ``command_id``; a command
sent again returns the stored ack, marked ``duplicate``, and changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Container
from typing import Any, NamedTuple, cast

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from .. import metrics
from ..auth import Actor
from ..database import Inserted, carrying, per_transaction, unwritten, utcnow
from ..errors import (
    Conflict,
    FabriqueError,
    InvalidInput,
    NotAuthenticated,
    RateLimited,
    error_ack,
    from_validation,
)
from ..extensions import WRITE_INTENT, db
from ..logs import failure
from . import eventlog, publish
from .busy import Job, Unread
from .models import Command
from .runtime import runtime
from .schemas import Sent

log = logging.getLogger(__name__)

Handler = Callable[[Actor, dict[str, Any]], dict[str, Any]]

# Socket handlers declared by the features, registered on each app's server by the factory.
HANDLERS: dict[str, Callable[..., Any]] = {}
# The commands a participant's screen sends that are carried out with others waiting for
# the same workshop's turn (``command(…, grouped=True)``).
GROUPED: set[str] = set()
# The table of which each command of a name inserts a row (``command(…, new_row=…)``).
NEW_ROWS: dict[str, Any] = {}
# The queries answered beside their socket's reader (``query(…, aside=True)``).
ASIDE: set[str] = set()
# A socket's queries answered aside at once; one more is refused (``rate_limited``).
ASIDE_AT_ONCE = 3
ASIDE_KEY = "fabrique.aside"


def register_handlers(socketio: Any) -> None:
    for name, handler in HANDLERS.items():
        socketio.on_event(name, handler)
    socketio.on_event("*", unknown_event)  # any other name (python-socketio would drop it)
    _answer_aside(socketio.server, ASIDE)


def _answer_aside(server: Any, names: Container[str]) -> None:
    """The queries named in ``names`` are answered each in a greenlet of its own, so that
    the socket's reader goes on to its next messages meanwhile (docs/architecture.md, "A
    socket's events, in order"): a facilitator's phase change is not held up by a
    grouping suggestion waiting seconds for the similarity process. Every other event is
    handled in the reader, in order, as python-socketio does with ``async_handlers=False``.

    python-socketio chooses per server, not per event: its ``_handle_event`` is wrapped
    here (python-socketio 5.x; tests/processes/test_one_socket.py fails if that changes).
    Under the threading server (the tests' in-process clients) every event stays in the
    reader: its test client reads each ack as the event returns."""
    if server.async_mode != "gevent":
        return
    in_order = server._handle_event

    def handle_event(eio_sid: str, namespace: str | None, id: int | None, data: Any) -> None:
        if not (isinstance(data, list) and data and data[0] in names):
            in_order(eio_sid, namespace, id, data)
            return
        namespace = namespace or "/"
        sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
        if server.manager.is_connected(sid, namespace):
            server.start_background_task(
                server._handle_event_internal, server, sid, eio_sid, data, namespace, id
            )

    server._handle_event = handle_event


def on(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a plain socket handler (connect, disconnect)."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        HANDLERS[name] = handler
        return handler

    return decorate


class ServerError(FabriqueError):
    code, status = "server_error", 500
    default_message = _l("Something went wrong on the server; nothing was changed.")


# Checks a feature adds on the actor of every event after ``join``, before it acts; each
# raises a FabriqueError to refuse (workshops: a staff member's sign-in still holds).
ACTOR_CHECKS: list[Callable[[Actor], None]] = []


def actor_check(check: Callable[[Actor], None]) -> Callable[[Actor], None]:
    ACTOR_CHECKS.append(check)
    return check


def _joined_actor() -> Actor:
    actor = runtime().actor(request.sid)  # type: ignore[attr-defined]
    if actor is None:
        raise NotAuthenticated(_l("Join a workshop first."))
    return actor


def _still_allowed(actor: Actor) -> Actor:
    for check in ACTOR_CHECKS:
        check(actor)
    return actor


def current_actor() -> Actor:
    """The actor this socket joined as, still allowed to act (refused before ``join``)."""
    return _still_allowed(_joined_actor())


def load(schema: Schema, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput(_l("The message must be an object."))
    try:
        return schema.load(payload)
    except ValidationError as error:
        raise from_validation(error) from error


SENT, UNREAD = Sent(), "fabrique.unread"  # the field, and where a socket keeps its Unread
clock = time.monotonic  # when a socket's messages are read and answered (tests set their own)


def _without_sent(payload: Any) -> tuple[Any, float]:
    """The command's payload without its ``sent`` (when the screen sent it, by its own
    clock: not part of what the command asks), and the seconds it waited unread in its
    socket (busy.py: ``Unread``)."""
    if not isinstance(payload, dict) or "sent" not in payload:
        return payload, 0.0
    rest = {key: value for key, value in payload.items() if key != "sent"}
    try:
        sent = cast(float, SENT.deserialize(payload["sent"]))  # null is refused: never None
    except ValidationError as error:
        raise InvalidInput(fields={"sent": error.messages}) from None
    return rest, _unread().waited(sent, clock())


def _unread() -> Unread:
    """This socket's ``Unread``, kept in its WSGI environ (the socket's, for all its events)."""
    environ = request.environ
    unread = environ.get(UNREAD)
    if unread is None:
        unread = environ[UNREAD] = Unread()
    return unread


def _command_id(payload: Any) -> str | None:
    value = payload.get("command_id") if isinstance(payload, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


def _digest(data: dict[str, Any]) -> str:
    """What a command asked for, as its schema loaded it, its id aside: a resend of the
    same command has the same digest."""
    asked = {key: value for key, value in data.items() if key != "command_id"}
    return hashlib.sha256(json.dumps(asked, sort_keys=True, default=str).encode()).hexdigest()


def _stored_ack(actor: Actor, command_id: str, name: str, digest: str) -> dict[str, Any] | None:
    """The ack of this command if it was already carried out; a ``conflict`` when its id
    was used for another command (another name or payload): replaying that ack would
    tell the client a command succeeded that was never carried out."""
    stored = db.session.execute(
        select(Command.name, Command.digest, Command.ack).where(
            Command.actor == actor.key, Command.command_id == command_id
        )
    ).first()
    if stored is None:
        return None
    if stored.name != name or stored.digest not in (None, digest):  # None: stored before
        raise Conflict(_l("This command id was already used for another command."))
    return {**stored.ack, "duplicate": True}


def _carry_out(
    name: str,
    actor: Actor,
    data: dict[str, Any],
    handler: Handler,
    grouped: bool = False,
    unread: float = 0.0,
) -> dict[str, Any]:
    # The workshop's turn (its stream row's lock) orders its changes across processes;
    # queueing for it in this process first, before taking a database connection, keeps a
    # burst from filling the pool with connections that only wait for that lock. When
    # the queue is already too long to be served in time, the command is refused here,
    # before any database work (``Busy``, retryable: the screen sends it again later). A
    # staff screen's command (a phase move, a merge) is never refused: few, and the room
    # waits on them. The wait counts the time the command already waited unread in its
    # socket, behind the socket's earlier messages (``unread``).
    turn = runtime().turn(actor.workshop_id)
    if grouped and not actor.is_staff:
        return turn.grouped(Job(_Asked(name, actor, data, handler)), _carry_out_together, unread)
    with turn.taken(refusable=not actor.is_staff, unread=unread):
        return _carry_out_in_turn(name, actor, data, handler)


class _Asked(NamedTuple):
    name: str
    actor: Actor
    data: dict[str, Any]
    handler: Handler


def _carry_out_together(jobs: list[Job]) -> None:
    """Carry out the commands that waited together for their workshop's turn (a burst of
    notes, a room's dots) in as few transactions as they allow: all or nothing, in one
    turn and one commit, each acked once that commit is done. A command refused, or sent
    again, is carried out alone, on the path that rolls back and replays its ack; the
    ones before it together again first: each ends as it would have alone, in the order
    they came."""
    rest = _within_budget(jobs)
    size = len(rest)
    while rest:
        if size == 1:
            _alone(rest.pop(0))
            size = len(rest)
            continue
        done = _together(rest[:size])
        if done == size:
            rest = rest[size:]
            size = len(rest)
        else:
            size = done or 1  # those before the one that failed; or that one, alone


def _within_budget(jobs: list[Job]) -> list[Job]:
    """The jobs whose participants' command budgets have room, each hit counted, in one
    check for all (in Redis, one round trip rather than one a command: a tenth of a
    note's time in a scaled-out worker); the others are refused (``rate_limited``), as
    they were before their turn."""
    keys = [job.work.actor.key for job in jobs]
    within: list[Job] = []
    for job, allowed in zip(jobs, runtime().limits.allow_each("command", keys), strict=True):
        if allowed:
            within.append(job)
        else:
            job.finish(error=RateLimited())
    return within


# In Session.info: (transaction, the actors of the commands it carries out together).
TOGETHER_KEY = "fabrique.together"


def carried_out_together() -> list[Actor]:
    """The actors of the commands the current transaction carries out together (none on
    a command's own path): what each of them will need may be read for all at once."""
    return per_transaction(db.session(), TOGETHER_KEY, list)


def participants_together(participant_id: int, read: Container[int]) -> list[int]:
    """This participant and those of the commands carried out together with it, but
    those already ``read``, in order: what one of them needs is read for all at once."""
    together = (actor.participant_id for actor in carried_out_together())
    wanted = {participant_id, *(p for p in together if p is not None)}
    return sorted(p for p in wanted if p not in read)


ASKED_KEY = "fabrique.together.asked"


def asked_together() -> list[tuple[str, dict[str, Any]]]:
    """The names and payloads of the commands the current transaction carries out
    together, in their order (none on a command's own path)."""
    return per_transaction(db.session(), ASKED_KEY, list)


def _new_rows(names: list[str]) -> Counter[Any]:
    """The rows of each table the commands of these names will insert."""
    return Counter(NEW_ROWS[name] for name in names if name in NEW_ROWS)


def _together(jobs: list[Job]) -> int:
    """Carry out these commands in one transaction: commit and finish them all, or roll
    back at the first that fails and return how many went through before it."""
    asked = jobs[0].work
    new_rows = _new_rows([job.work.name for job in jobs])
    eventlog.take_turn(asked.actor.workshop_id, new_rows=new_rows)
    carried_out_together().extend(job.work.actor for job in jobs)
    asked_together().extend((job.work.name, job.work.data) for job in jobs)
    acks: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for job in jobs:
        try:
            ack, row = _grouped_in_turn(job.work)
        except Exception:
            db.session.rollback()
            return len(acks)
        acks.append(ack)
        rows.append(row)
    stored = _stored_together(rows)
    if stored < len(rows):  # a resend among them: those before it go together again
        db.session.rollback()
        return stored
    try:
        db.session.commit()
    except Exception as error:  # each sender handles it as its own (a dead connection: again)
        db.session.rollback()
        for job in jobs:
            job.finish(error=error)
    else:
        metrics.TOGETHER.observe(len(jobs))
        for job, ack in zip(jobs, acks, strict=True):
            job.finish(result=ack)
    return len(jobs)


def _alone(job: Job) -> None:
    metrics.TOGETHER.observe(1)
    try:
        job.finish(result=_carry_out_in_turn(*job.work))
    except Exception as error:
        db.session.rollback()
        job.finish(error=error)


def _grouped_in_turn(asked: _Asked) -> tuple[dict[str, Any], dict[str, Any]]:
    """One command among others in the turn's transaction: as ``_carry_out_in_turn``,
    without its commit, and raising where that one would roll back. Its ack, and its
    row for ``commands`` (stored with the others', ``_stored_together``)."""
    name, actor, data, handler = asked
    _still_allowed(actor)
    command_id = data["command_id"]
    before = publish.pending_count(db.session)
    result = handler(actor, data)
    ack = {"ok": True, "command_id": command_id, "seq": publish.pending_head(db.session, before)}
    ack["data"] = result
    return {**ack, "duplicate": False}, _row(actor, command_id, name, _digest(data), ack)


def _stored_together(rows: list[dict[str, Any]]) -> int:
    """Store the commands carried out together, in one statement; how many, from the
    first, were stored before one whose id was taken already (a resend, maybe of one
    earlier in the same burst: the first sending is stored, the next is not)."""
    taken = {(r.actor, r.command_id) for r in _stored(rows)}
    for count, row in enumerate(rows):
        key = (row["actor"], row["command_id"])
        if key not in taken:
            return count
        taken.discard(key)
    return len(rows)


def _carry_out_in_turn(
    name: str, actor: Actor, data: dict[str, Any], handler: Handler
) -> dict[str, Any]:
    # The turn comes first: the actor and everything the handler checks are read after
    # it, and stay true until the commit (eventlog.take_turn).
    eventlog.take_turn(actor.workshop_id, new_rows=_new_rows([name]))
    _still_allowed(actor)
    command_id, digest = data["command_id"], _digest(data)
    try:
        result = handler(actor, data)
    except FabriqueError:
        # A resend of a command carried out before may be refused now (its note is gone):
        # the client is owed the ack it missed, not the refusal.
        replay = _stored_ack(actor, command_id, name, digest)
        if replay is not None:
            db.session.rollback()
            return replay
        raise
    ack = {"ok": True, "command_id": command_id, "seq": publish.pending_head(db.session)}
    ack["data"] = result
    # The idempotency check is the insert itself: on the usual first sending it costs no
    # statement of its own; a resend finds the stored row, and what the handler did again
    # is rolled back before its ack is replayed.
    try:
        stored = _store(actor, command_id, name, digest, ack)
        if stored:
            db.session.commit()
    except IntegrityError:
        db.session.rollback()
        replay = _stored_ack(actor, command_id, name, digest)
        if replay is None:
            raise
        return replay
    if not stored:
        db.session.rollback()
        replay = _stored_ack(actor, command_id, name, digest)
        if replay is None:
            raise RuntimeError(f"command {command_id} was stored, then could not be read")
        return replay
    return {**ack, "duplicate": False}


def _row(
    actor: Actor, command_id: str, name: str, digest: str, ack: dict[str, Any]
) -> dict[str, Any]:
    return {
        "workshop_id": actor.workshop_id,
        "actor": actor.key,
        "command_id": command_id,
        "name": name,
        "digest": digest,
        "ack": ack,
        "created_at": utcnow(),
    }


def _store(actor: Actor, command_id: str, name: str, digest: str, ack: dict[str, Any]) -> bool:
    """Record the command with its ack; False when its id is already taken."""
    return _stored([_row(actor, command_id, name, digest, ack)]).first() is not None


def _stored(rows: list[dict[str, Any]]) -> Any:
    """Insert the commands whose actor's id is not taken yet, returning those it stored.
    It is the transaction's last statement: on PostgreSQL it carries every write the
    transaction kept for later (its events, its workshop's heads, the notes inserted
    ahead, the dots' ledger), one round trip for all (database.carrying); the commit
    finds nothing left to write."""
    session = db.session()
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(_STORE_SQLITE, rows)
    statement, parameters = carrying(_CommandsStored(rows), unwritten(session))
    return connection.execute(statement, parameters)


class _CommandsStored(Inserted):
    """Commands' rows, each inserted unless its actor's id is taken (PostgreSQL)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(Command.__table__, rows)
        self.shape = ("unless taken", self.shape)

    def statement(self, prefix: str) -> Any:
        return (
            postgresql.insert(self.table)
            .from_select(list(self.names), self.source(prefix))
            .on_conflict_do_nothing(index_elements=["actor", "command_id"])
            .returning(self.table.c.actor, self.table.c.command_id)
        )


_STORE_SQLITE = (
    sqlite.insert(Command.__table__)
    .on_conflict_do_nothing(index_elements=["actor", "command_id"])
    .returning(Command.__table__.c.actor, Command.__table__.c.command_id)
)


def _guarded(name: str, body: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """One unit of work per socket event; every refusal becomes an error ack."""

    @functools.wraps(body)
    def handler(payload: Any = None) -> dict[str, Any]:
        if name in ASIDE:
            return _aside(name, body, payload)
        unread = _unread()  # the socket's messages, one at a time: when each is read, answered
        unread.read(clock())
        try:
            with current_app.app_context():  # a session of its own, even under a test's context
                return _unit_of_work(name, body, payload)
        finally:
            unread.answered(clock())

    return handler


def _aside(name: str, body: Callable[[Any], dict[str, Any]], payload: Any) -> dict[str, Any]:
    """A query answered beside its socket's reader (``_answer_aside``): it waits behind
    nothing and holds nothing up, so it does not count in the socket's unread time; a
    socket has at most ``ASIDE_AT_ONCE`` of them in hand, and is refused more."""
    environ = request.environ
    if environ.get(ASIDE_KEY, 0) >= ASIDE_AT_ONCE:
        refused = error_ack(RateLimited())
        metrics.handled(name, refused, 0.0)
        return refused
    environ[ASIDE_KEY] = environ.get(ASIDE_KEY, 0) + 1
    try:
        with current_app.app_context():
            return _unit_of_work(name, body, payload)
    finally:
        environ[ASIDE_KEY] -= 1


def _unit_of_work(name: str, body: Callable[[Any], dict[str, Any]], payload: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        ack = _acked(name, body, payload)
    except _StaleConnection:
        # The pool's connections died with the database (a restart, a failover): the
        # first statement on each finds out, and the pool drops them all. Connections are
        # not pinged before each use (a round trip per command); the unit of work runs
        # once more on a fresh one instead. Nothing was committed, and what is retried is
        # idempotent either way (command ids).
        ack = _acked(name, body, payload, retried=True)
    metrics.handled(name, ack, time.perf_counter() - started)
    return ack


class _StaleConnection(Exception):
    pass


def _acked(
    name: str, body: Callable[[Any], dict[str, Any]], payload: Any, retried: bool = False
) -> dict[str, Any]:
    intent = WRITE_INTENT.set(True)
    try:
        return body(payload)
    except DBAPIError as error:
        db.session.rollback()
        if error.connection_invalidated and not retried:
            raise _StaleConnection() from error
        log.error("socket event %s failed: %s", name, failure(error))
        return error_ack(ServerError(), _command_id(payload))
    except FabriqueError as error:
        db.session.rollback()
        return error_ack(error, _command_id(payload))
    except Exception as error:
        db.session.rollback()
        log.error("socket event %s failed: %s", name, failure(error))
        return error_ack(ServerError(), _command_id(payload))
    finally:
        db.session.remove()
        WRITE_INTENT.reset(intent)


def _throttle(kind: str, actor: Actor | None) -> None:
    """Per participant (or staff screen), or per socket before it joins."""
    key = actor.key if actor else f"sid:{request.sid}"  # type: ignore[attr-defined]
    if not runtime().limits.allow(kind, key):
        raise RateLimited()


def command(
    name: str, schema: Schema, *, grouped: bool = False, new_row: Any = None
) -> Callable[[Handler], Handler]:
    """Register a socket command: idempotent by ``command_id``, acked, committed once.

    ``grouped``: a participant's command of this name may be carried out in one
    transaction with others waiting for the same workshop's turn (a hot command whose
    handler uses nothing of its socket's request but the actor and the payload).
    ``new_row``: the model of which a command of this name inserts one row, ahead
    (``database.inserted_ahead``): its id is taken with the workshop's turn."""

    def decorate(handler: Handler) -> Handler:
        def body(payload: Any) -> dict[str, Any]:
            actor = _joined_actor()
            # A participant's grouped command is counted with the others of its group,
            # by the turn's holder (``_within_budget``); one refused here counts too.
            counted_later = grouped and not actor.is_staff
            if not counted_later:
                _throttle("command", actor)
            try:
                payload, unread = _without_sent(payload)
                data = load(schema, payload)
            except FabriqueError:
                if counted_later:
                    _throttle("command", actor)
                raise
            return _carry_out(name, actor, data, handler, grouped, unread)

        HANDLERS[name] = _guarded(name, body)
        if grouped:
            GROUPED.add(name)
        if new_row is not None:
            NEW_ROWS[name] = new_row.__table__
        return handler

    return decorate


def query(
    name: str,
    schema: Schema,
    prepare: Callable[[], None] | None = None,
    limit: str = "query",
    aside: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a socket request that changes nothing durable (join, sync): no command id.

    ``prepare`` runs before the payload is read: what must happen even when the request
    is then refused (a ``join`` first leaves the socket's workshop). ``limit`` names the
    rate limit it counts against (realtime/limits.py). ``aside``: answered beside the
    socket's reader (``_answer_aside``), for a query that may take seconds and that
    nothing the socket sends next depends on; its ack may come after later messages'.
    """

    def decorate(handler: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
        def body(payload: Any) -> dict[str, Any]:
            _throttle(limit, runtime().actor(request.sid))  # type: ignore[attr-defined]
            if prepare is not None:
                prepare()
            result = handler(load(schema, payload))
            db.session.commit()
            return {"ok": True, **result}

        HANDLERS[name] = _guarded(name, body)
        if aside:
            ASIDE.add(name)
        return handler

    return decorate


def unknown_event(name: Any, payload: Any = None, *_: Any) -> dict[str, Any]:
    """An event no handler knows (a typo, a newer client): an ``invalid`` ack naming it."""

    def body(_: Any) -> dict[str, Any]:
        _throttle("command", runtime().actor(request.sid))  # type: ignore[attr-defined]
        raise InvalidInput(_l("Unknown event: %(name)s", name=str(name)[:64]))

    return _guarded("*", body)(payload)
