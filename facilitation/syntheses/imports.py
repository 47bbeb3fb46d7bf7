"""A JSON archive (jsonio.py) becomes a new workshop: checked whole, then written in
short transactions.

Run by a work process's child (worker.py), never by the serving process: reading,
checking and writing a 10,000-note archive is seconds of CPU. Nothing is written before
the whole archive is checked — its shape by WorkshopArchiveSchema, then every reference
and every key its format defines (areas, phases, card slots), each error under the
path of its field (``notes.12.group``). Then the rows go in by batches of BATCH, each in
a transaction of its own, so that the room's own writes (on SQLite, one writer at a
time) never wait long behind an import. The workshop is ``importing`` until the last
one; if anything fails on the way, what was written is removed, and a workshop left
``importing`` by a stopped process is removed by the next import.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import bindparam, delete, insert, select, update

from ..accounts.models import User
from ..cards.models import Card
from ..coalitions.models import Coalition, Member, Origin
from ..database import unit_of_work, utcnow
from ..errors import InvalidInput, from_validation
from ..extensions import db
from ..formats.kinds import card_slots
from ..formats.model import Format
from ..groups.models import Group
from ..notes.models import Note
from ..participants.models import Participant
from ..pledges.models import Pledge
from ..reactions import services as reactions
from ..reactions.models import OpinionMap, Reaction
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import formats
from ..text import look_alike_key
from ..votes.models import Vote
from ..workshops import services as workshops
from ..workshops.models import Status, Workshop
from . import poll_archive, rating_archive
from .jsonio import COALITION_FIELDS, TARGET_KINDS, WORKSHOP_FIELDS
from .schemas import WorkshopArchiveSchema

BATCH = 1000
MAX_ERRORS = 50
STALE = timedelta(hours=1)  # longer than any import may run (EXPORT_TIMEOUT_SECONDS)
COLLECTIONS = {"p": "participants", "g": "groups", "n": "notes", "c": "cards"}


def read(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidInput(fields={"archive": [str(_l("This is not a JSON export."))]}) from error


def import_file(user: User, path: Path, created: Callable[[int], Any]) -> int:
    """The new workshop's id: the archive at ``path`` checked, then written; ``created``
    is told the id as soon as the workshop exists (worker.py removes it if the import is
    stopped before it finishes)."""
    archive = check(read(path))
    remove_stale_imports()
    return write(user, archive, created)


# --- Checking ----------------------------------------------------------------------------


def check(raw: Any) -> dict[str, Any]:
    """The archive as loaded, or a 422 naming every field that is wrong."""
    try:
        archive = WorkshopArchiveSchema().load(_from_version_1(raw))
    except ValidationError as error:
        raise InvalidInput(fields=first_errors(from_validation(error).details["fields"])) from error
    fmt = formats().get(archive["workshop"]["format_key"])
    if fmt is None:
        key = archive["workshop"]["format_key"]
        message = _l("This instance has no format %(key)s.", key=key)
        raise InvalidInput(fields={"workshop": {"format_key": [str(message)]}})
    Checker(archive, fmt).run()
    return archive


def first_errors(errors: dict[str, Any], limit: int = MAX_ERRORS) -> dict[str, Any]:
    """The first ``limit`` fields in error: an archive of 10,000 wrong notes is told
    about the first ones, not in a 422 of megabytes."""
    kept = 0

    def walk(node: Any) -> Any:
        nonlocal kept
        if not isinstance(node, dict):
            kept += 1
            return node
        found = {}
        for key, value in node.items():
            if kept >= limit:
                break
            found[key] = walk(value)
        return found

    return dict(walk(errors))


def _from_version_1(raw: Any) -> Any:
    """Version 1 held this instance's own group ids in the settings: they name nothing
    elsewhere, so they are left out (the canvas goes to the top groups again)."""
    try:
        if raw["fabrique"]["version"] != 1 or not isinstance(raw["workshop"]["settings"], dict):
            return raw
    except (TypeError, KeyError):
        return raw
    settings = dict(raw["workshop"]["settings"])
    settings.pop("canvas_groups", None)
    board = settings.get("board")
    if isinstance(board, dict) and str(board.get("focus") or "").startswith("group:"):
        settings["board"] = {**board, "focus": None}
    return {**raw, "workshop": {**raw["workshop"], "settings": settings}}


class Checker:
    """Every reference points at a row of the right kind, once; every area, phase and slot
    is one the format has. Errors gather under their fields' paths."""

    def __init__(self, archive: dict[str, Any], fmt: Format) -> None:
        self.a, self.fmt = archive, fmt
        self.areas = set(fmt.area_keys)
        self.phase_keys = {phase.key for phase in fmt.phases}
        self.refs: set[str] = set()
        self.errors: dict[str, Any] = {}

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        node = self.errors
        for part in path[:-1]:
            node = node.setdefault(str(part), {})
        node.setdefault(str(path[-1]), []).append(message)

    def run(self) -> None:
        self.references()
        self.workshop()
        self.rows()
        self.cards_and_proposals()
        rating_archive.check(self, self.fmt)
        poll_archive.check(self, self.fmt)
        if self.errors:
            raise InvalidInput(fields=first_errors(self.errors))

    def references(self) -> None:
        for prefix, collection in COLLECTIONS.items():
            for index, row in enumerate(self.a[collection]):
                ref = row["ref"]
                if not ref.startswith(prefix):
                    self.fail((collection, index, "ref"), f"A reference here starts with {prefix}.")
                elif ref in self.refs:
                    self.fail((collection, index, "ref"), f"Reference {ref!r} is used twice.")
                self.refs.add(ref)

    def known(self, path: tuple[Any, ...], ref: str | None, kinds: str) -> None:
        if ref is not None and (ref[0] not in kinds or ref not in self.refs):
            self.fail(path, f"Unknown reference {ref!r}.")

    def area(self, path: tuple[Any, ...], key: str | None) -> None:
        if key is not None and key not in self.areas:
            self.fail(path, f"The format has no area {key!r}.")

    def phase(self, path: tuple[Any, ...], index: int) -> None:
        if index >= len(self.fmt.phases):
            self.fail(path, f"The format has {len(self.fmt.phases)} phases, from 0.")

    def workshop(self) -> None:
        fields, settings = self.a["workshop"], self.a["workshop"]["settings"]
        self.phase(("workshop", "phase_index"), fields["phase_index"])
        path = ("workshop", "settings")
        for index, ref in enumerate(settings.get("canvas_groups", [])):
            self.known((*path, "canvas_groups", index), ref, "g")
        focus = (settings.get("board") or {}).get("focus") or ""
        if focus.startswith("area:"):
            self.area((*path, "board", "focus"), focus[5:])
        elif focus.startswith("group:"):
            self.known((*path, "board", "focus"), focus[6:], "g")
        for key in settings.get("timers", {}):
            self.phase((*path, "timers", key), int(key))
        for index, step in enumerate(self.a["timeline"]):
            self.phase(("timeline", index, "phase_index"), step["phase_index"])

    def rows(self) -> None:
        keys = Counter(look_alike_key(p["nickname"] or "") for p in self.a["participants"])
        for index, person in enumerate(self.a["participants"]):
            key = look_alike_key(person["nickname"] or "")
            if key and keys[key] > 1:
                self.fail(("participants", index, "nickname"), "Another participant has it.")
        for index, group in enumerate(self.a["groups"]):
            self.area(("groups", index, "area"), group["area"])
        for index, note in enumerate(self.a["notes"]):
            path = ("notes", index)
            self.area((*path, "area"), note["area"])
            self.known((*path, "participant"), note["participant"], "p")
            self.known((*path, "group"), note["group"], "g")
            self.known((*path, "merged_into"), note["merged_into"], "n")
            if note["merged_into"] == note["ref"]:
                self.fail((*path, "merged_into"), "A note cannot be merged into itself.")
        self.once("votes", "target", "ng")
        self.once("pledges", "group", "g")
        self.once("reactions", "note", "n")
        for index, vote in enumerate(self.a["votes"]):
            self.area(("votes", index, "area"), vote["area"])
            if vote["phase"] not in self.phase_keys:
                self.fail(("votes", index, "phase"), f"The format has no phase {vote['phase']!r}.")

    def once(self, collection: str, item: str, kinds: str) -> None:
        """A participant's dots on one item are one row, as is their pledge to one group."""
        seen: set[tuple[str, str]] = set()
        for index, row in enumerate(self.a[collection]):
            self.known((collection, index, "participant"), row["participant"], "p")
            self.known((collection, index, item), row[item], kinds)
            pair = (row["participant"], row[item])
            if pair in seen:
                self.fail((collection, index, item), f"{pair[0]} appears twice with {pair[1]}.")
            seen.add(pair)

    def cards_and_proposals(self) -> None:
        for index, card in enumerate(self.a["cards"]):
            path = ("cards", index)
            self.known((*path, "group"), card["group"], "g")
            self.known((*path, "participant"), card["participant"], "p")
            if card["slot"] not in {slot.key for slot in card_slots(self.fmt, card["kind"])}:
                self.fail((*path, "slot"), f"A {card['kind']} card has no slot {card['slot']!r}.")
            for number, link in enumerate(card["links"]):
                self.known((*path, "links", number), link, "ngc")
        for index, proposal in enumerate(self.a["proposals"]):
            path = ("proposals", index)
            self.known((*path, "origin"), proposal["origin"], "gn")
            members = [m["participant"] for m in proposal["members"] if m["participant"]]
            for number, member in enumerate(proposal["members"]):
                self.known((*path, "members", number, "participant"), member["participant"], "p")
                if member["participant"] and members.count(member["participant"]) > 1:
                    self.fail((*path, "members", number, "participant"), "One member each.")


# --- Writing -----------------------------------------------------------------------------


def remove_stale_imports() -> None:
    """Workshops a stopped import left half written (its rows go with them)."""
    with unit_of_work():
        stale = select(Workshop.id).where(
            Workshop.status == Status.IMPORTING, Workshop.created_at < utcnow() - STALE
        )
        db.session.execute(delete(Workshop).where(Workshop.id.in_(stale)))


def remove_unfinished(workshop_id: int) -> None:
    with unit_of_work():
        db.session.execute(
            delete(Workshop).where(Workshop.id == workshop_id, Workshop.status == Status.IMPORTING)
        )


def write(user: User, archive: dict[str, Any], created: Callable[[int], Any]) -> int:
    fields = archive["workshop"]
    with unit_of_work():
        workshop = workshops.create_workshop(
            user, fields["format_key"], fields["title"], fields["question"], fields["language"]
        )
        workshop.status = Status.IMPORTING
        db.session.flush()
        workshop_id = workshop.id
    created(workshop_id)
    writer = Writer(workshop_id, archive, user)
    try:
        writer.run()
    except BaseException:
        db.session.rollback()
        writer.remove()
        raise
    return workshop_id


class Writer:
    """Writes an archive's rows in batches, mapping its references to the new ids."""

    def __init__(self, workshop_id: int, archive: dict[str, Any], user: User) -> None:
        self.wid, self.a, self.user_id = workshop_id, archive, user.id
        self.ids: dict[str, int] = {}
        self.coalitions: list[int] = []

    def id(self, ref: str | None) -> int | None:
        return None if ref is None else self.ids[ref]

    def target(self, ref: str) -> str:
        return f"{TARGET_KINDS[ref[0]]}:{self.ids[ref]}"

    def insert(self, model: Any, rows: list[dict[str, Any]], refs: list[str] | None = None) -> None:
        """Rows in batches, each its own transaction; their new ids under their refs."""
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            with unit_of_work():
                statement = insert(model).returning(model.id, sort_by_parameter_order=True)
                ids = db.session.scalars(statement, chunk).all()
            if refs is not None:
                self.ids.update(zip(refs[start : start + BATCH], ids, strict=True))

    def change(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Columns of rows already written (``row_id`` names the row), in batches."""
        statement = update(model.__table__).where(model.__table__.c.id == bindparam("row_id"))
        for start in range(0, len(rows), BATCH):
            with unit_of_work():
                db.session.execute(statement, rows[start : start + BATCH])

    def run(self) -> None:
        self.participants_and_groups()
        self.notes()
        self.votes_and_pledges()
        self.cards()
        self.finish()

    def participants_and_groups(self) -> None:
        people = self.a["participants"]
        self.insert(
            Participant,
            [
                {
                    "workshop_id": self.wid,
                    "secret": secrets.token_urlsafe(24),  # nobody can act as them
                    "nickname": p["nickname"] or None,
                    "nickname_key": look_alike_key(p["nickname"] or "") or None,
                    "created_at": p["created_at"],
                }
                for p in people
            ],
            [p["ref"] for p in people],
        )
        groups = self.a["groups"]
        self.insert(
            Group,
            [{"workshop_id": self.wid, **_but(g, "ref"), "dots": 0, "pledges": 0} for g in groups],
            [g["ref"] for g in groups],
        )

    def notes(self) -> None:
        notes = self.a["notes"]
        rows = [
            {
                "workshop_id": self.wid,
                **_but(n, "ref", "participant", "group", "merged_into"),
                "participant_id": self.id(n["participant"]),
                "group_id": self.id(n["group"]),
                "dots": 0,
            }
            for n in notes
        ]
        self.insert(Note, rows, [n["ref"] for n in notes])
        merged = [
            {"row_id": self.ids[n["ref"]], "merged_into_id": self.ids[n["merged_into"]]}
            for n in notes
            if n["merged_into"]
        ]
        self.change(Note, merged)

    def votes_and_pledges(self) -> None:
        votes, dots = [], Counter[str]()
        for v in self.a["votes"]:
            target = self.target(v["target"])
            dots[target] += v["dots"]
            votes.append(
                {
                    "workshop_id": self.wid,
                    **_but(v, "participant", "target"),
                    "participant_id": self.ids[v["participant"]],
                    "target": target,
                }
            )
        self.insert(Vote, votes)
        pledges = [
            {
                "workshop_id": self.wid,
                **_but(p, "participant", "group"),
                "participant_id": self.ids[p["participant"]],
                "group_id": self.ids[p["group"]],
            }
            for p in self.a["pledges"]
        ]
        self.insert(Pledge, pledges)
        reactions = [
            {
                "workshop_id": self.wid,
                **_but(r, "participant", "note"),
                "participant_id": self.ids[r["participant"]],
                "note_id": self.ids[r["note"]],
            }
            for r in self.a["reactions"]
        ]
        self.insert(Reaction, reactions)
        pledged = Counter(row["group_id"] for row in pledges)
        self.change(
            Note, [{"row_id": int(t[5:]), "dots": d} for t, d in dots.items() if t[0] == "n"]
        )
        tallies = {int(t[6:]): d for t, d in dots.items() if t[0] == "g"}
        self.change(
            Group,
            [
                {"row_id": group_id, "dots": tallies.get(group_id, 0), "pledges": pledged[group_id]}
                for group_id in set(tallies) | set(pledged)
            ],
        )

    def cards(self) -> None:
        cards = self.a["cards"]
        rows = [
            {
                "workshop_id": self.wid,
                **_but(c, "ref", "group", "participant", "links"),
                "group_id": self.id(c["group"]),
                "participant_id": self.id(c["participant"]),
                "links": [],
            }
            for c in cards
        ]
        self.insert(Card, rows, [c["ref"] for c in cards])
        linked = [
            {"row_id": self.ids[c["ref"]], "links": [self.target(ref) for ref in c["links"]]}
            for c in cards
            if c["links"]
        ]
        self.change(Card, linked)

    def proposals(self) -> None:
        """Copies of the coalitions the workshop produced, joined by the same members
        (in the last transaction: a stopped import leaves none behind)."""
        for proposal in self.a["proposals"]:
            coalition = Coalition(
                **{name: proposal[name] for name in COALITION_FIELDS if name in proposal},
                created_by_id=self.user_id,
            )
            db.session.add(coalition)
            db.session.flush()
            self.coalitions.append(coalition.id)
            origin = proposal["origin"]
            column = "group_id" if origin[0] == "g" else "note_id"
            db.session.add(
                Origin(
                    coalition_id=coalition.id,
                    workshop_id=self.wid,
                    **{column: self.ids[origin]},
                )
            )
            for member in proposal["members"]:
                db.session.add(
                    Member(
                        coalition_id=coalition.id,
                        **_but(member, "participant"),
                        participant_id=self.id(member["participant"]),
                    )
                )

    def finish(self) -> None:
        """The workshop's own fields and settings, its timeline, and its first event."""
        fields = self.a["workshop"]
        with unit_of_work(self.wid):
            workshop = db.session.get(Workshop, self.wid)
            for name in WORKSHOP_FIELDS:
                setattr(workshop, name, fields[name])
            workshop.settings = self.settings(fields["settings"])
            self.proposals()
            rating_archive.write(self)
            poll_archive.write(self)
            for step in self.a["timeline"]:
                state = {**workshops.state(workshop), "phase_index": step["phase_index"]}
                eventlog.append(
                    self.wid, EventType.PHASE_CHANGED, Audience.ALL, state, at=step["at"]
                )
            if fields["opinions_revealed"]:
                reveal_again(workshop)
            workshops.announce(workshop)

    def settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        """The archive's settings with this instance's ids in place of references."""
        out = dict(settings)
        if "canvas_groups" in settings:
            out["canvas_groups"] = [self.ids[ref] for ref in settings["canvas_groups"]]
        focus = (settings.get("board") or {}).get("focus") or ""
        if focus.startswith("group:"):
            out["board"] = {**settings["board"], "focus": f"group:{self.ids[focus[6:]]}"}
        return out

    def remove(self) -> None:
        """What was written before a failure: the workshop (its rows go with it) and the
        proposals copied."""
        with unit_of_work():
            db.session.execute(delete(Coalition).where(Coalition.id.in_(self.coalitions)))
            db.session.execute(delete(Workshop).where(Workshop.id == self.wid))


def reveal_again(workshop: Workshop) -> None:
    """The opinion map the archive's workshop had revealed, computed from its reactions."""
    db.session.flush()
    db.session.add(
        OpinionMap(workshop_id=workshop.id, revealed=True, map=reactions.compute(workshop))
    )


def _but(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in names}
