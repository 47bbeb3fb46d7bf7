"""Participants' data: how long it is kept, and deleting it on request.

**A workshop goes whole.** Deleting a workshop deletes every row that holds what its
participants gave: the workshop, its participants (nicknames), notes and their vectors,
groups, votes, reactions (agree, disagree, pass) and the opinion map, ratings and
which of them were revealed, polls and their answers, pledges (names, organisations),
cards, its event log and stream, the commands its screens sent (their acks), the origins
of its proposals, and the coalition memberships its participants took from their phones
(name, organisation, e-mail). The proposals themselves stay: they are the coordinators'
registry, edited after the workshop, and a coalition joined on the web is not the
workshop's. Its exports kept on disk go with it, and so does its published synthesis
(the link names the workshop).
The purge also removes archives an interrupted import left behind.

**Retention.** ``RETENTION_DAYS`` after a workshop ended (or, never ended, after its last
change) ``purge`` deletes it; 0 keeps workshops until an admin deletes them.

**A coalition member** may ask for what they gave (``member_record``) or for it to be
deleted (``forget_member``): their memberships (the same e-mail address, or the same
participant), and the name and organisation of their pledges.

Log lines name workshops and members by id, never by what people typed.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select

from ..cards.models import Card
from ..coalitions import services as coalitions
from ..coalitions.models import Coalition, Member, Origin
from ..database import unit_of_work, utcnow
from ..errors import NotFound
from ..extensions import db
from ..groups.models import Group
from ..notes.models import Note
from ..participants.models import Participant
from ..pledges.models import Pledge
from ..polls.models import PollAnswer
from ..ratings.models import Rating
from ..reactions.models import Reaction
from ..realtime.models import Event
from ..votes.models import Vote
from ..workshops.models import Status, Workshop

log = logging.getLogger(__name__)

EXPORT_FILE = re.compile(r"^w(\d+)-")  # syntheses/cache.py: name_of
UPLOAD_LIFETIME = timedelta(days=1)  # an import takes minutes at most


@dataclass
class Deleted:
    """What a deletion removed (or, dry, would remove): counts only, no names."""

    workshops: list[int] = field(default_factory=list)
    participants: int = 0
    notes: int = 0
    votes: int = 0
    pledges: int = 0
    members: int = 0
    files: int = 0

    def add(self, other: Deleted) -> None:
        self.workshops += other.workshops
        for name in ("participants", "notes", "votes", "pledges", "members", "files"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _count(model: Any, workshop_id: int) -> int:
    query = select(func.count()).select_from(model).where(model.workshop_id == workshop_id)
    return db.session.scalar(query) or 0


def _workshop_members(workshop_id: int) -> Any:
    """The coalition memberships this workshop's participants took from their phones."""
    of_workshop = select(Participant.id).where(Participant.workshop_id == workshop_id)
    return Member.participant_id.in_(of_workshop)


def get_workshop(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound()
    return workshop


def what_goes(workshop_id: int) -> Deleted:
    """What deleting this workshop would remove."""
    members = select(func.count()).select_from(Member).where(_workshop_members(workshop_id))
    return Deleted(
        workshops=[workshop_id],
        participants=_count(Participant, workshop_id),
        notes=_count(Note, workshop_id),
        votes=_count(Vote, workshop_id),
        pledges=_count(Pledge, workshop_id),
        members=db.session.scalar(members) or 0,
    )


def _joined_from(workshop_id: int) -> list[int]:
    """The coalitions this workshop's participants joined from their phones."""
    query = select(Member.coalition_id).where(_workshop_members(workshop_id))
    return sorted(set(db.session.scalars(query)))


def turns_for_deletion(workshop_id: int) -> list[int]:
    """The workshops whose turn deleting this one takes: itself, and those that show a
    coalition its participants joined (their member counts change)."""
    shared = select(Origin.workshop_id).where(Origin.coalition_id.in_(_joined_from(workshop_id)))
    return sorted({workshop_id, *db.session.scalars(shared)})


def delete_workshop(workshop_id: int, export_folder: Path | None) -> Deleted:
    """Delete a workshop and everything its participants gave (the module's docstring).
    The edge holds the turns of ``turns_for_deletion``: no command of the workshop is
    under way meanwhile, and the other workshops showing its participants' coalitions
    are told their new member counts."""
    get_workshop(workshop_id)
    deleted = what_goes(workshop_id)
    joined = _joined_from(workshop_id)
    db.session.execute(delete(Member).where(_workshop_members(workshop_id)))
    # Every other row of the workshop goes by its foreign key (ON DELETE CASCADE).
    db.session.execute(delete(Workshop).where(Workshop.id == workshop_id))
    db.session.flush()
    # Other workshops show these coalitions, and their exports list the members.
    listing: set[int] = set()
    for coalition in db.session.scalars(select(Coalition).where(Coalition.id.in_(joined))):
        listing.update(coalitions.workshops_of(coalition))
        coalitions.announce(coalition)
    if export_folder is not None:
        deleted.files = forget_exports(export_folder, {workshop_id} | listing)
    log.info(
        "workshop %d deleted: %d participants, %d notes, %d votes, %d pledges, "
        "%d coalition members, %d export files",
        workshop_id, deleted.participants, deleted.notes, deleted.votes, deleted.pledges,
        deleted.members, deleted.files,
    )  # fmt: skip
    return deleted


def forget_exports(folder: Path, workshop_ids: set[int] | None = None) -> int:
    """Remove the exports kept on disk of these workshops, or (None) of every workshop that
    no longer exists: each host's cache folder is its own. Returns how many files went."""
    if not folder.is_dir():
        return 0
    if workshop_ids is None:
        existing = set(db.session.scalars(select(Workshop.id)))
    removed = 0
    for path in folder.iterdir():
        match = EXPORT_FILE.match(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        if number in workshop_ids if workshop_ids is not None else number not in existing:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def forget_uploads(folder: Path, older_than: timedelta = UPLOAD_LIFETIME) -> int:
    """Remove archives uploaded for an import and left behind (an import deletes its
    upload when it ends, unless its process was killed). Returns how many went."""
    if not folder.is_dir():
        return 0
    limit, removed = time.time() - older_than.total_seconds(), 0
    for path in folder.glob("*.json"):
        try:
            stale = path.stat().st_mtime < limit
        except FileNotFoundError:
            continue
        if stale:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def over_since(
    retention_days: int, now: datetime | None = None, only: int | None = None
) -> list[Workshop]:
    """The workshops over for longer than the retention: ended that long ago or, never
    ended, unchanged that long (their last event, or their creation). None when the
    retention is 0 (kept until deleted); never one being imported."""
    if retention_days <= 0:
        return []
    limit = (now or utcnow()) - timedelta(days=retention_days)
    last_event = (
        select(func.max(Event.created_at))
        .where(Event.workshop_id == Workshop.id)
        .correlate(Workshop)
        .scalar_subquery()
    )
    last_change = func.coalesce(last_event, Workshop.created_at)
    query = (
        select(Workshop)
        .where(
            or_(
                Workshop.ended_at < limit,
                (Workshop.ended_at.is_(None))
                & (Workshop.status != Status.IMPORTING)
                & (last_change < limit),
            )
        )
        .order_by(Workshop.id)
    )
    if only is not None:
        query = query.where(Workshop.id == only)
    return list(db.session.scalars(query))


def purge(
    retention_days: int,
    export_folder: Path | None,
    dry_run: bool = False,
    upload_folder: Path | None = None,
) -> Deleted:
    """Delete every workshop over for longer than the retention, each in its own turn
    (checked again there: a command may have just changed it), then the exports kept on
    disk of workshops that no longer exist, and archives an interrupted import left in
    ``upload_folder``. Dry, only say what would go."""
    total = Deleted()
    candidates = [workshop.id for workshop in over_since(retention_days)]
    db.session.rollback()
    for workshop_id in candidates:
        if dry_run:
            total.add(what_goes(workshop_id))
            continue
        with unit_of_work(*turns_for_deletion(workshop_id)):
            if over_since(retention_days, only=workshop_id):
                total.add(delete_workshop(workshop_id, export_folder))
    if export_folder is not None and not dry_run:
        total.files += forget_exports(export_folder)
    if upload_folder is not None and not dry_run:
        total.files += forget_uploads(upload_folder)
    db.session.rollback()
    return total


# --- A coalition member ------------------------------------------------------------------


def _same_person(member: Member) -> Any:
    """The memberships of the person who gave this one: the same e-mail address, or the
    same participant of a workshop."""
    alike = [Member.id == member.id]
    if member.email:
        alike.append(func.lower(Member.email) == member.email.strip().lower())
    if member.participant_id is not None:
        alike.append(Member.participant_id == member.participant_id)
    return or_(*alike)


def get_member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound()
    return member


def member_by_email(email: str) -> Member:
    """A membership given with this address (any: the others are the same person's)."""
    address = email.strip().lower()
    query = select(Member).where(func.lower(Member.email) == address).order_by(Member.id)
    member = db.session.scalars(query.limit(1)).first() if address else None
    if member is None:
        raise NotFound()
    return member


def memberships(member: Member) -> list[Member]:
    return list(db.session.scalars(select(Member).where(_same_person(member)).order_by(Member.id)))


def _participants(members: list[Member]) -> list[int]:
    return sorted({m.participant_id for m in members if m.participant_id is not None})


def workshops_of_member(member_id: int) -> list[int]:
    """The workshops whose screens show this person's coalitions: forgetting them takes
    their turn (it changes the coalitions' member counts)."""
    member = get_member(member_id)
    coalition_ids = {m.coalition_id for m in memberships(member)}
    query = select(Origin.workshop_id).where(Origin.coalition_id.in_(coalition_ids))
    return sorted(set(db.session.scalars(query)))


def member_record(member: Member) -> dict[str, Any]:
    """Everything stored that this person gave: their memberships and, when they joined
    from a workshop, what that participant gave there (nickname, notes, cards, pledges,
    votes). A JSON document for the person who asked."""
    found = memberships(member)
    titles = dict(
        db.session.execute(
            select(Coalition.id, Coalition.title).where(
                Coalition.id.in_({m.coalition_id for m in found})
            )
        ).all()
    )
    record: dict[str, Any] = {
        "generated_at": utcnow().isoformat(),
        "memberships": [
            {
                "coalition_id": m.coalition_id,
                "coalition": titles.get(m.coalition_id),
                "name": m.name,
                "organisation": m.organisation,
                "role": m.role,
                "email": m.email,
                "via": m.via,
                "joined_at": m.created_at.isoformat(),
            }
            for m in found
        ],
        "workshops": [],
    }
    for participant_id in _participants(found):
        record["workshops"].append(_participant_record(participant_id))
    return record


def _participant_record(participant_id: int) -> dict[str, Any]:
    participant = db.session.get(Participant, participant_id)
    assert participant is not None  # a member's participant (SET NULL when it goes)
    workshop = db.session.get(Workshop, participant.workshop_id)
    assert workshop is not None
    by_author = Note.participant_id == participant_id
    notes = db.session.scalars(select(Note).where(by_author).order_by(Note.id))
    cards = db.session.scalars(
        select(Card).where(Card.participant_id == participant_id).order_by(Card.id)
    )
    pledges = db.session.execute(
        select(Pledge, Group.title)
        .join(Group, Group.id == Pledge.group_id)
        .where(Pledge.participant_id == participant_id)
        .order_by(Pledge.id)
    ).all()
    votes = db.session.scalars(
        select(Vote).where(Vote.participant_id == participant_id).order_by(Vote.id)
    )
    reactions = db.session.scalars(
        select(Reaction).where(Reaction.participant_id == participant_id).order_by(Reaction.id)
    )
    ratings = db.session.scalars(
        select(Rating).where(Rating.participant_id == participant_id).order_by(Rating.id)
    )
    poll_answers = db.session.scalars(
        select(PollAnswer)
        .where(PollAnswer.participant_id == participant_id)
        .order_by(PollAnswer.id)
    )
    return {
        "workshop_id": workshop.id,
        "workshop": workshop.title,
        "joined_at": participant.created_at.isoformat(),
        "nickname": participant.nickname,
        "notes": [
            {"text": note.text, "area": note.area, "written_at": note.created_at.isoformat()}
            for note in notes
        ],
        "cards": [{"text": card.text, "kind": card.kind, "slot": card.slot} for card in cards],
        "pledges": [
            {"group": title, "name": pledge.name, "organisation": pledge.organisation}
            for pledge, title in pledges
        ],
        "votes": [{"target": vote.target, "dots": vote.dots} for vote in votes],
        "reactions": [{"note": r.note_id, "value": r.value} for r in reactions],
        "ratings": [{"item": r.item, "criterion": r.criterion, "value": r.value} for r in ratings],
        "poll_answers": [{"poll": a.poll_id, "choices": a.choices} for a in poll_answers],
    }


def forget_member(member_id: int, export_folder: Path | None) -> int:
    """Delete this person's memberships (every coalition: the same e-mail address or the
    same participant) and the name and organisation of their pledges; the pledges stay,
    counted, nameless. The screens of the workshops these coalitions came from get the
    new member counts, and their exports kept on disk (which list members) go. Returns
    how many memberships went. The edge holds those workshops' turn
    (``workshops_of_member``)."""
    member = get_member(member_id)
    found = memberships(member)
    participants = _participants(found)
    if participants:
        for pledge in db.session.scalars(
            select(Pledge).where(Pledge.participant_id.in_(participants))
        ):
            pledge.name = pledge.organisation = None
    coalition_ids = sorted({m.coalition_id for m in found})
    for each in found:
        db.session.delete(each)
    db.session.flush()
    for coalition_id in coalition_ids:
        coalition = db.session.get(Coalition, coalition_id)
        if coalition is not None:
            coalitions.announce(coalition)
    if export_folder is not None:
        origins = select(Origin.workshop_id).where(Origin.coalition_id.in_(coalition_ids))
        forget_exports(export_folder, set(db.session.scalars(origins)))
    log.info("coalition member %d forgotten: %d memberships", member_id, len(found))
    return len(found)
