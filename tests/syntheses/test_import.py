"""Importing a JSON archive: every export imports back as the same workshop, however big;
anything wrong in an archive is refused whole, with a 422 naming the field, and leaves no
workshop, note or vote behind."""

from __future__ import annotations

import copy
import io
import json

import pytest
from sqlalchemy import select

from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.participants.models import Participant
from facilitation.syntheses import jsonio
from facilitation.workshops.models import Workshop

from ..bulk import insert_notes
from ..conftest import csrf_token
from ..sockets import login
from .archives import counts, every_kind_of_record, imported_id

FORMATS = ["brainstorm", "swot", "reset_day", "retro", "one_two_four_all"]


def changed(archive: dict, change) -> bytes:
    edited = copy.deepcopy(archive)
    change(edited)
    return json.dumps(edited).encode()


# --- Round trips -------------------------------------------------------------------------


def test_the_archive_holds_every_kind_of_record(archive):
    assert len(archive["notes"]) == 8
    assert {card["kind"] for card in archive["cards"]} == {"strategy", "roadmap", "canvas"}
    assert archive["workshop"]["settings"]["canvas_groups"] == ["g2", "g1"]
    assert archive["workshop"]["settings"]["board"]["focus"] == "group:g2"
    (proposal,) = archive["proposals"]
    assert proposal["origin"] == "g1"
    assert [m["participant"] for m in proposal["members"]] == ["p1", None]
    assert "email" not in json.dumps(proposal)  # addresses stay on the instance
    answers = [(r["participant"], r["note"], r["value"]) for r in archive["reactions"]]
    assert answers == [("p1", "n1", 1), ("p2", "n1", -1), ("p1", "n6", 0)]


@pytest.mark.parametrize("format_key", FORMATS)
def test_every_formats_archive_imports_back_as_the_same_workshop(
    facilitator, download, send, format_key
):
    first = download(every_kind_of_record(facilitator, format_key), "json").get_json()
    new_id = imported_id(send(json.dumps(first).encode()))
    again = download(db.session.get(Workshop, new_id), "json").get_json()
    assert jsonio.same_content(first, again)


def test_imported_settings_name_the_new_groups(archive, send):
    new_id = imported_id(send(json.dumps(archive).encode()))
    db.session.rollback()
    workshop = db.session.get(Workshop, new_id)
    ids = dict(
        db.session.execute(select(Group.title, Group.id).where(Group.workshop_id == new_id)).all()
    )
    assert workshop.settings["canvas_groups"] == [ids["Partage 🤝"], ids["Vélo"]]
    assert workshop.settings["board"]["focus"] == f"group:{ids['Partage 🤝']}"
    assert workshop.status == "running"


def test_a_ten_thousand_note_archive_imports_back(facilitator, download, send, create_workshop):
    workshop = every_kind_of_record(facilitator, "brainstorm")
    insert_notes(workshop.id, 10_000)
    first = download(workshop, "json")
    assert len(first.get_data()) > 3_000_000
    new_id = imported_id(send(first.get_data()))
    again = download(db.session.get(Workshop, new_id), "json").get_json()
    assert len(again["notes"]) == 10_008
    assert jsonio.same_content(first.get_json(), again)


def test_a_version_1_archive_imports_without_the_group_ids_of_its_instance(archive, send):
    archive["fabrique"]["version"] = 1
    settings = archive["workshop"]["settings"]
    settings["canvas_groups"] = [4812, 4813]  # ids of the instance it came from
    settings["board"]["focus"] = "group:4813"
    del archive["proposals"]
    new_id = imported_id(send(json.dumps(archive).encode()))
    db.session.rollback()
    imported = db.session.get(Workshop, new_id).settings
    assert "canvas_groups" not in imported
    assert imported["board"]["focus"] is None
    assert imported["vote"] == {"budget": 5, "max_per_item": 2}


# --- Refusals ----------------------------------------------------------------------------

INVALID = {
    "wrong_version": (
        lambda a: a["fabrique"].update(version=6),
        {"fabrique": {"version": ["Must be one of: 1, 2, 3, 4, 5."]}},
    ),
    "a_budget_that_is_not_a_number": (
        lambda a: a["workshop"]["settings"]["vote"].update(budget="lots"),
        {"workshop": {"settings": {"vote": {"budget": ["Not a valid integer."]}}}},
    ),
    "a_cap_above_the_budget": (
        lambda a: a["workshop"]["settings"]["vote"].update(max_per_item=9),
        {
            "workshop": {
                "settings": {
                    "vote": {"max_per_item": ["The cap per item cannot exceed the budget."]}
                }
            }
        },
    ),
    "a_canvas_group_by_another_instances_id": (
        lambda a: a["workshop"]["settings"].update(canvas_groups=[4812]),
        {"workshop": {"settings": {"canvas_groups": {"0": ["Not a valid string."]}}}},
    ),
    "a_canvas_group_that_is_not_in_the_archive": (
        lambda a: a["workshop"]["settings"].update(canvas_groups=["g9"]),
        {"workshop": {"settings": {"canvas_groups": {"0": ["Unknown reference 'g9'."]}}}},
    ),
    "an_unknown_setting": (
        lambda a: a["workshop"]["settings"].update(theme="dark"),
        {"workshop": {"settings": {"theme": ["Unknown field."]}}},
    ),
    "a_phase_the_format_does_not_have": (
        lambda a: a["workshop"].update(phase_index=20),
        {"workshop": {"phase_index": ["The format has 7 phases, from 0."]}},
    ),
    "an_area_the_format_does_not_have": (
        lambda a: a["notes"][2].update(area="elsewhere"),
        {"notes": {"2": {"area": ["The format has no area 'elsewhere'."]}}},
    ),
    "unknown_reference": (
        lambda a: a["notes"][0].update(participant="p9"),
        {"notes": {"0": {"participant": ["Unknown reference 'p9'."]}}},
    ),
    "reference_of_the_wrong_kind": (
        lambda a: a["notes"][0].update(group="n2"),
        {"notes": {"0": {"group": ["Unknown reference 'n2'."]}}},
    ),
    "vote_for_a_participant": (
        lambda a: a["votes"][0].update(target="p1"),
        {"votes": {"0": {"target": ["Unknown reference 'p1'."]}}},
    ),
    "same_vote_twice": (
        lambda a: a["votes"].append(dict(a["votes"][0])),
        {"votes": {"2": {"target": ["p1 appears twice with n1."]}}},
    ),
    "a_reaction_on_a_group": (
        lambda a: a["reactions"][0].update(note="g1"),
        {"reactions": {"0": {"note": ["Unknown reference 'g1'."]}}},
    ),
    "same_reaction_twice": (
        lambda a: a["reactions"].append(dict(a["reactions"][0])),
        {"reactions": {"3": {"note": ["p1 appears twice with n1."]}}},
    ),
    "a_reaction_beyond_agree_and_disagree": (
        lambda a: a["reactions"][0].update(value=2),
        {"reactions": {"0": {"value": ["Must be one of: -1, 0, 1."]}}},
    ),
    "a_card_in_a_slot_its_kind_has_not": (
        lambda a: a["cards"][0].update(slot="later"),
        {"cards": {"0": {"slot": ["A strategy card has no slot 'later'."]}}},
    ),
    "a_proposal_from_nowhere": (
        lambda a: a["proposals"][0].update(origin="g7"),
        {"proposals": {"0": {"origin": ["Unknown reference 'g7'."]}}},
    ),
    "note_text_too_long": (
        lambda a: a["notes"][1].update(text="x" * 281),
        {"notes": {"1": {"text": ["Too long: at most 280 characters."]}}},
    ),
    "unknown_format": (
        lambda a: a["workshop"].update(format_key="world_cafe"),
        {"workshop": {"format_key": ["This instance has no format world_cafe."]}},
    ),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_an_invalid_archive_is_refused_naming_the_field_and_creates_nothing(archive, send, name):
    change, fields = INVALID[name]
    before = counts()
    response = send(changed(archive, change))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == fields
    assert counts() == before


def test_a_file_that_is_not_json_is_refused(send):
    response = send(b"\x89PNG not an archive")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"archive": ["This is not a JSON export."]}


def test_an_archive_beyond_the_import_bound_is_refused_with_413(make_app, facilitator):
    app = make_app(IMPORT_MAX_MB=0.01)
    client = app.test_client()
    with app.app_context():
        login(client, db.session.merge(facilitator))
        token = csrf_token(client, "/workshops/")
    response = client.post(
        "/workshops/import",
        data={"csrf_token": token, "archive": (io.BytesIO(b" " * 20_000), "atelier.json")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413


def test_the_browser_form_shows_the_refusal_as_a_page(archive, staff):
    token = csrf_token(staff, "/workshops/")
    response = staff.post(
        "/workshops/import",
        data={"csrf_token": token, "archive": (io.BytesIO(b"{}"), "atelier.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.mimetype == "text/html"


def test_imported_text_is_cleaned_as_typed_text_is(archive, send):
    archive["notes"][0]["text"] = "Vélo\u0000 partagé\u202e\u200b  pour tous\x07"
    archive["participants"][0]["nickname"] = "\u202eLéa"
    new_id = imported_id(send(json.dumps(archive).encode()))
    db.session.rollback()
    texts = db.session.scalars(
        select(Note.text).where(Note.workshop_id == new_id).order_by(Note.id).limit(1)
    )
    assert list(texts) == ["Vélo partagé pour tous"]
    nicknames = db.session.scalars(
        select(Participant.nickname)
        .where(Participant.workshop_id == new_id)
        .order_by(Participant.id)
    )
    assert list(nicknames) == ["Léa", "Karim", None]
