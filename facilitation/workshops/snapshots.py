"""Snapshot on join, sequence numbers after: what a (re)joining screen receives.

Snapshots and replays are sent in pages of bounded size (realtime/paging.py): the join or
sync ack carries a snapshot's head and first page, and the screen asks for the others with
``snapshot.page``; a replay is one page, or a snapshot when the missed events do not fit.
"""

from __future__ import annotations

import functools
import hmac
from typing import Any

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, select, union
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session

from ..auth import Actor, ActorKind
from ..cards import services as cards
from ..cards.models import Card
from ..coalitions import services as coalitions
from ..coalitions.models import Member
from ..errors import Conflict, NotFound
from ..extensions import db
from ..groups import services as groups
from ..groups.models import Group
from ..groups.schemas import GroupSchema
from ..notes import services as notes
from ..notes.models import Note
from ..notes.schemas import wire
from ..participants.services import author_of, nicknames, nicknames_of
from ..pledges import services as pledges
from ..pledges.models import Pledge
from ..polls import services as polls
from ..polls.models import PollAnswer
from ..ratings import services as ratings
from ..ratings.models import Rating
from ..reactions import services as reactions
from ..reactions.models import Reaction
from ..realtime import eventlog, protocol, publish
from ..realtime.gathering import Gathering
from ..realtime.paging import PAGE_BYTES, Section, fill, fits, known_size
from ..realtime.wire import encoded
from ..rules import format_of
from ..votes import services as votes
from ..votes.models import Vote
from . import shared
from .models import Workshop
from .replays import replay
from .schemas import format_summary
from .services import get_workshop, state

SYNC_LIMIT = 500  # beyond this many missed events, a fresh snapshot is cheaper
SECTIONS = ("notes", "groups", "cards", "proposals")  # a snapshot's paged collections
GROUP = GroupSchema()
# Events after which a participant's view must be rebuilt (what they may see has changed).
RESHAPING = {event.value for event in protocol.RESHAPING}


def snapshot(
    actor: Actor,
    workshop: Workshop,
    participants: int,
    budget: int | None = PAGE_BYTES,
    fetch: bool = False,
    heads: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Everything the actor may see now, and the sequence number it is at: the head, the
    first page of the collections, and the cursor of the next page (None: none left).
    ``budget=None`` reads every page at once. A participant's screen that can ``fetch``
    gets instead its own items and the address of the common part's body (``_fetched``).

    The head is read first (``heads``: by the caller, before anything else): a change
    committed while the rest is read (this page or the next) is then both in the
    snapshot and delivered after it, and screens apply it once.
    """
    head, public_head = heads or eventlog.heads(workshop.id)
    if actor.participant_id is not None and fetch:
        return _fetched(actor, workshop, (head, public_head), participants)
    if actor.participant_id is not None:
        part, own = _common(workshop, (head, public_head)), _own_part(actor, workshop)
        items, rest = fill(_own_sections(actor, workshop, part, own), (SECTIONS[0], 0), budget)
        common = part.rest
    else:
        own = None
        items, rest = fill(_sections(actor, workshop), (SECTIONS[0], 0), budget)
        common = _rest(actor, workshop)
    return {
        "head": head,
        "public_head": public_head,
        **common,
        **items,
        "participants": participants,
        "me": _me(actor, workshop, own),
        "next": _cursor(head, rest),
    }


def _rest(actor: Actor, workshop: Workshop) -> dict[str, Any]:
    """A snapshot's parts besides the collections that are the same for every screen of
    the actor's audience."""
    return {
        "workshop": state(workshop),
        "format": format_summary(format_of(workshop)),
        "canvas_groups": cards.canvas_groups(workshop),
        **_results(actor, workshop),
        "reactions": reactions.counts(workshop) if actor.is_staff else None,
        "opinions": reactions.published(workshop),
        "rating_counts": ratings.counts(workshop) if actor.is_staff else None,
        "ratings": ratings.published(workshop),
        "polls": polls.public(workshop),
        "poll_answered": polls.answered_counts(workshop) if actor.is_staff else None,
    }


def _common(workshop: Workshop, heads: tuple[int, int]) -> shared.CommonPart:
    """What every participant sees at the current public sequence number, read once per
    process as screens ask for it (workshops/shared.py)."""

    def start(anyone: Actor) -> tuple[dict[str, Any], dict[str, shared.Reader]]:
        def reader(name: str) -> shared.Reader:
            def read(current: Workshop, after: int, limit: int) -> list[dict[str, Any]]:
                (section,) = (s for s in _sections(anyone, current) if s.name == name)
                return [section.dump(row) for row in section.rows(after, limit)]

            return read

        return _rest(anyone, workshop), {name: reader(name) for name in SECTIONS}

    return shared.views().common(workshop, heads, start)


# A participant's own things, read for every phone asking at the same moment at once
# (realtime/gathering.py): after a phase change the whole room asks within a second.
OWN_PARTS: Gathering[int, dict[str, Any]] = Gathering()


def _end_transaction() -> None:
    """End the request's transaction before it waits for a batch, keeping what it loaded.

    Nobody waits for a batch with a transaction open: a socket command's transaction
    holds SQLite's write lock (extensions.py), and the batch's reader needs the database.
    What the request read stays as it was read, at the snapshot's moment (a commit would
    expire it: the workshop was read again, a statement per phone, to name the body's
    address)."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def _own_part(actor: Actor, workshop: Workshop) -> dict[str, Any]:
    """What only this participant sees, read with the others' asking now (plain data: the
    batch is read in another request's session). Read after the snapshot's head, like the
    rest of the snapshot: the batch is read after every request in it arrived."""
    assert actor.participant_id is not None
    workshop_id, named = workshop.id, not workshop.anonymous
    _end_transaction()
    return OWN_PARTS.get(
        workshop_id, actor.participant_id, lambda ids: _own_parts(workshop_id, ids, named)
    )


# Every table holding what a participant gave (a row per item, with its participant_id):
# one statement over all of them finds the participants who gave nothing yet (a room's
# newcomers, all at once in a mass join), whose part needs no read at all.
OWN_TABLES = (
    Note.__table__,
    Card.__table__,
    Vote.__table__,
    Pledge.__table__,
    Member.__table__,
    Reaction.__table__,
    Rating.__table__,
    PollAnswer.__table__,
)


def _with_anything(workshop_id: int, participant_ids: list[int]) -> set[int]:
    """Those of these participants (all of ``workshop_id``) with a row in any of
    ``OWN_TABLES`` (deleted notes and cards count: their part is then read, and found
    empty). Tables with a workshop column are read within the workshop, as their own
    reads are: a table whose index does not lead with participant_id is not scanned
    whole."""

    def given(table: Any) -> Any:
        rows = select(table.c.participant_id).where(table.c.participant_id.in_(participant_ids))
        return rows.where(table.c.workshop_id == workshop_id) if "workshop_id" in table.c else rows

    statement = union(*(given(table) for table in OWN_TABLES))
    return set(db.session.execute(statement).scalars())


def _nothing_given() -> dict[str, Any]:
    """The part of a participant who gave nothing: as the reads below would make it."""
    return {
        "nickname": None,
        "notes": [],
        "cards": [],
        "votes": {},
        "spent": {},
        "pledges": [],
        "proposals": [],
        "reactions": {},
        "ratings": {},
        "polls": {},
    }


def _own_parts(
    workshop_id: int, participant_ids: list[int], named: bool
) -> dict[int, dict[str, Any]]:
    """Each participant's notes and cards, their nickname when the workshop shows names
    (``named``), and the rest of their ``me``: those who gave nothing are found in one
    statement, the others' read in a statement per kind for all of them."""
    given = _with_anything(workshop_id, participant_ids)
    parts = {participant: _nothing_given() for participant in participant_ids}
    if given:
        parts.update(_given_parts(workshop_id, [p for p in participant_ids if p in given], named))
    return parts


def _given_parts(
    workshop_id: int, participant_ids: list[int], named: bool
) -> dict[int, dict[str, Any]]:
    """``_own_parts`` for participants who gave something."""
    own_notes = notes.own_notes_of(workshop_id, participant_ids)
    own_cards = cards.own_cards_of(workshop_id, participant_ids)
    dots = votes.dots_of(participant_ids)
    pledged = pledges.pledges_of(participant_ids)
    joined = coalitions.joined_by(participant_ids)
    reacted = reactions.reactions_of(participant_ids)
    rated = ratings.ratings_of(participant_ids)
    answered = polls.answers_of(participant_ids)
    authors = nicknames_of([p for p in participant_ids if named and (own_notes[p] or own_cards[p])])
    return {
        participant: {
            "nickname": authors.get(participant),
            "notes": [wire(row) for row in own_notes[participant]],
            "cards": [cards.dump(row) for row in own_cards[participant]],
            "votes": dots[participant][0],
            "spent": dots[participant][1],
            "pledges": pledged[participant],
            "proposals": joined[participant],
            "reactions": reacted[participant],
            "ratings": rated[participant],
            "polls": answered[participant],
        }
        for participant in participant_ids
    }


def _own(actor: Actor, workshop: Workshop, part: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A participant's own notes and cards, as they alone see them (``mine``)."""
    names = {actor.participant_id: part["nickname"]}
    author = {"author": author_of(workshop, actor.participant_id, names), "mine": True}
    return {name: [item | author for item in part[name]] for name in ("notes", "cards")}


def _fetched(
    actor: Actor, workshop: Workshop, heads: tuple[int, int], participants: int
) -> dict[str, Any]:
    """A participant's snapshot without the common part, whose body the screen fetches
    (``common``: its address; ``own``: the participant's items, which replace the body's
    copies of them by id). One body serves every phone of the room (workshops/shared.py)."""
    head, public_head = heads
    _common(workshop, heads).whole(workshop)  # read now, as the snapshot's moment; kept
    own = _own_part(actor, workshop)
    return {
        "head": head,
        "public_head": public_head,
        "common": shared.body_path(workshop, public_head),
        "own": _own(actor, workshop, own),
        "participants": participants,
        "me": _me(actor, workshop, own),
        "next": None,
    }


def install(session_class: type[Session]) -> None:
    """Name the view of each reshaping change as its transaction commits (done once)."""
    if not orm_event.contains(session_class, "before_commit", _offer_views):
        orm_event.listen(session_class, "before_commit", _offer_views)
        orm_event.listen(session_class, "after_soft_rollback", _forget_views)


def _offer_views(session: Session) -> None:
    for workshop in session.info.pop(shared.RESHAPED_KEY, {}).values():
        offer_view(session, workshop)


def _forget_views(session: Session, _previous: Any) -> None:
    session.info.pop(shared.RESHAPED_KEY, None)


def offer_view(session: Session, workshop: Workshop) -> None:
    """Name, in the change being committed, what every phone sees once it is: the address
    of the common part's body at the transaction's last public event, and the dots the
    phase allows; on its last reshaping event (a phase change, results revealed or
    hidden). A phone then fetches that body and keeps its own items and dots, and the
    whole room moves on without a request per phone (docs/protocol.md, "A change names
    its view"). Only on the event as it goes out: a replay from the log carries no view,
    and its phones sync. Outside a request (no address can be made) it goes without."""
    if not has_request_context():
        return
    public = publish.pending(session, protocol.workshop_room(workshop.id))
    changes = [wire for wire in public if wire["type"] in RESHAPING]
    if not changes:
        return
    head = max(wire["seq"] for wire in public)
    anyone = Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=shared.ANYONE)
    dots = votes.budget_of(anyone, workshop, {})
    dots.pop("used", None)
    changes[-1]["view"] = {
        "body": shared.body_path(workshop, head),
        "public_head": head,
        "budget": dots,
    }


def common_body(workshop_id: int, public_head: int, signature: str) -> bytes:
    """The body of a workshop's common part at ``public_head``, gzip-compressed, for a
    screen whose snapshot named it. A wrong signature is not found; a part this process
    no longer holds, and cannot read again because the workshop has moved on since, is a
    conflict: the screen asks for a new snapshot."""
    views = shared.views()
    part = views.find(workshop_id, public_head)
    code = part.stamp[0] if part is not None else None
    body = part.body if part is not None else None
    if part is None:
        workshop = db.session.get(Workshop, workshop_id)
        code = workshop.code if workshop is not None else None
    if code is None or not hmac.compare_digest(
        shared.signature(workshop_id, code, public_head).encode(),
        signature.encode("utf-8", "replace"),
    ):
        raise NotFound(_l("This view does not exist."))
    if body is not None:
        return body  # kept since the sync that named it: no database at all
    if part is None:
        workshop = get_workshop(workshop_id)
        heads = eventlog.heads(workshop_id)
        if heads[1] != public_head:
            raise Conflict(_l("The workshop has moved on since; ask for it again."))
        part = _common(workshop, heads)
    else:
        workshop = get_workshop(workshop_id)
    return part.whole(workshop)


def _own_sections(
    actor: Actor, workshop: Workshop, part: shared.CommonPart, mine: dict[str, Any]
) -> list[Section]:
    """A participant's collections: the common part, with their own notes and cards."""
    own = _own(actor, workshop, mine)

    def section(name: str) -> Section:
        def rows(after: int, limit: int) -> list[dict[str, Any]]:
            common = part.rows(workshop, name, after, limit)
            return shared.with_own(common, own.get(name, []), after, len(common) >= limit)

        return Section(name, rows, lambda item: item, lambda item: part.sizes.get(id(item)))

    return [section(name) for name in SECTIONS]


def page(actor: Actor, workshop: Workshop, cursor: dict[str, Any]) -> dict[str, Any]:
    """The page a cursor points to, and the cursor of the one after (None after the last).

    Read now, after the id the cursor names: whatever changed since the snapshot's head
    reaches the screen as events too (docs/protocol.md: "Snapshots come in pages").
    """
    head, public_head = eventlog.heads(workshop.id)
    if cursor["head"] > head:
        raise Conflict(_l("This snapshot is unknown here; join again."))
    start = (cursor["section"], cursor["after"])
    sections = (
        _own_sections(
            actor, workshop, _common(workshop, (head, public_head)), _own_part(actor, workshop)
        )
        if actor.participant_id is not None
        else _sections(actor, workshop)
    )
    items, rest = fill(sections, start, PAGE_BYTES)
    return {"page": items, "next": _cursor(cursor["head"], rest)}


def _cursor(head: int, rest: tuple[str, int] | None) -> dict[str, Any] | None:
    return None if rest is None else {"head": head, "section": rest[0], "after": rest[1]}


def _sections(actor: Actor, workshop: Workshop) -> list[Section]:
    """The snapshot's collections, in the order pages go through them."""
    names = functools.cache(lambda: nicknames(workshop))

    def note(row: Row[Any]) -> dict[str, Any]:
        shown = notes.payload(workshop, row, names())
        shown["mine"] = row.participant_id == actor.participant_id
        return encoded(shown)

    def card(row: Card) -> dict[str, Any]:
        return encoded(
            cards.payload(workshop, row, names())
            | {"mine": row.participant_id == actor.participant_id}
        )

    # Each item is encoded as it is read: its size for the page is then known, and the
    # answer splices its text in rather than encoding every item a second time.
    return [
        Section(
            "notes",
            lambda after, n: notes.visible_notes(actor, workshop, after, n),
            note,
            known_size,
        ),
        Section(
            "groups",
            lambda after, n: groups.visible_groups(actor, workshop, after, n),
            _group,
            known_size,
        ),
        Section(
            "cards",
            lambda after, n: cards.visible_cards(actor, workshop, after, n),
            card,
            known_size,
        ),
        Section("proposals", lambda after, n: _proposals(workshop, after, n), dict),
    ]


def _group(row: Group) -> dict[str, Any]:
    return encoded(GROUP.dump(row))


def _proposals(workshop: Workshop, after: int, limit: int) -> list[dict[str, Any]]:
    proposals = sorted(coalitions.proposals_of(workshop.id), key=lambda item: item["id"])
    return [proposal for proposal in proposals if proposal["id"] > after][:limit]


def _me(actor: Actor, workshop: Workshop, part: dict[str, Any] | None) -> dict[str, Any]:
    """What a screen knows of its actor; a participant's from ``part`` (``_own_part``)."""
    me: dict[str, Any] = {"kind": actor.kind.value}
    if part is not None:
        me["votes"] = part["votes"]
        me["budget"] = votes.budget_of(actor, workshop, part["spent"])
        for name in ("pledges", "proposals", "reactions", "ratings", "polls"):
            me[name] = part[name]
    return me


def _results(actor: Actor, workshop: Workshop) -> dict[str, Any]:
    """Tallies for staff; tallies and ranked results for all once revealed. Like the
    events (``votes.tallied`` carries results once revealed), a snapshot carries no
    results before the reveal, even for staff: screens rank the tallies themselves."""
    revealed = workshop.results_revealed
    tallies = votes.tallies(workshop) if actor.is_staff or revealed else None
    return {"tallies": tallies, "results": votes.results(workshop) if revealed else None}


def catch_up(
    actor: Actor,
    workshop: Workshop,
    since: int,
    participants: int,
    fetch: bool = False,
    position: eventlog.Position | None = None,
) -> dict[str, Any]:
    """The events missed since ``since``, or a snapshot when that is simpler or needed:
    a replay is one page, so one that would not fit becomes a (paged) snapshot. The
    stream's ``position`` is read first (by the caller, or here)."""
    position = position or eventlog.position(workshop.id)
    head = position.head

    def fresh() -> dict[str, Any]:
        heads = (head, position.public_head)
        return {"snapshot": snapshot(actor, workshop, participants, fetch=fetch, heads=heads)}

    if since > head:
        return fresh()
    if not actor.is_staff and position.reshaped > since:
        return fresh()
    events = eventlog.events_since(actor, since, SYNC_LIMIT + 1)
    reshaped = not actor.is_staff and any(event.type in RESHAPING for event in events)
    if len(events) > SYNC_LIMIT or reshaped:
        return fresh()
    replayed = replay(actor, workshop, events)
    if not fits(replayed, PAGE_BYTES):
        return fresh()
    return {"head": head, "events": replayed}
