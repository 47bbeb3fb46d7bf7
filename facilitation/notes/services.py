"""Sticky notes: posting, editing, deleting, and the facilitator's moderation (hide,
restore, merge duplicates, sort into groups). Who sees a note is decided here."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, bindparam, func, select, true

from ..auth import Actor
from ..database import inserted_ahead, per_transaction, utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..groups.models import Group
from ..participants import services as participants
from ..realtime import eventlog
from ..realtime.commands import asked_together, participants_together
from ..realtime.kept import HOT_EVENTS, Kept
from ..realtime.protocol import Audience, EventType
from ..rules import (
    format_of,
    item_changed,
    phase_of,
    public,
    require_open,
    require_participant_action,
)
from ..workshops.models import Workshop
from .models import WRITTEN_KEY, Note
from .schemas import wire

MAX_NOTES_PER_PARTICIPANT = 200
POST = "note.post"  # the command (events.py)
REDACTED = ("text", "author", "color")


def _check_area(workshop: Workshop, area: str) -> None:
    fmt, phase = format_of(workshop), phase_of(workshop)
    if fmt.area(area) is None or (phase.areas and area not in phase.areas):
        raise InvalidInput(fields={"area": [str(_l("This area is not open."))]})


def audience_of(workshop: Workshop) -> Audience:
    return Audience.ALL if public(workshop) else Audience.PARTICIPANT


def payload(
    workshop: Workshop, note: Note, names: dict[int, str | None] | None = None
) -> dict[str, Any]:
    """The note as screens show it; the author's nickname only in non-anonymous workshops."""
    shown = wire(note)
    shown["author"] = participants.author_of(workshop, note.participant_id, names)
    return shown


def record(workshop: Workshop, note: Note, type_: EventType) -> int:
    """Log a note's new state for those who may see it; returns its sequence number.

    A hidden note's text is for the facilitators' control page alone: its events are
    redacted for every screen (phones, board, the control page too, which keeps the text
    it had; its snapshots and replays carry the text).
    """
    audience = audience_of(workshop)
    note.seq = seq = eventlog.number(workshop.id, audience)
    return _logged(workshop, note, type_, audience, seq)


def _logged(workshop: Workshop, note: Note, type_: EventType, audience: Audience, seq: int) -> int:
    full = payload(workshop, note)
    note.recorded = (seq, full)  # not a column: what ``last_payload`` gives back
    data = redacted(full) if note.hidden else full
    return eventlog.append(workshop.id, type_, audience, data, note.participant_id, seq=seq)


def last_payload(workshop: Workshop, note: Note) -> dict[str, Any]:
    """The note as its last event in this transaction showed it (built once for the event
    and the ack), or as it is now if it changed since."""
    recorded = getattr(note, "recorded", None)
    if recorded is not None and recorded[0] == note.seq:
        return dict(recorded[1])
    return payload(workshop, note)


def redacted(full: dict[str, Any]) -> dict[str, Any]:
    """A hidden note as screens that may not read it receive it: where it is, not what."""
    return {key: value for key, value in full.items() if key not in REDACTED} | {"redacted": True}


def removed(workshop: Workshop, note: Note, **extra: Any) -> None:
    data = {"id": note.id, **extra}
    eventlog.append(
        workshop.id, EventType.NOTE_DELETED, audience_of(workshop), data, note.participant_id
    )


def post_note(actor: Actor, workshop: Workshop, area: str, text: str, color: str | None) -> Note:
    """A participant (or facilitator) posts a note into one of the format's areas."""
    require_participant_action(workshop, actor, "post")
    _check_area(workshop, area)
    author = actor.participant_id
    if author is not None and _count_of(workshop.id, author) >= MAX_NOTES_PER_PARTICIPANT:
        raise Forbidden(_l("You have posted the maximum number of notes."))
    now = utcnow()
    audience = audience_of(workshop)
    seq = eventlog.number(workshop.id, audience)  # inserted with its number
    values = {
        "workshop_id": workshop.id,
        "participant_id": actor.participant_id,
        "author_user_id": actor.user_id if actor.is_facilitator else None,
        "area": area,
        "text": text,
        "color": color,
        "seq": seq,
        "created_at": now,
        "updated_at": now,
    }
    # Inserted ahead: its id taken with the workshop's turn (or with the other notes of
    # its group), its row written with the transaction's others (database.inserted_ahead).
    expected = sum(name == POST for name, _ in asked_together())
    session = db.session()
    note = inserted_ahead(session, Note, values, expected)
    _counted(session).posted(session, workshop.id, author)  # counted above, in this transaction
    session.info.setdefault(WRITTEN_KEY, set()).add(note.id)  # its text is to be checked
    _logged(workshop, note, EventType.NOTE_POSTED, audience, seq)
    return note


# The authors' notes, counted by a plain statement built once on the turn's connection
# (through the session's execute, an eighth of a note's time for one integer); for every
# participant of the commands carried out together at once (one statement a group, not
# one a note), and kept for the transaction, which counts the notes it adds.
_COUNTS_OF_AUTHORS = (
    select(Note.participant_id, func.count(Note.id))
    .where(Note.participant_id.in_(bindparam("participant_ids", expanding=True)))
    .group_by(Note.participant_id)
)
COUNTS_KEY = "fabrique.notes.counts"

# The counts a transaction ends with are kept by the process for the next transaction
# that finds the workshop as it left it (realtime/kept.py): a note alone, or a group
# whose authors all posted before, counts nobody with a statement. Kept only from a
# transaction whose every posted note was counted, and which logged nothing but the
# participants' hot commands (nothing that could add or remove notes).
COUNTS = Kept[dict[int, int]]("fabrique.notes.known_counts", HOT_EVENTS)


class _Counted:
    """A transaction's authors' counts, and the notes it posted (in one workshop)."""

    __slots__ = ("counts", "notes", "workshop_id")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.notes = 0  # posted in this transaction, by participants or staff
        self.workshop_id: int | None = None  # 0: in several workshops (nothing is kept)

    def of(self, session: Any, workshop_id: int) -> dict[int, int]:
        if self.workshop_id is None:
            self.workshop_id = workshop_id
            COUNTS.keep(session, workshop_id, self._known_after, self._every_note_counted)
        elif self.workshop_id != workshop_id:
            self.workshop_id = 0
        return self.counts

    def posted(self, session: Any, workshop_id: int, author: int | None) -> None:
        counts = self.of(session, workshop_id)
        self.notes += 1
        if author is not None:
            counts[author] += 1

    def _every_note_counted(self, logged: Counter[str]) -> bool:
        return bool(self.workshop_id) and logged[EventType.NOTE_POSTED] == self.notes

    def _known_after(self, known: dict[int, int] | None) -> dict[int, int]:
        if known is None:
            return dict(self.counts)
        known.update(self.counts)  # the process's own: nothing else reads it meanwhile
        return known


def _counted(session: Any) -> _Counted:
    return per_transaction(session, COUNTS_KEY, _Counted)


def _count_of(workshop_id: int, participant_id: int) -> int:
    session = db.session()
    counts = _counted(session).of(session, workshop_id)
    if participant_id not in counts:
        known = COUNTS.known(session, workshop_id) or {}
        wanted = participants_together(participant_id, counts)
        counts.update({author: known[author] for author in wanted if author in known})
        unknown = [author for author in wanted if author not in known]
        if unknown:
            counts.update(dict.fromkeys(unknown, 0))
            rows = session.connection().execute(_COUNTS_OF_AUTHORS, {"participant_ids": unknown})
            counts.update({author: count for author, count in rows if author is not None})
    return counts[participant_id]


def get_note(actor: Actor, note_id: int) -> Note:
    """A live note of the actor's workshop."""
    note = db.session.get(Note, note_id)
    if note is None or note.workshop_id != actor.workshop_id or not note.live:
        raise NotFound(_l("This note does not exist."))
    return note


def _require_author_or_facilitator(actor: Actor, workshop: Workshop, note: Note) -> None:
    if actor.is_facilitator:
        return
    if actor.participant_id is None or note.participant_id != actor.participant_id:
        raise Forbidden(_l("You can only change your own notes."))
    require_participant_action(workshop, actor, "edit_own")


def edit_note(actor: Actor, workshop: Workshop, note_id: int, text: str) -> Note:
    """The author edits while the phase allows it; a facilitator fixes a typo any time."""
    note = get_note(actor, note_id)
    _require_author_or_facilitator(actor, workshop, note)
    if note.text != text:
        note.text, note.updated_at = text, utcnow()
        record(workshop, note, EventType.NOTE_UPDATED)
        item_changed(workshop, note)
    return note


def delete_note(actor: Actor, workshop: Workshop, note_id: int) -> Note:
    """Remove a note from the board; the row is kept for the record."""
    note = get_note(actor, note_id)
    _require_author_or_facilitator(actor, workshop, note)
    note.deleted_at = utcnow()
    removed(workshop, note)
    item_changed(workshop, note)
    return note


def set_hidden(actor: Actor, workshop: Workshop, note_id: int, hidden: bool) -> Note:
    """Moderation: hide a note from phones and the board, or restore it."""
    actor.require_facilitator()
    note = get_note(actor, note_id)
    if note.hidden != hidden:
        note.hidden, note.updated_at = hidden, utcnow()
        record(workshop, note, EventType.NOTE_UPDATED)
        item_changed(workshop, note)
    return note


def merge_notes(actor: Actor, workshop: Workshop, note_id: int, into_id: int) -> Note:
    """Fold a duplicate into another note; the duplicate is kept, marked as merged."""
    actor.require_facilitator()
    note, target = get_note(actor, note_id), get_note(actor, into_id)
    if note.id == target.id:
        raise InvalidInput(_l("A note cannot be merged into itself."))
    if note.dots:
        raise Conflict(_l("This note already has dots: merge duplicates before voting."))
    note.merged_into_id, note.updated_at = target.id, utcnow()
    removed(workshop, note, merged_into=target.id)
    return target


def place_note(
    actor: Actor, workshop: Workshop, note_id: int, group_id: int | None, position: int | None
) -> Note:
    """Move a note into a group (or out of any), at a position."""
    actor.require_facilitator()
    require_open(workshop, actor)
    note = get_note(actor, note_id)
    if group_id is not None:
        group = db.session.get(Group, group_id)
        if group is None or group.workshop_id != workshop.id or group.deleted_at is not None:
            raise NotFound(_l("This group does not exist."))
        if group.area is not None and group.area != note.area:
            raise InvalidInput(_l("This note belongs to another area than the group."))
    note.group_id = group_id
    note.position = position if position is not None else next_position(workshop, group_id)
    note.updated_at = utcnow()
    record(workshop, note, EventType.NOTE_UPDATED)
    return note


def next_position(workshop: Workshop, group_id: int | None) -> int:
    in_group = Note.group_id.is_(None) if group_id is None else Note.group_id == group_id
    query = select(func.max(Note.position)).where(Note.workshop_id == workshop.id, in_group)
    return (db.session.scalar(query) or 0) + 1


def ungroup(workshop: Workshop, group_id: int) -> None:
    """Every live note of a deleted group goes back to the loose notes."""
    notes = db.session.scalars(
        select(Note).where(Note.workshop_id == workshop.id, Note.group_id == group_id)
    )
    for note in notes:
        note.group_id = None
        if note.live:
            record(workshop, note, EventType.NOTE_UPDATED)


def _seen_by(actor: Actor, workshop: Workshop) -> ColumnElement[bool]:
    """The one rule of who sees a live note now: facilitators every one; the board those
    not hidden; a participant their own, and the others' not hidden once the phase shows
    everyone's notes. A hidden note's text thus reaches only facilitators and its author."""
    if actor.is_facilitator:
        return true()
    if actor.participant_id is None:  # the board, projected in front of the room
        return ~Note.hidden
    own = Note.participant_id == actor.participant_id
    return (own | ~Note.hidden) if public(workshop) else own


# What a screen is shown of a note (``schemas.wire``, the author, whose it is, its dots):
# read as plain rows, which cost a sixth of a mapped Note each (a board's 500-note
# snapshot read its notes through the ORM in 7 of its 19 ms).
SHOWN = (
    Note.id,
    Note.area,
    Note.text,
    Note.color,
    Note.group_id,
    Note.position,
    Note.hidden,
    Note.seq,
    Note.created_at,
    Note.participant_id,
    Note.dots,
)


def visible_notes(
    actor: Actor, workshop: Workshop, after: int = 0, limit: int | None = None
) -> list[Row[Any]]:
    """The notes this actor may see now (``_seen_by``), neither deleted nor merged; by id,
    those after ``after`` (at most ``limit``: a snapshot's page). Each is a row of
    ``SHOWN``, not a mapped Note: what is shown of it, to be read, not changed."""
    query = select(*SHOWN).where(
        Note.workshop_id == workshop.id,
        Note.deleted_at.is_(None),
        Note.merged_into_id.is_(None),
        _seen_by(actor, workshop),
        Note.id > after,
    )
    return list(db.session.execute(query.order_by(Note.id).limit(limit)))


def own_notes_of(workshop_id: int, participant_ids: list[int]) -> dict[int | None, list[Note]]:
    """Each participant's own live notes, hidden ones too (their author still reads them),
    in one query for many participants."""
    query = select(Note).where(
        Note.workshop_id == workshop_id,
        Note.participant_id.in_(participant_ids),
        Note.deleted_at.is_(None),
        Note.merged_into_id.is_(None),
    )
    found: dict[int | None, list[Note]] = {participant: [] for participant in participant_ids}
    for note in db.session.scalars(query.order_by(Note.id)):
        found[note.participant_id].append(note)
    return found


def seen_now(
    actor: Actor, workshop: Workshop, ids: set[int], names: dict[int, str | None]
) -> dict[int, tuple[EventType, dict[str, Any]]]:
    """For a replay: each of these notes as the actor may see it now, in one query — its
    current version, or its removal when it is gone or out of the actor's sight."""
    rows = db.session.execute(
        select(Note, _seen_by(actor, workshop).label("seen")).where(
            Note.workshop_id == workshop.id, Note.id.in_(ids)
        )
    )
    return {note.id: _as_seen(workshop, note, bool(seen), names) for note, seen in rows}


def _as_seen(
    workshop: Workshop, note: Note, seen: bool, names: dict[int, str | None]
) -> tuple[EventType, dict[str, Any]]:
    if seen and note.live:
        return EventType.NOTE_UPDATED, payload(workshop, note, names)
    merged = {"merged_into": note.merged_into_id} if note.merged_into_id is not None else {}
    return EventType.NOTE_DELETED, {"id": note.id, **merged}
