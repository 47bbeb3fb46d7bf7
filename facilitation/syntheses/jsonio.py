"""The full workshop as JSON — everything, hidden and deleted notes included — to be
imported again (imports.py).

References inside the file are local ("p1", "n3", "g2", "c1"), settings included, so
exporting a workshop, importing it elsewhere and exporting it again gives the same
content. Version 2 added the proposals the workshop produced and references in settings
(version 1 held the instance's own group ids there); version 3 the reactions (agree,
disagree, pass on notes); version 4 the ratings and which rating phases' results were
revealed (rating_archive.py); version 5 the quick polls and their answers
(poll_archive.py). Whether the opinion map was revealed is carried
(``opinions_revealed``, absent from older archives: hidden), not the map: the import
computes it again from the reactions, and the same answers give the same map.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..cards.models import Card
from ..coalitions.models import Coalition, Member, Origin
from ..database import utcnow
from ..extensions import db
from ..groups.models import Group
from ..notes.models import Note
from ..participants.models import Participant
from ..pledges.models import Pledge
from ..reactions.models import OpinionMap, Reaction
from ..votes.models import Vote
from ..workshops.models import Workshop
from . import poll_archive, rating_archive
from .schemas import WorkshopArchiveSchema
from .services import phase_changes

VERSION = 5
TARGET_KINDS = {"n": "note", "g": "group", "c": "card"}  # what votes and links point at
WORKSHOP_FIELDS = (
    "title",
    "question",
    "format_key",
    "language",
    "status",
    "phase_index",
    "anonymous",
    "locked",
    "results_revealed",
    "created_at",
    "started_at",
    "ended_at",
    "synthesis_introduction",
    "synthesis_conclusions",
)
COALITION_FIELDS = (
    "number",
    "title",
    "diagnostic",
    "impact",
    "impact_date",
    "actors",
    "levers",
    "path",
    "evaluation",
    "indicators",
    "themes",
    "qualities",
    "status",
    "created_at",
    "updated_at",
)


def _rows(model: Any, workshop_id: int) -> list[Any]:
    return list(
        db.session.scalars(select(model).where(model.workshop_id == workshop_id).order_by(model.id))
    )


def _refs(prefix: str, rows: list[Any]) -> dict[int, str]:
    return {row.id: f"{prefix}{index}" for index, row in enumerate(rows, 1)}


def settings_out(settings: dict[str, Any], g: dict[int, str]) -> dict[str, Any]:
    """The workshop's settings with its groups named by their references."""
    out = {key: settings[key] for key in ("vote", "timers") if settings.get(key) is not None}
    if settings.get("canvas_groups") is not None:
        out["canvas_groups"] = [g[ident] for ident in settings["canvas_groups"] if ident in g]
    if settings.get("board") is not None:
        board = dict(settings["board"])
        focus = board.get("focus") or ""
        if focus.startswith("group:"):
            board["focus"] = f"group:{g[int(focus[6:])]}" if int(focus[6:]) in g else None
        out["board"] = board
    return out


def proposals_out(workshop: Workshop, p: dict[int, str], refs: dict[str, dict[int, str]]) -> list:
    """The coalition proposals made from the workshop's groups and notes, with their
    members (e-mail addresses stay on the instance)."""
    rows = db.session.execute(
        select(Coalition, Origin.group_id, Origin.note_id)
        .join(Origin, Origin.coalition_id == Coalition.id)
        .where(Origin.workshop_id == workshop.id)
        .order_by(Coalition.id)
    ).all()
    proposals = []
    for coalition, group_id, note_id in rows:
        origin = refs["group"].get(group_id) or refs["note"].get(note_id)
        if origin is None:
            continue  # its group or note is gone from the workshop
        members = db.session.scalars(
            select(Member).where(Member.coalition_id == coalition.id).order_by(Member.id)
        )
        proposals.append(
            {
                "id": coalition.id,  # not in the archive (its schema leaves it out)
                **{name: getattr(coalition, name) for name in COALITION_FIELDS},
                "origin": origin,
                "members": [
                    {
                        "name": m.name,
                        "organisation": m.organisation,
                        "role": m.role,
                        "participant": p.get(m.participant_id),
                        "via": m.via,
                        "created_at": m.created_at,
                    }
                    for m in members
                ],
            }
        )
    return proposals


def export(workshop: Workshop) -> dict[str, Any]:
    participants, groups = _rows(Participant, workshop.id), _rows(Group, workshop.id)
    notes, cards = _rows(Note, workshop.id), _rows(Card, workshop.id)
    p, g, n, c = (
        _refs("p", participants),
        _refs("g", groups),
        _refs("n", notes),
        _refs("c", cards),
    )
    targets = {"note": n, "group": g, "card": c}

    def target(value: str) -> str:
        kind, ident = value.split(":")
        return targets[kind][int(ident)]

    proposals = proposals_out(workshop, p, targets)
    archive = {
        "fabrique": {"kind": "workshop", "version": VERSION},
        "exported_at": utcnow(),
        "workshop": {
            **{name: getattr(workshop, name) for name in WORKSHOP_FIELDS},
            "settings": settings_out(workshop.settings or {}, g),
            "opinions_revealed": opinions_revealed(workshop),
            "ratings_revealed": rating_archive.revealed(workshop),
        },
        "participants": [
            {"ref": p[x.id], "nickname": x.nickname, "created_at": x.created_at}
            for x in participants
        ],
        "groups": [
            {
                "ref": g[x.id],
                "area": x.area,
                "title": x.title,
                "position": x.position,
                "deleted_at": x.deleted_at,
                "created_at": x.created_at,
            }
            for x in groups
        ],
        "notes": [
            {
                "ref": n[x.id],
                "participant": p.get(x.participant_id),
                "area": x.area,
                "text": x.text,
                "color": x.color,
                "group": g.get(x.group_id),
                "position": x.position,
                "hidden": x.hidden,
                "merged_into": n.get(x.merged_into_id),
                "deleted_at": x.deleted_at,
                "created_at": x.created_at,
                "updated_at": x.updated_at,
            }
            for x in notes
        ],
        "votes": [
            {
                "participant": p[x.participant_id],
                "target": target(x.target),
                "area": x.area,
                "phase": x.phase,
                "dots": x.dots,
            }
            for x in _rows(Vote, workshop.id)
            if x.dots
        ],
        "reactions": [
            {
                "participant": p[x.participant_id],
                "note": n[x.note_id],
                "value": x.value,
                "updated_at": x.updated_at,
            }
            for x in _rows(Reaction, workshop.id)
        ],
        "pledges": [
            {
                "participant": p[x.participant_id],
                "group": g[x.group_id],
                "name": x.name,
                "organisation": x.organisation,
                "created_at": x.created_at,
            }
            for x in _rows(Pledge, workshop.id)
        ],
        "cards": [
            {
                "ref": c[x.id],
                "kind": x.kind,
                "slot": x.slot,
                "group": g.get(x.group_id),
                "participant": p.get(x.participant_id),
                "text": x.text,
                "links": [target(link) for link in x.links],
                "deleted_at": x.deleted_at,
                "created_at": x.created_at,
            }
            for x in cards
        ],
        "timeline": [{"phase_index": index, "at": at} for at, index in phase_changes(workshop)],
        "proposals": proposals,
        "ratings": rating_archive.export(
            workshop, {"participant": p, **targets}, [x["id"] for x in proposals]
        ),
        "polls": poll_archive.export(workshop, p),
    }
    return WorkshopArchiveSchema().dump(archive)


def opinions_revealed(workshop: Workshop) -> bool:
    stored = db.session.get(OpinionMap, workshop.id)
    return bool(stored and stored.revealed)


def _but(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in names}


def same_content(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Two exports hold the same workshop (whatever their export time)."""
    return _but(first, "exported_at") == _but(second, "exported_at")
