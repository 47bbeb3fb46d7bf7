"""Coalition proposals: promoted from a workshop's group or note, edited with a history,
joined by members, followed in a pipeline across workshops."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..auth import Actor
from ..cards.models import Card
from ..database import utcnow
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..groups.models import Group
from ..notes.models import Note
from ..participants.models import Participant
from ..pledges.models import Pledge
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import require_participant_action
from ..targets import resolve
from ..text import shorten
from ..workshops.models import Workshop
from .models import Coalition, Member, Origin, Revision, Status
from .schemas import CoalitionSchema

STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.PROPOSED: _l("Proposed"),
    Status.FORMING: _l("Forming"),
    Status.ACTIVE: _l("Active"),
    Status.CLOSED: _l("Closed"),
}


def status_label(status: str) -> str:
    """A status as people read it, in the current language."""
    return str(STATUS_LABELS[Status(status)])


EDITABLE = tuple(
    name
    for name in CoalitionSchema().fields
    if name not in ("id", "number", "source_note", "created_at", "updated_at")
)


def can_edit(user: Any, coalition: Coalition) -> bool:
    """Coordinators and admins edit every coalition; a facilitator the ones they created."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in (Role.ADMIN, Role.COORDINATOR) or coalition.created_by_id == user.id


def get(coalition_id: int) -> Coalition:
    coalition = db.session.get(Coalition, coalition_id)
    if coalition is None:
        raise NotFound(_l("This coalition does not exist."))
    return coalition


def get_for_edit(user: Any, coalition_id: int) -> Coalition:
    coalition = get(coalition_id)
    if not can_edit(user, coalition):
        raise Forbidden()
    return coalition


def create(user: User, fields: dict[str, Any]) -> Coalition:
    """A coalition written from scratch by a coordinator (or imported from a registry)."""
    if user.role not in (Role.ADMIN, Role.COORDINATOR, Role.FACILITATOR):
        raise Forbidden()
    coalition = Coalition(**fields, created_by_id=user.id, created_at=utcnow(), updated_at=utcnow())
    db.session.add(coalition)
    db.session.flush()
    return coalition


def update(user: User, coalition: Coalition, fields: dict[str, Any]) -> Coalition:
    """Edit some fields; each change is kept in the coalition's history."""
    if not can_edit(user, coalition):
        raise Forbidden()
    changes = {}
    for name, value in fields.items():
        before = getattr(coalition, name)
        if name in EDITABLE and before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(coalition, name, value)
    if changes:
        coalition.updated_at = utcnow()
        db.session.add(
            Revision(
                coalition_id=coalition.id, user_id=user.id, changes=changes, created_at=utcnow()
            )
        )
        _announce(coalition)
    return coalition


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def history(coalition: Coalition) -> list[Revision]:
    query = select(Revision).where(Revision.coalition_id == coalition.id)
    return list(db.session.scalars(query.order_by(Revision.id.desc())))


def promote(actor: Actor, workshop: Workshop, target: str) -> Coalition:
    """Turn a group (with its notes, canvas and pledges) or a note into a proposal."""
    actor.require_facilitator()
    item = resolve(workshop.id, target, ("group", "note"))
    if isinstance(item, Group):
        coalition = _from_group(workshop, item)
        origin = Origin(workshop_id=workshop.id, group_id=item.id)
    else:
        assert isinstance(item, Note)
        coalition = Coalition(title=_title(item.text), diagnostic=item.text)
        origin = Origin(workshop_id=workshop.id, note_id=item.id)
    coalition.status, coalition.created_by_id = Status.PROPOSED, actor.user_id
    coalition.created_at = coalition.updated_at = utcnow()
    db.session.add(coalition)
    db.session.flush()
    origin.coalition_id = coalition.id
    db.session.add(origin)
    joined = _members_from_pledges(coalition, item) if isinstance(item, Group) else []
    _announce(coalition, workshop.id)
    for participant_id in joined:
        _joined(workshop.id, coalition.id, participant_id)
    return coalition


def _title(text: str) -> str:
    first_line = text.splitlines()[0] if text else ""
    return shorten(first_line, 120)


def _from_group(workshop: Workshop, group: Group) -> Coalition:
    notes = db.session.scalars(
        select(Note.text)
        .where(
            Note.group_id == group.id,
            Note.deleted_at.is_(None),
            Note.merged_into_id.is_(None),
            Note.hidden.is_(False),
        )
        .order_by(Note.position, Note.id)
    )
    canvas: dict[str, list[str]] = {}
    for card in db.session.scalars(
        select(Card).where(Card.group_id == group.id, Card.deleted_at.is_(None)).order_by(Card.id)
    ):
        canvas.setdefault(card.slot, []).append(card.text)
    diagnostic = "\n".join(canvas.get("diagnostic", [])) or "\n".join(f"– {t}" for t in notes)
    return Coalition(
        title=group.title or _title(diagnostic),
        diagnostic=diagnostic,
        impact="\n".join(canvas.get("impact", [])),
        actors=[
            {"name": name, "kind": "organisation", "role": ""} for name in canvas.get("actors", [])
        ],
        levers="\n".join(canvas.get("levers", [])),
        evaluation="\n".join(canvas.get("evaluation", [])),
    )


def _members_from_pledges(coalition: Coalition, group: Group) -> list[int]:
    """Those who pledged to the group become members; returns their participant ids."""
    rows = db.session.execute(
        select(Pledge, Participant.nickname)
        .join(Participant, Participant.id == Pledge.participant_id)
        .where(Pledge.group_id == group.id)
    ).all()
    for pledge, nickname in rows:
        db.session.add(
            Member(
                coalition_id=coalition.id,
                name=pledge.name or nickname or "",
                organisation=pledge.organisation or "",
                participant_id=pledge.participant_id,
                via="workshop",
                created_at=pledge.created_at,
            )
        )
    return [pledge.participant_id for pledge, _ in rows]


def join(
    coalition: Coalition,
    fields: dict[str, Any],
    via: str = "web",
    participant_id: int | None = None,
) -> Member:
    """Someone pledges to join a coalition."""
    member = Member(
        coalition_id=coalition.id,
        via=via,
        participant_id=participant_id,
        created_at=utcnow(),
        **fields,
    )
    db.session.add(member)
    db.session.flush()
    _announce(coalition)
    return member


def pledge_from_phone(
    actor: Actor, workshop: Workshop, coalition_id: int, fields: dict[str, Any]
) -> Member:
    """A participant joins a proposal that came out of their workshop."""
    actor.require_participant()
    require_participant_action(workshop, actor, "pledge")
    coalition = get(coalition_id)
    if coalition.id not in proposal_ids(workshop.id):
        raise NotFound(_l("This coalition does not exist."))
    already = db.session.scalar(
        select(Member).where(
            Member.coalition_id == coalition.id, Member.participant_id == actor.participant_id
        )
    )
    if already is None:
        member = join(coalition, fields, via="workshop", participant_id=actor.participant_id)
        _joined(workshop.id, coalition.id, actor.participant_id)
        return member
    # One person is one member, whichever way they pledged (on the group the proposal came
    # from, then on the proposal): what they give now completes what they gave then.
    for name in ("name", "organisation", "role", "email"):
        if fields.get(name):
            setattr(already, name, fields[name])
    db.session.flush()
    _announce(coalition)
    return already


def _joined(workshop_id: int, coalition_id: int, participant_id: int | None) -> None:
    """Tell a participant's screens that they are a member of a proposal (``me.proposals``
    in their snapshot): joined from their phone, or through a pledge to its group."""
    data = {"proposal_id": coalition_id}
    eventlog.append(
        workshop_id, EventType.PROPOSAL_JOINED, Audience.PARTICIPANT, data, participant_id
    )


def joined_by(participant_ids: list[int]) -> dict[int | None, list[int]]:
    """The coalitions each participant joined from their phone, in one query for many."""
    query = select(Member.participant_id, Member.coalition_id).where(
        Member.participant_id.in_(participant_ids)
    )
    found: dict[int | None, set[int]] = {participant: set() for participant in participant_ids}
    for participant, coalition in db.session.execute(query):
        found[participant].add(coalition)
    return {participant: sorted(ids) for participant, ids in found.items()}


def members(coalition: Coalition) -> list[Member]:
    query = select(Member).where(Member.coalition_id == coalition.id).order_by(Member.id)
    return list(db.session.scalars(query))


def member_counts(coalition_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Member.coalition_id, func.count(Member.id))
        .where(Member.coalition_id.in_(coalition_ids))
        .group_by(Member.coalition_id)
    )
    return dict(rows.all())


def origins(coalition: Coalition) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Origin, Workshop.title)
        .join(Workshop, Workshop.id == Origin.workshop_id)
        .where(Origin.coalition_id == coalition.id)
    )
    return [
        {
            "workshop_id": origin.workshop_id,
            "workshop_title": title,
            "group_id": origin.group_id,
            "note_id": origin.note_id,
        }
        for origin, title in rows
    ]


def proposal_ids(workshop_id: int) -> list[int]:
    query = select(Origin.coalition_id).where(Origin.workshop_id == workshop_id)
    return list(db.session.scalars(query))


def proposals_of(workshop_id: int) -> list[dict[str, Any]]:
    """The proposals a workshop produced, as its screens show them."""
    ids = proposal_ids(workshop_id)
    coalitions = db.session.scalars(select(Coalition).where(Coalition.id.in_(ids)))
    counts = member_counts(ids)
    return [summary(coalition, counts.get(coalition.id, 0)) for coalition in coalitions]


def summary(coalition: Coalition, member_count: int) -> dict[str, Any]:
    return {
        "id": coalition.id,
        "title": coalition.title,
        "status": coalition.status,
        "members": member_count,
    }


def workshops_of(coalition: Coalition) -> list[int]:
    """The workshops a coalition came from, whose screens show it: a change to it takes
    their turn (realtime/eventlog.py: take_turn)."""
    query = select(Origin.workshop_id).where(Origin.coalition_id == coalition.id)
    return sorted(set(db.session.scalars(query)))


def announce(coalition: Coalition) -> None:
    """Tell the screens of the workshops it came from that it changed (its members)."""
    _announce(coalition)


def _announce(coalition: Coalition, workshop_id: int | None = None) -> None:
    """Tell the screens of the workshops it came from (a proposal's title, members)."""
    workshop_ids = [workshop_id] if workshop_id else workshops_of(coalition)
    db.session.flush()
    data = summary(coalition, member_counts([coalition.id]).get(coalition.id, 0))
    for ident in workshop_ids:
        eventlog.append(ident, EventType.PROPOSAL_SAVED, Audience.ALL, data)


def search(status: str | None, theme: str | None, quality: str | None) -> list[Coalition]:
    """The pipeline, filtered; JSON list filters are applied here to work on any database."""
    query = select(Coalition).order_by(Coalition.number.is_(None), Coalition.number, Coalition.id)
    if status:
        query = query.where(Coalition.status == status)
    found = list(db.session.scalars(query))
    if theme:
        found = [c for c in found if theme.casefold() in (t.casefold() for t in c.themes)]
    if quality:
        found = [c for c in found if quality in c.qualities]
    return found


def themes() -> list[str]:
    seen = {theme for themes in db.session.scalars(select(Coalition.themes)) for theme in themes}
    return sorted(seen, key=str.casefold)


def load_registry(user: User, registry: dict[str, Any]) -> list[Coalition]:
    """Add a registry's coalitions (such as #Reset's first sixteen), skipping numbers
    already present, so loading twice changes nothing."""
    existing = set(
        db.session.scalars(select(Coalition.number).where(Coalition.number.is_not(None)))
    )
    impact_date = date(registry["impact_year"], 12, 31)
    added = []
    for entry in registry["coalitions"]:
        if entry["number"] in existing:
            continue
        coalition = create(
            user,
            {
                "title": entry["title"],
                "themes": entry["themes"],
                "impact_date": impact_date,
                "status": Status.PROPOSED,
            },
        )
        coalition.number, coalition.source_note = entry["number"], registry["source"]
        added.append(coalition)
    return added
