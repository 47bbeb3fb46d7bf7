"""Importing a JSON archive: anything wrong in it is refused whole, with a 422 that says
what is wrong, and leaves no workshop, note or vote behind."""

from __future__ import annotations

import copy
import io
import json

import pytest
from sqlalchemy import func, select

from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.participants.models import Participant
from facilitation.votes.models import Vote
from facilitation.workshops.models import Workshop

from ..conftest import csrf_token


@pytest.fixture
def archive(create_workshop, screens, facilitator, download):
    """The JSON export of a small SWOT: two notes in a group, a vote, a strategy card."""
    workshop = create_workshop("swot")
    phone = screens(workshop, nickname="Léa")
    ids = [
        phone.send("note.post", area="strengths", text=text)["data"]["note"]["id"]
        for text in ("Tissu associatif", "Élus motivés")
    ]
    control = screens(workshop, "control", user=facilitator)
    control.send("phase.move", index=1)
    group = control.send("group.create", title="Acteurs", area="strengths")["data"]["group"]
    control.send("note.place", id=ids[0], group_id=group["id"])
    control.send("phase.move", index=2)
    assert phone.send("vote.cast", target=f"note:{ids[1]}")["ok"]
    control.send(
        "card.add", kind="strategy", slot="SO", text="Un consortium", links=[f"note:{ids[0]}"]
    )
    return download(workshop, "json").get_json()


def counts() -> tuple[int, int, int]:
    db.session.rollback()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Workshop, Note, Vote)
    )


@pytest.fixture
def send(staff):
    """Post a file as the import form does; ask for a JSON answer, as a script would."""

    def post(content: bytes):
        token = csrf_token(staff, "/workshops/")
        return staff.post(
            "/workshops/import",
            data={"csrf_token": token, "archive": (io.BytesIO(content), "atelier.json")},
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )

    return post


def changed(archive: dict, change) -> bytes:
    edited = copy.deepcopy(archive)
    change(edited)
    return json.dumps(edited).encode()


def test_the_archive_imports_as_it_is(archive, send):
    before = counts()
    assert send(json.dumps(archive).encode()).status_code == 302
    assert counts() == (before[0] + 1, before[1] + 2, before[2] + 1)


INVALID = {
    "wrong_version": (
        lambda a: a["fabrique"].update(version=2),
        {"fabrique": {"version": ["Must be equal to 1."]}},
    ),
    "unknown_reference": (
        lambda a: a["notes"][0].update(participant="p9"),
        {"references": ["Unknown reference 'p9'."]},
    ),
    "reference_of_the_wrong_kind": (
        lambda a: a["notes"][0].update(group="n2"),
        {"references": ["Unknown reference 'n2'."]},
    ),
    "vote_for_a_participant": (
        lambda a: a["votes"][0].update(target="p1"),
        {"references": ["Unknown reference 'p1'."]},
    ),
    "same_vote_twice": (
        lambda a: a["votes"].append(dict(a["votes"][0])),
        {"votes": ["p1 appears twice with n2."]},
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
def test_an_invalid_archive_is_refused_and_creates_nothing(archive, send, name):
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
    assert send(json.dumps(archive).encode()).status_code == 302
    db.session.rollback()
    newest = db.session.scalar(select(func.max(Workshop.id)))
    texts = db.session.scalars(select(Note.text).where(Note.workshop_id == newest))
    assert sorted(texts) == ["Vélo partagé pour tous", "Élus motivés"]
    nicknames = db.session.scalars(
        select(Participant.nickname).where(Participant.workshop_id == newest)
    )
    assert list(nicknames) == ["Léa"]
