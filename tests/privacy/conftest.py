"""A workshop where one person left their mark in everything a participant can give, and
a scan of every table of the database for it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import JSON, String, Text, cast, func, select

from facilitation.accounts.models import User
from facilitation.coalitions import services as coalitions
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from ..security.conftest import logs  # noqa: F401 (every log record of a test)
from ..sockets import Screen


@pytest.fixture
def app(make_app: Callable[..., Flask], tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app as production runs it: database errors and statements never show values
    (config.py: hide_parameters); its own export folder."""
    app = make_app(
        SQLALCHEMY_ENGINE_OPTIONS={"hide_parameters": True},
        EXPORT_CACHE_DIR=str(tmp_path / "exports"),
    )
    with app.app_context():
        yield app


def new_marker() -> str:
    """A string nothing else in the database or the logs holds."""
    return f"Mq{uuid.uuid4().hex[:12]}"


def rows_holding(marker: str) -> dict[str, int]:
    """Every table of the metadata, every column that can hold text (JSON included): the
    tables where ``marker`` is found, with how many rows. A table added to the models is
    scanned without a word here."""
    found = {}
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, String | JSON)]
        if not columns:
            continue
        condition = None
        for column in columns:
            hit = cast(column, Text).contains(marker)
            condition = hit if condition is None else condition | hit
        count = db.session.scalar(select(func.count()).select_from(table).where(condition))
        if count:
            found[table.name] = count
    db.session.rollback()
    return found


def rows_naming(column_name: str, ids: set[int]) -> dict[str, int]:
    """Every table with a column of this name, and its rows that name one of ``ids``."""
    found = {}
    for table in db.metadata.sorted_tables:
        if column_name in table.columns and ids:
            column = table.columns[column_name]
            count = db.session.scalar(
                select(func.count()).select_from(table).where(column.in_(ids))
            )
            if count:
                found[table.name] = count
    db.session.rollback()
    return found


def ok(ack: dict[str, Any]) -> dict[str, Any]:
    assert ack, ack
    assert ack.get("ok"), ack
    return ack["data"]


@dataclass
class Marked:
    workshop: Workshop
    marker: str
    participants: set[int] = field(default_factory=set)
    proposal_id: int = 0
    # The marked participant's canvas card, taken into the proposal when it was promoted.
    promoted: str = field(default_factory=lambda: new_marker())


def marked_workshop(app: Flask, owner: User, marker: str) -> Marked:
    """A Reset day where one participant's mark is in their nickname, notes, a group title,
    a canvas card, a pledge's name and organisation, a coalition membership taken from the
    phone (name, e-mail) and the synthesis's introduction; others took part without it.
    Both rated the proposal on a quality, and the ratings were revealed; both answered the
    Reset day's poll and one the facilitator asked live, revealed.
    Their card on the promoted group is marked apart (``promoted``): the proposal took its
    text. The workshop's title and the proposal's are the team's, unmarked."""
    from facilitation.extensions import socketio

    workshop = workshops.create_workshop(owner, "reset_day", "Reset", "Se déplacer", "en")
    db.session.commit()
    built = Marked(workshop, marker)
    control = Screen.open(app, socketio, workshop, "control", user=owner)
    marked = Screen.open(app, socketio, workshop, nickname=f"{marker} nick")
    other = Screen.open(app, socketio, workshop, nickname="Karim")
    try:
        built.participants = {marked.participant.id, other.participant.id}
        mine = ok(marked.send("note.post", area="projects", text=f"{marker} vélobus"))["note"]
        ok(marked.send("note.post", area="projects", text=f"{marker} à effacer"))
        theirs = ok(other.send("note.post", area="projects", text="Autopartage"))["note"]
        ok(control.go("grouping"))
        velo = ok(control.send("group.create", title="Vélo"))["group"]
        mine_group = ok(control.send("group.create", title=f"{marker} groupe"))["group"]
        ok(control.send("note.place", id=theirs["id"], group_id=velo["id"]))
        ok(control.go("votes_pledges"))
        ok(control.send("note.place", id=mine["id"], group_id=mine_group["id"]))
        ok(marked.send("vote.cast", target=f"group:{mine_group['id']}"))
        ok(marked.send("vote.cast", target=f"group:{velo['id']}"))
        ok(other.send("vote.cast", target=f"group:{velo['id']}"))
        pledge = {"name": f"{marker} Léa", "organisation": f"{marker} asso"}
        ok(marked.send("pledge.add", group_id=velo["id"], **pledge))
        ok(control.send("results.reveal", revealed=True))
        ok(control.go("canvas"))
        card = {"kind": "canvas", "slot": "impact", "group_id": velo["id"]}
        ok(marked.send("card.add", text=f"{built.promoted} mille trajets", **card))
        on_theirs = {**card, "group_id": mine_group["id"]}
        ok(marked.send("card.add", text=f"{marker} mes trajets", **on_theirs))
        proposal = ok(control.send("proposal.promote", target=f"group:{velo['id']}"))
        built.proposal_id = proposal["proposal"]["id"]
        ok(control.go("proposals"))
        contact = {"name": f"{marker} Léa", "email": f"{marker.lower()}@example.org"}
        ok(marked.send("proposal.pledge", proposal_id=built.proposal_id, **contact))
        ok(other.send("proposal.pledge", proposal_id=built.proposal_id, name="Karim"))
        ok(control.go("qualities"))
        rated = {"item": f"proposal:{built.proposal_id}", "criterion": "frugal"}
        ok(marked.send("rate.cast", value=4, **rated))
        ok(other.send("rate.cast", value=2, **rated))
        ok(control.send("ratings.reveal", revealed=True))
        ok(control.go("priority"))
        asked = ok(control.send("poll.create", question="Quel jour ?", options=["Lun", "Mar"]))
        polls = [
            poll["id"] for poll in control.emit("sync", {"since": 2**31 - 1})["snapshot"]["polls"]
        ]
        assert asked["poll"]["id"] in polls and len(polls) == 2  # noqa: PT018
        for poll_id in polls:
            for phone, choice in ((marked, 0), (other, 1)):
                ok(phone.send("poll.answer", poll_id=poll_id, choices=[choice]))
        ok(control.send("poll.reveal", poll_id=asked["poll"]["id"], revealed=True))
        workshop = db.session.get(Workshop, workshop.id)
        assert workshop is not None
        with unit_of_work(workshop.id):
            workshop.synthesis_introduction = f"Merci, {marker} !"
        ok(control.send("workshop.end"))
        ok(control.send("synthesis.publish", published=True))
    finally:
        for screen in (control, marked, other):
            screen.close()
    db.session.rollback()
    built.workshop = db.session.get(Workshop, workshop.id)  # type: ignore[assignment]
    return built


def web_member(coalition_id: int, **fields: str) -> int:
    coalition = coalitions.get(coalition_id)
    with unit_of_work(*coalitions.workshops_of(coalition)):
        member = coalitions.join(coalition, fields)
        return member.id
