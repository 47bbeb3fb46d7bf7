"""A transaction's dots, kept in one ledger and written once before it commits.

A room's dots come in bursts carried out together in one transaction
(realtime/commands.py): each dot read its voter's dots (two statements) and wrote its
vote row, its note's count and the room's totals as it went (three more).
The ledger reads the votes of every voter of the burst at once, keeps what the dots
move in memory, and writes it all before anything could read it from the database: as
the transaction commits, before the unit of work flushes, and before an ORM statement
touches votes, notes or the room's totals (the transaction always reads its own dots).
Every dot is still checked against its voter's budget as it comes, in the workshop's
turn, so each ends as it would have alone (docs/architecture.md, "What a hot command
costs")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, event, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import set_committed_value

from ..database import Carried, Changed, Inserted, named, per_transaction, unwritten_by
from ..extensions import db
from ..notes.models import Note
from ..realtime.commands import asked_together, participants_together
from ..realtime.kept import HOT_EVENTS, Kept
from ..realtime.protocol import EventType
from ..targets import read_at_once
from .models import Vote, VoteTotals

LEDGER_KEY = "fabrique.votes.ledger"

_VOTES = Vote.__table__.c
_VOTES_OF = select(
    _VOTES.participant_id, _VOTES.workshop_id, _VOTES.target, _VOTES.area, _VOTES.dots
).where(_VOTES.participant_id.in_(bindparam("participant_ids", expanding=True)))
_INSERT_VOTES = insert(Vote.__table__)
_NOTES = Note.__table__.c
_KEPT = VoteTotals.__table__.c


# The statements changing rows (database.Changed): ``row`` their values by name, the
# parameters of a statement run once a row for the ledger's own writes, the columns of
# a query of them all when another statement carries them.
def _update_votes(row: Any) -> Any:
    return (
        update(Vote.__table__)
        .where(_VOTES.participant_id == row["voter"], _VOTES.target == row["item"])
        .values(dots=row["placed"], phase=row["in_phase"], updated_at=row["at"])
    )


def _move_notes(row: Any) -> Any:
    return (
        update(Note.__table__)
        .where(_NOTES.id == row["note_id"])
        .values(dots=_NOTES.dots + row["delta"])
    )


def _move_totals(row: Any) -> Any:
    return (
        update(VoteTotals.__table__)
        .where(_KEPT.workshop_id == row["room"])
        .values(dots=_KEPT.dots + row["moved"], voters=_KEPT.voters + row["joined"])
    )


# Each statement's values and their types (an id's given: a foreign key's column takes
# its type from the column it refers to only once that table is known).
_PLACED = {
    "voter": Integer(),
    "item": _VOTES.target.type,
    "placed": _VOTES.dots.type,
    "in_phase": _VOTES.phase.type,
    "at": _VOTES.updated_at.type,
}
_MOVED_DOTS = {"note_id": _NOTES.id.type, "delta": _NOTES.dots.type}
_MOVED_TOTALS = {
    "room": Integer(),
    "moved": _KEPT.dots.type,
    "joined": _KEPT.voters.type,
}
_UPDATE_VOTES = _update_votes(named(*_PLACED))
_MOVE_NOTES = _move_notes(named(*_MOVED_DOTS))
_MOVE_TOTALS = _move_totals(named(*_MOVED_TOTALS))
_READ_TOTALS = _MOVE_TOTALS.returning(_KEPT.dots, _KEPT.voters)

DOTS = frozenset({"vote.cast", "vote.retract"})  # the commands that move dots

# What an ORM statement must not read before the ledger is written.
_TOUCHED = frozenset(model.__mapper__ for model in (Vote, Note, VoteTotals))


@dataclass(slots=True)
class Placed:
    """A participant's dots on one item: as stored, or as this transaction moved them."""

    workshop_id: int
    area: str | None
    dots: int
    stored: bool  # a row holds this vote (its dots as read, or as last written)
    moved: bool = False  # changed since it was read or written
    phase: str = ""
    at: datetime | None = None


StoredVotes = dict[str, tuple[int, str | None, int]]  # target: (workshop, area, dots)


class VoterVotes:
    """A voter's votes by target: as stored (never changed here: the process's kept copy
    may be that very dict), and those the transaction looked at or moved, as ``Placed``,
    made only then: a voter with many votes kept costs a dot nothing for each of them."""

    __slots__ = ("stored", "touched")

    def __init__(self, stored: StoredVotes) -> None:
        self.stored = stored
        self.touched: dict[str, Placed] = {}

    def get(self, target: str) -> Placed | None:
        placed = self.touched.get(target)
        if placed is None and target in self.stored:
            workshop_id, area, dots = self.stored[target]
            placed = self.touched[target] = Placed(workshop_id, area, dots, stored=True)
        return placed

    def spent(self) -> dict[str | None, int]:
        """The dots out per area (a new dict: the caller's to change)."""
        spent: dict[str | None, int] = {}
        for target, (_, area, dots) in self.stored.items():
            if target not in self.touched:
                spent[area] = spent.get(area, 0) + dots
        for placed in self.touched.values():
            spent[placed.area] = spent.get(placed.area, 0) + placed.dots
        return spent

    def kept(self) -> StoredVotes:
        """The votes as the transaction leaves them, for the next one."""
        touched = {t: (v.workshop_id, v.area, v.dots) for t, v in self.touched.items()}
        return {**self.stored, **touched}


@dataclass(slots=True)
class _Totals:
    dots: int
    voters: int
    moved: int = 0  # not written yet
    joined: int = 0


# A voter's votes (target: (workshop, area, dots)) and a room's totals (dots, voters), as
# a transaction of this process left them, for the next that finds the workshop as it
# was (realtime/kept.py): a dot alone then reads neither. Kept only from a transaction
# that logged nothing but the participants' hot commands, and, for the votes, that never
# handed its ledger to the unit of work (the votes are read again after).
KnownVotes = dict[int, StoredVotes]
VOTES = Kept[KnownVotes]("fabrique.votes.known_votes", HOT_EVENTS)
TOTALS = Kept[tuple[int, int]]("fabrique.votes.known_totals", HOT_EVENTS)
# The notes dots were put on, as rows (by id, every column), as a transaction of this
# process left them: the next group's dots on them read none. Kept only from a
# transaction that logged dots alone (an edit, a move, a merge change a note's row).
# Bounded, for rows are large: at most KNOWN_NOTES a workshop (the oldest kept go first),
# for the KNOWN_WORKSHOPS where dots went last (under 100 MB in all).
KnownNotes = dict[int, dict[str, Any]]
KNOWN_NOTES, KNOWN_WORKSHOPS = 2048, 32
NOTES = Kept[KnownNotes](
    "fabrique.votes.known_notes", frozenset({EventType.VOTES_TALLIED}), KNOWN_WORKSHOPS
)


class Ledger:
    def __init__(self) -> None:
        self.votes: dict[int, VoterVotes] = {}  # by participant
        # Each note's dots moved and not written yet, with the note: held, for the
        # session's identity map is weak and would read the row, stale, again.
        self.notes: dict[int, tuple[int, Note]] = {}
        self.totals: dict[int, _Totals] = {}  # by workshop, once read in the transaction
        self.targets: list[Any] | None = None  # the group's targets, held once read
        self.rows: KnownNotes = {}  # the rows of the notes among them, their dots as moved
        self.moved_notes: set[int] = set()  # every note whose dots the transaction moved
        self.workshop_id: int | None = None  # the workshop whose turn its dots take
        self.forgot = False  # its votes handed to the unit of work, and read again

    def in_turn(self, session: Session, workshop_id: int) -> None:
        """The dots come in this workshop's turn: what the process knows of it may be
        taken, and what the transaction ends with kept (``VOTES``, ``TOTALS``)."""
        if self.workshop_id is None:
            self.workshop_id = workshop_id
            VOTES.keep(session, workshop_id, self._votes_after, self._votes_hold)
            TOTALS.keep(session, workshop_id, self._totals_after, self._totals_hold)
            NOTES.keep(session, workshop_id, self._notes_after, self._votes_hold)
        elif self.workshop_id != workshop_id:
            self.workshop_id = 0  # several workshops: nothing is kept

    def _votes_hold(self, _logged: Any) -> bool:
        return bool(self.workshop_id) and not self.forgot

    def _votes_after(self, known: KnownVotes | None) -> KnownVotes:
        known = {} if known is None else known  # the process's own: nobody reads it now
        for voter, votes in self.votes.items():
            known[voter] = votes.kept()
        return known

    def _totals_hold(self, _logged: Any) -> bool:
        return bool(self.workshop_id) and self.workshop_id in self.totals

    def _totals_after(self, _known: tuple[int, int] | None) -> tuple[int, int]:
        assert self.workshop_id  # checked by _totals_hold
        kept = self.totals[self.workshop_id]
        return kept.dots, kept.voters

    def _notes_after(self, known: KnownNotes | None) -> KnownNotes:
        known = {} if known is None else known
        for note_id in self.moved_notes.union(self.rows):  # moved but never read here: gone
            known.pop(note_id, None)
        known.update(self.rows)  # last, as the latest kept
        while len(known) > KNOWN_NOTES:
            del known[next(iter(known))]
        return known

    def read_targets(self, kind: str, target: str) -> None:
        """The items the dots carried out together put dots on (``target``'s, for a dot
        carried out alone), read in one statement the first time one of them asks
        (notes the process knows as they are: none), and held for the transaction: each
        dot's ``targets.resolve`` then finds its item in the session."""
        if self.targets is None:
            named = [data.get("target") for name, data in asked_together() if name in DOTS]
            named = named or [target]
            session = db.session()
            known = None
            if kind == "note" and self.workshop_id:
                known = NOTES.known(session, self.workshop_id)
            found = read_at_once([t for t in named if isinstance(t, str)], (kind,), known)
            self.targets = [item for item, _ in found]
            if kind == "note":
                self.rows = {
                    row["id"]: row for _, row in found if row["workshop_id"] == self.workshop_id
                }

    def votes_of(self, participant_id: int) -> VoterVotes:
        """A participant's votes by target; read in one statement for every voter of
        the commands carried out together, the first time one of them asks."""
        if participant_id not in self.votes:
            session = db.session()
            known = VOTES.known(session, self.workshop_id) if self.workshop_id else None
            known = known or {}
            unknown: dict[int, StoredVotes] = {}
            for voter in participants_together(participant_id, self.votes):
                if voter in known:
                    self.votes[voter] = VoterVotes(known[voter])
                else:
                    unknown[voter] = {}
                    self.votes[voter] = VoterVotes(unknown[voter])
            if unknown:
                ids = {"participant_ids": list(unknown)}
                for voter, workshop_id, target, area, dots in session.connection().execute(
                    _VOTES_OF, ids
                ):
                    unknown[voter][target] = (workshop_id, area, dots)
        return self.votes[participant_id]

    def spent(self, participant_id: int) -> dict[str | None, int]:
        """The dots a participant has out, per area (a new dict: the caller's to change)."""
        return self.votes_of(participant_id).spent()

    def move_vote(
        self,
        workshop_id: int,
        participant_id: int,
        target: str,
        area: str | None,
        delta: int,
        phase: str,
        at: datetime,
    ) -> Placed:
        mine = self.votes_of(participant_id)
        placed = mine.get(target)
        if placed is None:
            placed = mine.touched[target] = Placed(workshop_id, area, 0, stored=False)
        placed.dots += delta
        placed.moved, placed.phase, placed.at = True, phase, at
        return placed

    def move_note(self, note: Note, delta: int) -> int:
        """The note's dots moved by ``delta``: set on the session's copy, as if read from
        the database, and written with the rest."""
        waiting = self.notes.get(note.id, (0, note))[0]
        self.notes[note.id] = (waiting + delta, note)
        dots = note.dots + delta
        set_committed_value(note, "dots", dots)
        self.moved_notes.add(note.id)
        row = self.rows.get(note.id)
        if row is not None:
            row["dots"] = dots
        return dots

    def move_totals(self, workshop_id: int, dots: int, voters: int) -> dict[str, int] | None:
        """The room's totals once moved: the kept row moved and read by the
        transaction's first dot, in memory after that; None while no row is kept."""
        kept = self.totals.get(workshop_id)
        known = TOTALS.known(db.session(), workshop_id) if kept is None else None
        if known is not None:  # as the last transaction left them: moved, written later
            kept = self.totals[workshop_id] = _Totals(*known)
        if kept is None:
            values = {"room": workshop_id, "moved": dots, "joined": voters}
            row = db.session.connection().execute(_READ_TOTALS, values).one_or_none()
            if row is None:
                return None
            kept = self.totals[workshop_id] = _Totals(row.dots, row.voters)
        else:
            kept.dots, kept.voters = kept.dots + dots, kept.voters + voters
            kept.moved, kept.joined = kept.moved + dots, kept.joined + voters
        return {"total": kept.dots, "voters": kept.voters}

    def write(self, session: Session, *, forget: bool = False) -> None:
        """Write what moved since the last write: a statement per kind of change.
        ``forget``: the votes are read again when next asked for (the unit of work, or
        an ORM statement, may change them next)."""
        new, changed, notes, totals = self._moved()
        connection = session.connection()
        for statement, rows in (
            (_INSERT_VOTES, new),
            (_UPDATE_VOTES, changed),
            (_MOVE_NOTES, notes),
            (_MOVE_TOTALS, totals),
        ):
            if rows:
                connection.execute(statement, rows)
        if forget:
            self.votes.clear()
            self.forgot = True

    def carried(self) -> list[Carried]:
        """What moved since the last write, for the transaction's last statement to carry
        (database.carrying): a write for each kind of change."""
        new, changed, notes, totals = self._moved()
        carried: list[Carried] = [Inserted(Vote.__table__, new)] if new else []
        for name, build, types, rows in (
            ("votes.placed", _update_votes, _PLACED, changed),
            ("notes.dots", _move_notes, _MOVED_DOTS, notes),
            ("vote_totals.moved", _move_totals, _MOVED_TOTALS, totals),
        ):
            if rows:
                carried.append(Changed(name, build, types, rows))
        return carried

    def _moved(self) -> tuple[list[dict[str, Any]], ...]:
        """The rows to write: votes new and changed, notes' and rooms' counts moved (they
        count as written from now on)."""
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for participant_id, votes in self.votes.items():
            for target, vote in votes.touched.items():
                if not vote.moved:
                    continue
                if vote.stored:
                    changed.append(
                        {
                            "voter": participant_id,
                            "item": target,
                            "placed": vote.dots,
                            "in_phase": vote.phase,
                            "at": vote.at,
                        }
                    )
                else:
                    new.append(
                        {
                            "workshop_id": vote.workshop_id,
                            "participant_id": participant_id,
                            "target": target,
                            "area": vote.area,
                            "phase": vote.phase,
                            "dots": vote.dots,
                            "updated_at": vote.at,
                        }
                    )
                vote.stored, vote.moved = True, False
        notes = [
            {"note_id": ident, "delta": delta}
            for ident, (delta, _) in self.notes.items()
            if delta  # moved and moved back: nothing to write
        ]
        self.notes.clear()
        totals = [
            {"room": workshop_id, "moved": kept.moved, "joined": kept.joined}
            for workshop_id, kept in self.totals.items()
            if kept.moved or kept.joined
        ]
        for kept in self.totals.values():
            kept.moved = kept.joined = 0
        return new, changed, notes, totals


def of(session: Session) -> Ledger:
    """The ledger of the session's transaction (begun now if it was not: a ledger made
    outside any transaction would outlive the next)."""
    session.connection()
    return per_transaction(session, LEDGER_KEY, Ledger)


def _held(session: Session) -> Ledger | None:
    held = session.info.get(LEDGER_KEY)
    if held is None or held[0] is not session.get_transaction():
        return None
    return held[1]  # type: ignore[no-any-return]


@unwritten_by
def _unwritten(session: Session) -> list[Carried]:
    ledger = _held(session)
    return [] if ledger is None else ledger.carried()


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    ledger = _held(session)
    if ledger is not None:
        ledger.write(session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    ledger = _held(session)
    if ledger is not None:
        ledger.write(session, forget=True)


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    ledger = _held(state.session)
    if ledger is None:
        return
    if not state.is_select:
        ledger.write(state.session, forget=True)
    elif _TOUCHED.intersection(state.all_mappers):
        ledger.write(state.session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    if not previous.nested:  # a savepoint's rollback leaves the transaction's dots
        session.info.pop(LEDGER_KEY, None)
