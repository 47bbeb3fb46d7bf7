"""Ratings in the JSON archive (version 4): a Reset day's ratings of its proposal and the
revealed phase come back with an import; a rating the format could not hold is refused
whole, with a 422 naming the field, and nothing is left behind."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from facilitation.extensions import db
from facilitation.ratings.models import Rating, RatingReveal
from facilitation.syntheses import jsonio
from facilitation.workshops.models import Workshop

from .archives import counts, every_kind_of_record, imported_id


@pytest.fixture
def reset_archive(facilitator, download):
    return download(every_kind_of_record(facilitator, "reset_day"), "json").get_json()


def test_the_archive_names_rated_proposals_by_their_place(reset_archive):
    assert reset_archive["fabrique"]["version"] == 5  # ratings since 4
    assert reset_archive["workshop"]["ratings_revealed"] == ["qualities"]
    given = [
        (r["participant"], r["item"], r["criterion"], r["value"]) for r in reset_archive["ratings"]
    ]
    assert given == [
        ("p1", "proposal:1", "inclusive", 5),
        ("p2", "proposal:1", "inclusive", 4),
        ("p1", "proposal:1", "frugal", 5),
    ]


def test_ratings_and_their_reveal_import_back(facilitator, download, send, reset_archive):
    new_id = imported_id(send(json.dumps(reset_archive).encode()))
    again = download(db.session.get(Workshop, new_id), "json").get_json()
    assert jsonio.same_content(reset_archive, again)
    rows = db.session.scalars(select(Rating).where(Rating.workshop_id == new_id)).all()
    (proposal,) = {row.item for row in rows}
    assert proposal != reset_archive["ratings"][0]["item"]  # this instance's proposal id
    assert db.session.get(RatingReveal, (new_id, "qualities")).revealed


def test_a_version_3_archive_imports_without_ratings(send, reset_archive):
    older = copy.deepcopy(reset_archive)
    older["fabrique"]["version"] = 3
    del older["ratings"], older["workshop"]["ratings_revealed"]
    new_id = imported_id(send(json.dumps(older).encode()))
    assert db.session.scalars(select(Rating).where(Rating.workshop_id == new_id)).all() == []


INVALID = {
    "off_the_scale": (
        lambda a: a["ratings"][0].update(value=6),
        {"ratings": {"0": {"value": ["Off the scale (1 to 5)."]}}},
    ),
    "an_unknown_criterion": (
        lambda a: a["ratings"][0].update(criterion="sustainable"),
        {"ratings": {"0": {"criterion": ["The phase rates no 'sustainable'."]}}},
    ),
    "a_phase_that_does_not_rate": (
        lambda a: a["ratings"][0].update(phase="canvas"),
        {"ratings": {"0": {"phase": ["The format has no rating phase 'canvas'."]}}},
    ),
    "a_proposal_the_archive_has_not": (
        lambda a: a["ratings"][0].update(item="proposal:2"),
        {"ratings": {"0": {"item": ["Not one of the archive's 1 proposals: 'proposal:2'."]}}},
    ),
    "a_note_where_proposals_are_rated": (
        lambda a: a["ratings"][0].update(item="n1"),
        {"ratings": {"0": {"item": ["Not one of the archive's 1 proposals: 'n1'."]}}},
    ),
    "the_same_rating_twice": (
        lambda a: a["ratings"].append(dict(a["ratings"][0])),
        {"ratings": {"3": {"criterion": ["One value per participant, item and criterion."]}}},
    ),
    "a_revealed_phase_that_does_not_rate": (
        lambda a: a["workshop"]["ratings_revealed"].append("canvas"),
        {"workshop": {"ratings_revealed": {"1": ["'canvas' is not a rating phase."]}}},
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_a_rating_the_format_cannot_hold_is_refused_whole(send, reset_archive, case):
    change, errors = INVALID[case]
    before = counts()
    edited = copy.deepcopy(reset_archive)
    change(edited)
    response = send(json.dumps(edited).encode())
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert response.get_json()["error"]["fields"] == errors
    assert counts() == before
