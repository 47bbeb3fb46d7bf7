"""Nicknames: nobody joins under a name that reads like another participant's in the same
workshop — not with invisible characters, other case or full-width letters — and a name
of emoji is as long as it looks."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.participants.models import Participant

from ..conftest import csrf_token
from ..security.conftest import FreshClient

FAMILY = "👨\u200d👩\u200d👧\u200d👦"


def nicknames() -> list[str | None]:
    return [p.nickname for p in db.session.query(Participant).order_by(Participant.id)]


@pytest.fixture
def join(app, workshop):
    """Join a workshop (by default the test's) with this nickname from a browser (by
    default one of its own, in English); the response."""
    app.test_client_class = FreshClient  # one visitor's CSRF token is not the next one's

    def join_as(nickname: str, browser=None, into=None):
        browser = browser or app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        url = f"/j/{(into or workshop).code}"
        token = csrf_token(browser, "/")  # the join page itself sends a known browser on
        return browser.post(url, data={"nickname": nickname, "csrf_token": token})

    return join_as


@pytest.mark.parametrize(
    "look_alike",
    [
        pytest.param("Ali\u2063ce", id="an invisible separator inside"),
        pytest.param("Alice\u200b\u200d", id="zero-width characters after"),
        pytest.param("ALICE", id="capitals"),
        pytest.param("Ａｌｉｃｅ", id="full-width letters"),
        pytest.param("\u2800Alice\u3164", id="blank-looking fillers around"),
    ],
)
def test_a_nickname_that_reads_like_another_participants_is_refused(join, look_alike):
    join("Alice")
    response = join(look_alike)
    assert response.status_code == 409
    assert nicknames() == ["Alice"]


def test_a_refused_nickname_is_given_back_with_the_reason(join):
    join("Alice")
    page = join("ALICE").get_data(as_text=True)
    assert 'value="ALICE"' in page
    assert "already goes by this name" in page


def test_the_same_nickname_is_free_in_another_workshop(join, create_workshop):
    join("Alice")
    assert join("Alice", into=create_workshop()).status_code == 302
    assert nicknames() == ["Alice", "Alice"]


def test_joining_again_under_ones_own_nickname_keeps_it(join, app):
    browser = app.test_client()
    join("Alice", browser)
    response = join("alice", browser)
    assert response.status_code == 302
    assert nicknames() == ["alice"]


def test_a_nickname_of_forty_family_emoji_is_forty_characters(join):
    assert join(FAMILY * 40).status_code == 302
    assert nicknames() == [FAMILY * 40]


def test_a_nickname_of_forty_one_family_emoji_is_refused_with_the_limit(join):
    response = join(FAMILY * 41)
    assert response.status_code == 422
    assert "40" in response.get_data(as_text=True)
    assert nicknames() == []


def test_the_database_refuses_two_look_alike_nicknames_in_one_workshop(workshop):
    """Two joins racing on two processes both pass the check; the unique index stops one."""
    for secret in ("a", "b"):
        db.session.add(
            Participant(
                workshop_id=workshop.id, secret=secret, nickname="Alice", nickname_key="alice"
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_join_that_loses_the_race_for_a_name_gets_the_form_back_and_changes_nothing(
    join, monkeypatch
):
    """Both joins passed the check (on two processes); the second one's INSERT meets the
    unique index: its phone gets the form again with the reason, and nobody is added."""
    assert join("Alice").status_code == 302
    monkeypatch.setattr(participants, "_free_key", lambda *_: "alice")  # the check passed

    response = join("alice")

    assert response.status_code == 409
    assert "already goes by this name" in response.get_data(as_text=True)
    db.session.rollback()
    assert nicknames() == ["Alice"]
