"""Each process keeps the workshops its commands read, and trusts its copy only while the
version read with the workshop's turn says the row has not changed since.

Every command reads its workshop first (phase, format, settings: the rules it checks).
In a workshop's turn (realtime/eventlog.py: take_turn) the stream row's
``workshop_version`` comes with the lock; when it equals the version the copy was taken
at, the copy is put in the session as though just loaded, without a statement. Any
change to a workshop's row, in any process, moves the version in the same transaction
(an ``after_flush`` hook on every session), and that transaction waits for the turn to
write it: a copy can never be used once its row changed. Outside a turn, only a read
that gives the row's version in the same statement takes the copy (a sync's position, a
join code's lookup: ``services.workshop_at``); pages and REST read the row as before.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import current_app
from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..database import as_loaded
from ..extensions import db
from ..realtime import eventlog
from ..realtime.models import Stream
from .models import Workshop

CACHE_KEY = "fabrique.workshops"
LIMIT = 2048  # workshops kept per process; the oldest entry goes first
COLUMNS = [attribute.key for attribute in inspect(Workshop).column_attrs]

# (the version the copy was taken at, its columns' values, the keys of those that can be
# changed in place: the settings' dict, copied for each session that takes the copy)
Entry = tuple[int, dict[str, Any], tuple[str, ...]]


def install(session_class: type[Session]) -> None:
    if not event.contains(session_class, "after_flush", _moved):
        event.listen(session_class, "after_flush", _moved)


def _moved(session: Session, _context: Any) -> None:
    """A flush that changed workshop rows moves their versions, in the same transaction."""
    changed = sorted(
        item.id
        for item in session.dirty
        if isinstance(item, Workshop) and session.is_modified(item, include_collections=False)
    )
    if not changed:
        return
    streams = Stream.__table__
    session.connection().execute(
        update(streams)
        .where(streams.c.workshop_id.in_(changed))
        .values(workshop_version=streams.c.workshop_version + 1)
    )
    eventlog.forget_versions(session, changed)  # no copy is good for the rest of this turn


def _entries() -> dict[int, Entry]:
    return current_app.extensions.setdefault(CACHE_KEY, {})


def cached(workshop_id: int) -> Workshop | None:
    """The workshop from this process's copy, if its turn's version says it still holds."""
    return at_version(workshop_id, eventlog.turn_version(workshop_id))


def at_version(workshop_id: int, version: int | None) -> Workshop | None:
    """The workshop from this process's copy, if it was taken at ``version``: the row's
    version as this transaction read it (with its turn, or with its stream's position)."""
    if version is None:
        return None
    entry = _entries().get(workshop_id)
    session = db.session()
    if entry is None or entry[0] != version:
        return None
    # Made as the ORM makes a loaded row's object, with its values as they were read: the
    # constructor would set each attribute through its events, and copying every value
    # (only the settings can change in place) was a tenth of a note's time.
    _version, values, mutable = entry
    copied = {key: copy.deepcopy(values[key]) for key in mutable}
    held = session.identity_map.get(identity_key(Workshop, workshop_id))
    if held is None:
        return as_loaded(session, Workshop, values | copied)
    if not inspect(held).expired:
        return None  # the session's own, as it read or changed it: session.get gives it
    # Read before the turn, then expired as the turn began (a form's sign-up: the turn's
    # rollback expires what the session read): filled again from the copy, as reading
    # the row again would, without the statement. Nothing writes a workshop's row but
    # the unit of work, whose flush moves the version (``_moved``).
    for key, value in (values | copied).items():
        set_committed_value(held, key, value)
    return held


def keep(workshop: Workshop, version: int | None = None) -> None:
    """Remember a workshop just read from the database, at ``version`` when read with its
    row's version in one statement, or else in its turn."""
    if version is None:
        version = eventlog.turn_version(workshop.id)
    if version is None:
        return
    entries = _entries()
    if len(entries) >= LIMIT and workshop.id not in entries:
        entries.pop(next(iter(entries)))
    values = copy.deepcopy({key: getattr(workshop, key) for key in COLUMNS})
    mutable = tuple(key for key, value in values.items() if isinstance(value, dict | list))
    entries[workshop.id] = (version, values, mutable)
