"""Notes without a vector (imported, or older than the feature) get theirs when asked."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from facilitation.assist.models import NoteVector
from facilitation.extensions import db


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()  # the suite's settings: no vector computed at posting
    with app.app_context():
        yield app


def test_notes_without_vectors_get_them_when_suggestions_are_asked(workshop, screens, control):
    phone = screens(workshop)
    for text in ("Des jardins partagés", "Un potager collectif", "Plus de bus le soir"):
        assert phone.send("note.post", area="ideas", text=text)["ok"]
    assert db.session.scalar(select(func.count()).select_from(NoteVector)) == 0
    assert control.emit("assist.suggest", {})["ok"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(NoteVector)) == 3
