"""What a synthesis says about a workshop, as plain data that every export format renders:
context, participation, notes by area and group, ranked results, the revealed opinion
map, the ratings, the quick polls, cards, proposals, the timeline of phases and the licence."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import distinct, func, select

from ..accounts.models import User
from ..cards.models import Card
from ..coalitions import services as coalitions
from ..database import utcnow
from ..extensions import db
from ..formats.kinds import CARD_CAPABILITY, card_slots
from ..groups.models import Group
from ..notes.models import Note
from ..participants import services as participants
from ..participants.models import Participant
from ..pledges.models import Pledge
from ..ratings.models import Rating
from ..realtime.models import Event
from ..realtime.protocol import EventType
from ..rules import format_of
from ..votes import services as votes
from ..votes.models import Vote
from ..workshops.codes import display_code
from ..workshops.models import Workshop
from ..workshops.services import workshop_for_staff
from . import opinions, polls, ratings

LICENCES = {
    "CC-BY-SA-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}


def licence() -> dict[str, str]:
    """The licence syntheses are published under (SYNTHESIS_LICENCE, CC BY-SA 4.0 by default)."""
    key = current_app.config.get("SYNTHESIS_LICENCE", "CC-BY-SA-4.0")
    name, url = LICENCES.get(key, LICENCES["CC-BY-SA-4.0"])
    return {"key": key, "name": name, "url": url}


def set_texts(user: Any, workshop_id: int, fields: dict[str, str]) -> Workshop:
    """The facilitator writes the introduction and conclusions the synthesis opens and
    closes with (``fields`` checked by SynthesisTextsSchema: plain text, bounded)."""
    workshop = workshop_for_staff(user, workshop_id)
    workshop.synthesis_introduction = fields["introduction"]
    workshop.synthesis_conclusions = fields["conclusions"]
    return workshop


def build(workshop: Workshop) -> dict[str, Any]:
    """Everything a coordinator sends the same day, in the workshop's language."""
    fmt, locale = format_of(workshop), workshop.language
    rated = ratings.summary(workshop, locale)
    cards = ratings.beside_canvases(_cards(workshop, locale), rated)
    return {
        "language": locale,
        "workshop": _context(workshop, fmt.title.get(locale), fmt.question_label.get(locale)),
        "participation": {**participation(workshop), **what_applies(workshop)},
        "areas": _areas(workshop, fmt, locale),
        "results": votes.results(workshop),
        "quadrants": quadrants(workshop, fmt, locale),
        "vote_totals": votes.totals(workshop),
        "opinions": opinions.summary(workshop),
        "ratings": rated,
        "polls": polls.summary(workshop, locale),
        "cards": cards,
        "proposals": _proposals(workshop),
        "timeline": timeline(workshop, fmt, locale),
        "licence": licence(),
        "generated_at": local(utcnow()).strftime("%Y-%m-%d %H:%M"),
    }


def _context(workshop: Workshop, format_title: str, question_label: str) -> dict[str, Any]:
    facilitator = db.session.get(User, workshop.created_by_id) if workshop.created_by_id else None
    return {
        "title": workshop.title,
        "question": workshop.question,
        "question_label": question_label,
        "format": format_title,
        "format_key": workshop.format_key,
        "date": local(workshop.created_at).date().isoformat(),
        "created_at": workshop.created_at.isoformat(),
        "ended_at": workshop.ended_at.isoformat() if workshop.ended_at else None,
        "status": workshop.status,
        "code": display_code(workshop.code),
        "facilitator": facilitator.name if facilitator else None,
        "anonymous": workshop.anonymous,
        "introduction": workshop.synthesis_introduction or "",
        "conclusions": workshop.synthesis_conclusions or "",
    }


def participation(workshop: Workshop) -> dict[str, int]:
    """Head counts: joined, wrote, voted, rated; notes, dots, cards and ratings."""

    def count(query: Any) -> int:
        return db.session.scalar(query) or 0

    live_notes = select(func.count(Note.id)).where(
        Note.workshop_id == workshop.id, Note.deleted_at.is_(None), Note.merged_into_id.is_(None)
    )
    return {
        "participants": count(
            select(func.count(Participant.id)).where(Participant.workshop_id == workshop.id)
        ),
        "contributors": count(
            select(func.count(distinct(Note.participant_id))).where(Note.workshop_id == workshop.id)
        ),
        "voters": count(
            select(func.count(distinct(Vote.participant_id))).where(
                Vote.workshop_id == workshop.id, Vote.dots > 0
            )
        ),
        "notes": count(live_notes.where(Note.hidden.is_(False))),
        "hidden_notes": count(live_notes.where(Note.hidden.is_(True))),
        "merged_notes": count(
            select(func.count(Note.id)).where(
                Note.workshop_id == workshop.id, Note.merged_into_id.is_not(None)
            )
        ),
        "dots": count(select(func.sum(Vote.dots)).where(Vote.workshop_id == workshop.id)),
        "pledges": count(select(func.count(Pledge.id)).where(Pledge.workshop_id == workshop.id)),
        "cards": count(
            select(func.count(Card.id)).where(
                Card.workshop_id == workshop.id, Card.deleted_at.is_(None)
            )
        ),
        "raters": count(
            select(func.count(distinct(Rating.participant_id))).where(
                Rating.workshop_id == workshop.id
            )
        ),
        "ratings": count(select(func.count(Rating.id)).where(Rating.workshop_id == workshop.id)),
    }


def what_applies(workshop: Workshop) -> dict[str, bool]:
    """Which head counts the synthesis gives, from what the format's phases let people do:
    no voters nor dots for a format that never votes (Innovation Facteur 4), no cards
    where nobody writes any, no raters where nothing is rated."""
    allows: set[str] = set()
    for phase in format_of(workshop).phases:
        allows |= phase.allows
    return {
        "voting": "vote" in allows,
        "carding": bool(allows & set(CARD_CAPABILITY.values())),
        "rating": "rate" in allows,
    }


def _note(note: Note, nicknames: dict[int, str | None]) -> dict[str, Any]:
    author = nicknames.get(note.participant_id or 0)
    return {"id": note.id, "text": note.text, "dots": note.dots, "author": author}


def _areas(workshop: Workshop, fmt: Any, locale: str) -> list[dict[str, Any]]:
    """Visible notes by area, then by group (most dots first), then loose notes."""
    notes = list(
        db.session.scalars(
            select(Note)
            .where(
                Note.workshop_id == workshop.id,
                Note.deleted_at.is_(None),
                Note.merged_into_id.is_(None),
                Note.hidden.is_(False),
            )
            .order_by(Note.dots.desc(), Note.id)
        )
    )
    groups = {
        g.id: g
        for g in db.session.scalars(
            select(Group).where(Group.workshop_id == workshop.id, Group.deleted_at.is_(None))
        )
    }
    nicknames = participants.nicknames(workshop)
    pledgers = pledgers_of(workshop, nicknames)
    by_area: dict[str, dict[int | None, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for note in notes:
        by_area[note.area][note.group_id if note.group_id in groups else None].append(
            _note(note, nicknames)
        )
    # A group without notes still shows (its own dots, its pledges) in its area.
    keys = {area.key for area in fmt.areas}
    for gid, group in groups.items():
        area_key: str = group.area if group.area and group.area in keys else fmt.areas[0].key
        if gid not in by_area[area_key] and (group.dots or pledgers.get(gid)):
            by_area[area_key][gid] = []
    return [_area(area, by_area.get(area.key, {}), groups, pledgers, locale) for area in fmt.areas]


def pledgers_of(workshop: Workshop, nicknames: dict[int, str | None]) -> dict[int, list[str]]:
    """Who pledged on each group, by the name they gave, else their nickname; someone
    who gave neither (or in an anonymous workshop) is counted, not named ("")."""
    found: dict[int, list[str]] = defaultdict(list)
    for pledge in db.session.scalars(
        select(Pledge).where(Pledge.workshop_id == workshop.id).order_by(Pledge.id)
    ):
        name = (pledge.name or "").strip() or nicknames.get(pledge.participant_id) or ""
        found[pledge.group_id].append(name)
    return found


def group_total(group: Group, notes: list[dict[str, Any]]) -> int:
    """A group's dots as the room sees them: its own and those of its notes."""
    return group.dots + sum(note["dots"] for note in notes)


def _area(
    area: Any,
    grouped: dict[int | None, list[dict[str, Any]]],
    groups: dict[int, Group],
    pledgers: dict[int, list[str]],
    locale: str,
) -> dict[str, Any]:
    totals = {gid: group_total(groups[gid], notes) for gid, notes in grouped.items() if gid}
    named = sorted(
        (gid for gid in grouped if gid is not None),
        key=lambda gid: (-totals[gid], groups[gid].position, gid),
    )
    return {
        "key": area.key,
        "label": area.label.get(locale),
        "groups": [
            {
                "id": gid,
                "title": groups[gid].title,
                "dots": totals[gid],
                "own_dots": groups[gid].dots,
                "pledges": len(pledgers.get(gid, [])),
                "pledgers": pledgers.get(gid, []),
                "notes": grouped[gid],
            }
            for gid in named
        ],
        "loose": grouped.get(None, []),
    }


QUADRANT_TOP = 7  # items per area in the grid (a page holds four); the full ranking follows


def quadrants(workshop: Workshop, fmt: Any, locale: str) -> list[dict[str, Any]]:
    """The results ranked within each area (a SWOT's four quadrants), when the format has
    several areas and the votes went to them: empty otherwise. Equal dots share a rank."""
    if len(fmt.areas) < 2:
        return []
    results = votes.results(workshop)
    if not any(r["area"] for r in results):
        return []
    found = []
    for area in fmt.areas:
        ranked, above, previous = [], 0, None
        mine = [r for r in results if r["area"] == area.key]
        counts: dict[int, int] = defaultdict(int)
        for r in mine:
            counts[r["dots"]] += 1
        for index, r in enumerate(mine):
            if r["dots"] != previous:
                above, previous = index + 1, r["dots"]
            ranked.append({**r, "rank": above, "tied": counts[r["dots"]] > 1})
        found.append(
            {
                "key": area.key,
                "label": area.label.get(locale),
                "results": ranked[:QUADRANT_TOP],
                "more": max(0, len(ranked) - QUADRANT_TOP),
            }
        )
    return found


def _link_labels(workshop: Workshop, cards: list[Card], fmt_areas: dict[str, str]) -> dict:
    """What each linked item ("note:12", "group:3", "card:5") is called in the synthesis:
    its text, and the area it belongs to. Items gone since are left out."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for card in cards:
        for link in card.links or []:
            kind, _, ident = str(link).partition(":")
            if ident.isdigit():
                wanted[kind].add(int(ident))
    labels: dict[str, dict[str, Any]] = {}
    if wanted["note"]:
        for note in db.session.scalars(
            select(Note).where(
                Note.workshop_id == workshop.id,
                Note.id.in_(wanted["note"]),
                Note.deleted_at.is_(None),
                Note.hidden.is_(False),
                Note.merged_into_id.is_(None),
            )
        ):
            labels[f"note:{note.id}"] = {
                "kind": "note",
                "text": note.text,
                "area": fmt_areas.get(note.area, ""),
            }
    if wanted["group"]:
        for group in db.session.scalars(
            select(Group).where(
                Group.workshop_id == workshop.id,
                Group.id.in_(wanted["group"]),
                Group.deleted_at.is_(None),
            )
        ):
            labels[f"group:{group.id}"] = {
                "kind": "group",
                "text": group.title,
                "area": fmt_areas.get(group.area or "", ""),
            }
    for card in cards:
        labels[f"card:{card.id}"] = {"kind": "card", "text": card.text, "area": ""}
    return labels


def _cards(workshop: Workshop, locale: str) -> dict[str, Any]:
    cards = list(
        db.session.scalars(
            select(Card)
            .where(Card.workshop_id == workshop.id, Card.deleted_at.is_(None))
            .order_by(Card.id)
        )
    )
    titles: dict[int | None, str] = dict(
        db.session.execute(
            select(Group.id, Group.title).where(Group.workshop_id == workshop.id)
        ).all()
    )
    fmt = format_of(workshop)
    labels = _link_labels(workshop, cards, {a.key: a.label.get(locale) for a in fmt.areas})

    def card(c: Card) -> dict[str, Any]:
        links = [labels[str(link)] for link in c.links or [] if str(link) in labels]
        return {"text": c.text, "links": links}

    result: dict[str, Any] = {}
    for kind in ("strategy", "roadmap"):
        slots = [
            {
                "key": s.key,
                "label": s.label.get(locale),
                "cards": [card(c) for c in cards if c.kind == kind and c.slot == s.key],
            }
            for s in card_slots(fmt, kind)
        ]
        result[kind] = slots if any(slot["cards"] for slot in slots) else []
    canvases = []
    for group_id in dict.fromkeys(c.group_id for c in cards if c.kind == "canvas"):
        fields = [
            {
                "key": s.key,
                "label": s.label.get(locale),
                "cards": [card(c) for c in cards if c.group_id == group_id and c.slot == s.key],
            }
            for s in card_slots(fmt, "canvas")
        ]
        label = fmt.canvas_label.get(locale) if fmt.canvas_label else None
        canvases.append(
            {
                "group": titles.get(group_id, ""),
                "item": f"group:{group_id}",
                "label": label,
                "fields": fields,
            }
        )
    result["canvas"] = canvases
    return result


def _proposals(workshop: Workshop) -> list[dict[str, Any]]:
    found = []
    for proposal in coalitions.proposals_of(workshop.id):
        coalition = coalitions.get(proposal["id"])
        found.append(
            {
                **proposal,
                "impact": coalition.impact,
                "members": [
                    {"name": m.name, "organisation": m.organisation}
                    for m in coalitions.members(coalition)
                ],
            }
        )
    return found


def phase_changes(workshop: Workshop) -> list[tuple[datetime, int]]:
    """Every phase change in the event log: when, and to which phase."""
    rows = db.session.execute(
        select(Event.created_at, Event.data)
        .where(Event.workshop_id == workshop.id, Event.type == EventType.PHASE_CHANGED.value)
        .order_by(Event.seq)
    ).all()
    return [(at, data["phase_index"]) for at, data in rows]


def timeline(workshop: Workshop, fmt: Any, locale: str) -> list[dict[str, Any]]:
    """When each phase began: the start, then every phase change."""
    steps = [(workshop.created_at, 0), *phase_changes(workshop)]
    return [
        {
            "at": local(at).strftime("%Y-%m-%d %H:%M"),
            "phase": fmt.phase_at(index).label.get(locale),
            "index": index,
        }
        for at, index in steps
    ]


def local(moment: datetime) -> datetime:
    """A moment on the instance's clock (TIMEZONE, Europe/Paris by default)."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
