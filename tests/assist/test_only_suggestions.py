"""The synthesis and the REST API show what the facilitator did, never what was only
suggested: after suggestions were asked, notes offered to a group and a duplicate
flagged, every note is where the facilitator left it; once they accept a suggestion
(one group.create with its notes) it shows, as any group made by hand."""

from __future__ import annotations

import json

from facilitation.syntheses.services import build
from facilitation.workshops.services import get_workshop

from ..sockets import login
from .conftest import eventually
from .test_assistance import MEETINGS, PARKING, post, vector_of

COPY = "Too many meetings without an agenda"


def shown(client, workshop) -> tuple[dict, list, dict]:
    """The synthesis's areas, the REST API's notes and groups, as the staff read them."""
    synthesis = build(get_workshop(workshop.id))
    notes = client.get(f"/api/workshops/{workshop.id}/notes/")
    groups = client.get(f"/api/workshops/{workshop.id}/groups/")
    assert notes.status_code == 200, notes.get_data(as_text=True)
    assert groups.status_code == 200, groups.get_data(as_text=True)
    return synthesis, notes.get_json(), groups.get_json()


def test_suggestions_asked_and_duplicates_flagged_group_nothing_until_accepted(
    app, workshop, screens, control, facilitator
):
    phone = screens(workshop)
    ids = [post(phone, text) for text in MEETINGS + PARKING]
    eventually(lambda: vector_of(ids[-1]))
    copy = post(phone, COPY)
    assert eventually(lambda: [e for e in control.events() if e["type"] == "assist.duplicate"]), (
        "the copy is flagged"
    )
    suggested = control.emit("assist.suggest", {"area": "ideas"})
    assert suggested["ok"], suggested
    assert suggested["groups"], "something was suggested"
    made = control.send("group.create", title="Réunions", area="ideas")["data"]["group"]
    offered = control.emit("assist.similar", {"group_id": made["id"], "limit": 5})
    assert offered["ok"], offered

    client = app.test_client()
    login(client, facilitator)
    synthesis, notes, groups = shown(client, workshop)
    (area,) = synthesis["areas"]
    # The one group is the facilitator's, empty; every note is loose, the copy too.
    assert [g["title"] for g in area["groups"]] == []
    assert sorted(n["text"] for n in area["loose"]) == sorted([*MEETINGS, *PARKING, COPY])
    assert all(note["group_id"] is None for note in notes)
    assert {note["id"] for note in notes} == {*ids, copy}
    assert [(g["title"], g["id"]) for g in groups] == [("Réunions", made["id"])]
    for text in (json.dumps(synthesis, default=str), json.dumps(notes), json.dumps(groups)):
        assert "assist" not in text
        assert "duplicate" not in text

    # Accepted by the facilitator: the suggestion becomes a group like any other.
    chosen = suggested["groups"][0]
    accepted = control.send(
        "group.create", title=chosen["title"], area="ideas", note_ids=chosen["notes"]
    )
    assert accepted["ok"], accepted
    synthesis, notes, groups = shown(client, workshop)
    (area,) = synthesis["areas"]
    grouped = {g["title"]: {n["id"] for n in g["notes"]} for g in area["groups"]}
    assert grouped == {chosen["title"]: set(chosen["notes"])}
    placed = {n["id"] for n in notes if n["group_id"] == accepted["data"]["group"]["id"]}
    assert placed == set(chosen["notes"])
