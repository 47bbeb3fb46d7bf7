"""Workshops: creating one from a format, finding it by code, who runs or reads it, and
its state (the rules every feature checks live in rules.py, which imports no feature)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm.util import identity_key

from ..accounts.models import Role, User
from ..errors import Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..realtime import eventlog
from ..realtime.models import Stream
from ..realtime.protocol import RESHAPING, Audience, EventType
from ..rules import contributed_state, formats
from . import cache, shared
from .codes import new_code, normalize_code
from .models import Status, Workshop
from .schemas import WorkshopStateSchema


def create_workshop(
    creator: User, format_key: str, title: str, question: str, language: str
) -> Workshop:
    """A new running workshop at the first phase of its format."""
    if not creator.can_facilitate:
        raise Forbidden()
    fmt = formats().get(format_key)
    if fmt is None:
        raise InvalidInput(fields={"format": [str(_l("Unknown format."))]})
    workshop = Workshop(
        code=_unused_code(),
        board_key=secrets.token_urlsafe(24),
        format_key=format_key,
        title=title,
        question=question,
        language=language,
        anonymous=fmt.anonymous,
        created_by_id=creator.id,
        status=Status.RUNNING,
    )
    db.session.add(workshop)
    db.session.flush()
    eventlog.open_stream(workshop.id)
    announce(workshop)
    return workshop


def _unused_code() -> str:
    while True:
        code = new_code()
        if db.session.scalar(select(Workshop.id).where(Workshop.code == code)) is None:
            return code


# A code's workshop, whether it is open, and its row's version, in one plain statement
# built once: every phone of a room looks the code up three times as it joins (the page,
# the form, the socket), and through the ORM that was a tenth of a mass join's time.
_WORKSHOPS, _STREAMS = Workshop.__table__, Stream.__table__
_BY_CODE = (
    select(_WORKSHOPS.c.id, _WORKSHOPS.c.status, _STREAMS.c.workshop_version)
    .select_from(_WORKSHOPS.outerjoin(_STREAMS, _STREAMS.c.workshop_id == _WORKSHOPS.c.id))
    .where(_WORKSHOPS.c.code == bindparam("code"))
)


NO_OPEN_WORKSHOP = _l("No open workshop has this code.")

# A workshop's code is given once, when it is created: each process remembers which
# workshop the codes it found name, so that the join form can take the workshop's turn
# first and learn there whether it is still open, instead of asking the database in a
# transaction of its own before the turn (a statement, a transaction begun and rolled
# back, for every phone of a room).
CODES_KEY = "fabrique.codes"
CODES_KEPT = 4096  # codes remembered per process; the oldest goes first


def _codes() -> dict[str, int]:
    return current_app.extensions.setdefault(CODES_KEY, {})


def find_by_code(raw: str) -> Workshop:
    """The workshop a join code opens; wrong and unknown codes get the same answer. Read
    as ``workshop_at`` reads it: this process's copy while the row has not changed."""
    code = normalize_code(raw)
    found = code and db.session.connection().execute(_BY_CODE, {"code": code}).first()
    if not code or not found or found.status == Status.ENDED:
        raise NotFound(NO_OPEN_WORKSHOP)
    codes = _codes()
    if code not in codes:
        while len(codes) >= CODES_KEPT:
            codes.pop(next(iter(codes)))
        codes[code] = found.id
    if found.workshop_version is None:  # no stream (cannot be, but never a wrong answer)
        workshop = db.session.get(Workshop, found.id)
        if workshop is None:
            raise NotFound(NO_OPEN_WORKSHOP)
        return workshop
    return workshop_at(found.id, found.workshop_version)


def id_of_code(raw: str) -> int:
    """The id of the workshop a join code opened when this process last found it, or else
    of the one it opens now (``find_by_code``: an unknown or ended code is NotFound). The
    workshop may have ended or gone since: its turn tells (``turn_of_code``)."""
    code = normalize_code(raw)
    known = _codes().get(code) if code else None
    return known if known is not None else find_by_code(raw).id


def turn_of_code(raw: str, workshop_id: int) -> Workshop:
    """Take the turn of the workshop ``id_of_code`` named (in a unit of work): the
    workshop, still open, from this process's copy while its row is unchanged. Ended or
    deleted since, the answer is an unknown code's, and the code is looked up again next
    time."""
    eventlog.take_turn(workshop_id)
    try:
        workshop = get_workshop(workshop_id)
    except NotFound:
        workshop = None
    code = normalize_code(raw) or ""
    # A deleted workshop's id may be given again (SQLite reuses the highest rowid).
    if workshop is None or workshop.code != code or workshop.status == Status.ENDED:
        _codes().pop(code, None)
        raise NotFound(NO_OPEN_WORKSHOP)
    return workshop


def ended_by_code(raw: str) -> Workshop | None:
    """The ended workshop a join code named, if any (for those who took part in it)."""
    code = normalize_code(raw)
    workshop = code and db.session.scalar(select(Workshop).where(Workshop.code == code))
    return workshop if workshop and workshop.status == Status.ENDED else None


# Board keys are secrets.token_urlsafe: anything else (a NUL, which PostgreSQL refuses in
# a query) is not worth a lookup.
BOARD_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def by_board_key(key: str) -> Workshop | None:
    """The workshop a board link opens, if any."""
    if not BOARD_KEY.fullmatch(key):
        return None
    return db.session.scalar(select(Workshop).where(Workshop.board_key == key))


def workshop_at(workshop_id: int, version: int | None) -> Workshop:
    """The workshop for a query outside its turn, whose stream's position gave ``version``
    (``eventlog.position``): this process's copy if taken at that version, or else the
    row read with its version in one statement, and kept. Nothing may be pending in the
    session: the row read replaces what it holds of the workshop."""
    workshop = cache.at_version(workshop_id, version)
    if workshop is not None:
        return workshop
    row = db.session.execute(
        select(Workshop, Stream.workshop_version)
        .join(Stream, Stream.workshop_id == Workshop.id)
        .where(Workshop.id == workshop_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise NotFound(_l("This workshop does not exist."))
    cache.keep(row[0], row[1])
    return row[0]


def get_workshop(workshop_id: int) -> Workshop:
    """The workshop; in its turn, from this process's copy while its row is unchanged."""
    workshop = cache.cached(workshop_id)
    if workshop is not None:
        return workshop
    fresh = identity_key(Workshop, workshop_id) not in db.session.identity_map
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound(_l("This workshop does not exist."))
    if fresh:
        cache.keep(workshop)
    return workshop


def can_run(user: Any, workshop: Workshop) -> bool:
    """Admins run every workshop; a facilitator runs the ones they created."""
    return runs(user, workshop.created_by_id)


def runs(user: Any, creator_id: int | None) -> bool:
    """``can_run``, given the workshop's creator."""
    if not getattr(user, "is_authenticated", False) or not user.can_facilitate:
        return False
    return user.role == Role.ADMIN or creator_id == user.id


def account_and_creator(user_id: int, workshop_id: int) -> tuple[User | None, int | None]:
    """An account and a workshop's creator, in one statement. While the caller holds the
    account, the session keeps it (its identity map holds only what is referenced), and
    the user loader finds it there without a statement of its own. Only the creator is
    read, never the workshop: a command's own read of it stays its first."""
    creator = select(Workshop.created_by_id).where(Workshop.id == workshop_id).scalar_subquery()
    row = db.session.execute(select(User, creator).where(User.id == user_id)).first()
    return (row[0], row[1]) if row else (None, None)


def can_read(user: Any, workshop: Workshop) -> bool:
    """Who may read a workshop's record and exports: those who run it, and coordinators."""
    coordinator = getattr(user, "is_authenticated", False) and user.role == Role.COORDINATOR
    return bool(coordinator) or can_run(user, workshop)


def workshop_for_reader(user: Any, workshop_id: int) -> Workshop:
    workshop = get_workshop(workshop_id)
    if not can_read(user, workshop):
        raise Forbidden()
    return workshop


def workshop_for_staff(user: Any, workshop_id: int) -> Workshop:
    workshop = get_workshop(workshop_id)
    if not can_run(user, workshop):
        raise Forbidden()
    return workshop


def workshops_of(user: User) -> list[Workshop]:
    """The workshops a facilitator runs (all of them for an admin)."""
    query = select(Workshop).order_by(Workshop.created_at.desc())
    if user.role != Role.ADMIN:
        query = query.where(Workshop.created_by_id == user.id)
    return list(db.session.scalars(query))


def readable_workshops(user: User) -> list[Workshop]:
    """The workshops a staff member may read: all for coordinators, else those they run."""
    if user.role == Role.COORDINATOR:
        return list(db.session.scalars(select(Workshop).order_by(Workshop.created_at.desc())))
    return workshops_of(user)


BOARD_VIEW = {"mode": "stage", "focus": None, "page": None}


def board_view(workshop: Workshop) -> dict[str, Any]:
    """What the board shows: ``mode`` "stage" (the phase's view) or "join" (the join screen),
    ``focus`` null or the area or group it is zoomed onto ("area:ideas", "group:3"),
    ``page`` null while its pages turn by themselves, else the page it holds."""
    return {**BOARD_VIEW, **(workshop.settings or {}).get("board", {})}


def state(workshop: Workshop) -> dict[str, Any]:
    """What every screen knows of the workshop itself: what the board shows, and what
    each feature adds (rules.py: state_contributor) — the dot rules in force, the groups
    with a canvas, the published synthesis's link."""
    return (
        WorkshopStateSchema().dump(workshop)
        | {"board": board_view(workshop)}
        | contributed_state(workshop)
    )


def announce(workshop: Workshop, type_: EventType = EventType.WORKSHOP_UPDATED) -> int:
    """Record the workshop's new state as an event everybody receives."""

    def payload(seq: int) -> dict[str, Any]:
        workshop.seq = seq
        return state(workshop)

    if type_ in RESHAPING:
        shared.reshaped(db.session, workshop)
    return eventlog.append(workshop.id, type_, Audience.ALL, payload)
