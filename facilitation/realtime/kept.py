"""What a transaction knew about its workshop, kept by the process for the next one.

A hot command reads a little before it changes anything: its author's notes, its
voter's dots, the room's totals. Where the workshop's last change was carried out by
this process, it knew those as that change left them. A transaction's turn reads the
workshop's version and head (``eventlog.turn_heads``); when they are the ones an earlier
transaction of this process left, nothing changed the workshop since, in any process,
and what that transaction knew still holds: the command takes it without a statement.

Each kind of knowledge (a ``Kept``) is kept only from a transaction whose every logged
event is one that cannot change it behind its owner's back (``keeps``), and that its
owner vouches for (the ``check`` given to ``keep``): a transaction that changed it any
other way leaves nothing, and the next reads the database again. A new workshop's
version starts at random, so an id SQLite hands out again never meets another
workshop's knowledge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import eventlog, publish
from .protocol import EventType

T = TypeVar("T")
WORKSHOPS = 2048  # kept per kind and process unless it says fewer; the oldest goes first

# The events of the participants' hot commands, carried out together (notes posted and
# edited, dots, reactions, ratings, answers): a transaction that logged only these
# changed nothing its commands' owners did not see (a phase move, a note merged or
# deleted, may move notes and votes).
HOT_EVENTS = frozenset(
    {
        EventType.NOTE_POSTED,
        EventType.NOTE_UPDATED,
        EventType.VOTES_TALLIED,
        EventType.REACTIONS_COUNTED,
        EventType.RATINGS_COUNTED,
        EventType.POLL_CHANGED,
        EventType.POLL_COUNTED,
    }
)

_KINDS: list[Kept[Any]] = []


class Kept(Generic[T]):
    """One kind of knowledge, kept per workshop: ((version, head) it holds at, value)."""

    def __init__(self, name: str, keeps: frozenset[str], workshops: int = WORKSHOPS) -> None:
        self.name, self.keeps, self.workshops = name, keeps, workshops
        self._pending = f"{name}.pending"  # in Session.info, until the commit is done
        _KINDS.append(self)

    def known(self, session: Session, workshop_id: int) -> T | None:
        """What the process knows, if nothing changed the workshop since it was kept."""
        entry = current_app.extensions.get(self.name, {}).get(workshop_id)
        turned = eventlog.turn_heads(session, workshop_id)
        if entry is None or turned is None or entry[0] != turned[0]:
            return None
        return entry[1]  # type: ignore[no-any-return]

    def keep(
        self,
        session: Session,
        workshop_id: int,
        value: Callable[[T | None], T],
        check: Callable[[Counter[str]], bool],
    ) -> None:
        """Once this transaction commits, keep what ``value`` makes of what the process
        knew (None: nothing that holds), if ``check`` finds the events it logged
        consistent with it (called with their counts by type, as it commits)."""
        session.info[self.name] = (session.get_transaction(), workshop_id, value, check)

    def _before_commit(self, session: Session, logged: Counter[str]) -> None:
        asked = session.info.pop(self.name, None)
        if asked is None or asked[0] is not session.get_transaction():
            return
        _, workshop_id, value, check = asked
        turned = eventlog.turn_heads(session, workshop_id)
        if turned is None or not set(logged) <= self.keeps or not check(logged):
            return
        (version, _), head = turned
        known = self.known(session, workshop_id)  # still true: this turn read its head
        session.info[self._pending] = (workshop_id, (version, head), known, value)

    def _after_commit(self, session: Session) -> None:
        pending = session.info.pop(self._pending, None)
        if pending is None:
            return
        workshop_id, left, known, value = pending
        entries = current_app.extensions.setdefault(self.name, {})
        entries.pop(workshop_id, None)  # the newest goes last
        if len(entries) >= self.workshops:
            del entries[next(iter(entries))]
        entries[workshop_id] = (left, value(known))

    def _forget(self, session: Session) -> None:
        session.info.pop(self.name, None)
        session.info.pop(self._pending, None)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if any(kind.name in session.info for kind in _KINDS):
        logged = publish.pending_types(session)
        for kind in _KINDS:
            kind._before_commit(session, logged)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for kind in _KINDS:
        kind._after_commit(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    if not previous.nested:
        for kind in _KINDS:
            kind._forget(session)
