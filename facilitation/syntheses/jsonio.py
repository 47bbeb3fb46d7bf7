"""The full workshop as JSON — everything, hidden and deleted notes included — and back.

References inside the file are local ("p1", "n3", "g2", "c1"), so exporting a workshop,
importing it elsewhere and exporting it again gives the same content.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..cards.models import Card
from ..database import utcnow
from ..errors import InvalidInput
from ..extensions import db
from ..groups.models import Group
from ..notes.models import Note
from ..participants.models import Participant
from ..pledges.models import Pledge
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..votes.models import Vote
from ..workshops import services as workshops
from ..workshops.models import Workshop
from .schemas import WorkshopArchiveSchema
from .services import phase_changes

VERSION = 1
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
    "settings",
    "created_at",
    "started_at",
    "ended_at",
)


def _rows(model: Any, workshop_id: int) -> list[Any]:
    return list(
        db.session.scalars(select(model).where(model.workshop_id == workshop_id).order_by(model.id))
    )


def _refs(prefix: str, rows: list[Any]) -> dict[int, str]:
    return {row.id: f"{prefix}{index}" for index, row in enumerate(rows, 1)}


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

    archive = {
        "fabrique": {"kind": "workshop", "version": VERSION},
        "exported_at": utcnow(),
        "workshop": {name: getattr(workshop, name) for name in WORKSHOP_FIELDS},
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
    }
    return WorkshopArchiveSchema().dump(archive)


def import_workshop(user: User, raw: Any) -> Workshop:
    """A new workshop (new code, new ids) holding everything an export holds."""
    data = WorkshopArchiveSchema().load(raw)
    fields = data["workshop"]
    if fields["format_key"] not in workshops.formats():
        message = _l("This instance has no format %(key)s.", key=fields["format_key"])
        raise InvalidInput(fields={"workshop": {"format_key": [str(message)]}})
    workshop = workshops.create_workshop(
        user, fields["format_key"], fields["title"], fields["question"], fields["language"]
    )
    for name in WORKSHOP_FIELDS:
        setattr(workshop, name, fields[name])
    _Importer(workshop, data).run()
    workshops.announce(workshop)
    return workshop


class _Importer:
    """Recreates an archive's rows in order, mapping its local references to new ids."""

    def __init__(self, workshop: Workshop, data: dict[str, Any]) -> None:
        self.workshop, self.data = workshop, data
        self.ids: dict[str, Any] = {}
        self.seen: set[tuple[str, str, str]] = set()

    def add(self, ref: str | None, row: Any) -> Any:
        if ref is not None and ref in self.ids:
            raise InvalidInput(fields={"references": [f"Reference {ref!r} is used twice."]})
        db.session.add(row)
        db.session.flush()
        if ref:
            self.ids[ref] = row.id
        return row

    def id(self, ref: str | None, kinds: str) -> int | None:
        """The new id of a reference to an earlier row of one of these kinds (prefixes
        "p", "g", "n", "c"): a participant's ref where a group belongs is refused."""
        if ref is None:
            return None
        if ref[0] not in kinds or ref not in self.ids:
            raise InvalidInput(fields={"references": [f"Unknown reference {ref!r}."]})
        return self.ids[ref]

    def target(self, ref: str, kinds: str = "ngc") -> str:
        new_id = self.id(ref, kinds)
        return f"{TARGET_KINDS[ref[0]]}:{new_id}"

    def once(self, field: str, participant: str, item: str) -> None:
        """A participant votes once per item and pledges once per group (one row each)."""
        if (field, participant, item) in self.seen:
            raise InvalidInput(fields={field: [f"{participant} appears twice with {item}."]})
        self.seen.add((field, participant, item))

    def run(self) -> None:
        wid = self.workshop.id
        for x in self.data["participants"]:
            secret = secrets.token_urlsafe(24)  # nobody can act as an imported participant
            self.add(x["ref"], Participant(workshop_id=wid, secret=secret, **_but(x, "ref")))
        for x in self.data["groups"]:
            self.add(x["ref"], Group(workshop_id=wid, **_but(x, "ref")))
        notes = [
            self.add(
                x["ref"],
                Note(
                    workshop_id=wid,
                    participant_id=self.id(x["participant"], "p"),
                    group_id=self.id(x["group"], "g"),
                    **_but(x, "ref", "participant", "group", "merged_into"),
                ),
            )
            for x in self.data["notes"]
        ]
        for note, x in zip(notes, self.data["notes"], strict=True):
            note.merged_into_id = self.id(x["merged_into"], "n")
        self._votes_and_pledges(wid)
        for x in self.data["cards"]:
            self.add(
                x["ref"],
                Card(
                    workshop_id=wid,
                    group_id=self.id(x["group"], "g"),
                    participant_id=self.id(x["participant"], "p"),
                    links=[],
                    **_but(x, "ref", "group", "participant", "links"),
                ),
            )
        for x in self.data["cards"]:
            db.session.get(Card, self.ids[x["ref"]]).links = [self.target(r) for r in x["links"]]
        self._timeline(wid)

    def _votes_and_pledges(self, wid: int) -> None:
        for x in self.data["votes"]:
            target = self.target(x["target"], "ng")
            self.once("votes", x["participant"], x["target"])
            self.add(
                None,
                Vote(
                    workshop_id=wid,
                    participant_id=self.id(x["participant"], "p"),
                    target=target,
                    area=x["area"],
                    phase=x["phase"],
                    dots=x["dots"],
                ),
            )
            model = Note if target.startswith("note:") else Group
            item = db.session.get(model, int(target.split(":")[1]))
            item.dots += x["dots"]
        for x in self.data["pledges"]:
            self.once("pledges", x["participant"], x["group"])
            group_id = self.id(x["group"], "g")
            self.add(
                None,
                Pledge(
                    workshop_id=wid,
                    participant_id=self.id(x["participant"], "p"),
                    group_id=group_id,
                    **_but(x, "participant", "group"),
                ),
            )
            db.session.get(Group, group_id).pledges += 1

    def _timeline(self, wid: int) -> None:
        for step in self.data["timeline"]:
            event = eventlog.append(
                wid,
                EventType.PHASE_CHANGED,
                Audience.ALL,
                {**workshops.state(self.workshop), "phase_index": step["phase_index"]},
            )
            event.created_at = step["at"]


def _but(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in names}


def same_content(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Two exports hold the same workshop (whatever their export time)."""
    return _but(first, "exported_at") == _but(second, "exported_at")
