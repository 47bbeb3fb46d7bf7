"""The join page every phone of a room opens is rendered once per language and state of
the workshop, and each visitor still gets the page as rendered for them: their own form
token, the workshop as it is now, their language, and a signed-in facilitator's header."""

from __future__ import annotations

import pytest
from flask import render_template

from facilitation.database import utcnow
from facilitation.extensions import db
from facilitation.participants import views
from facilitation.participants.models import Participant
from facilitation.syntheses.services import licence
from facilitation.workshops.codes import display_code
from facilitation.workshops.models import Workshop

from ..conftest import CSRF
from ..security.conftest import FreshClient
from ..sockets import login


@pytest.fixture
def visitor(app):
    """A new phone: a browser of its own, with nothing from the previous one."""
    app.test_client_class = FreshClient

    def open_page(workshop: Workshop, language: str = "fr"):
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        return browser, browser.get(f"/j/{workshop.code}")

    return open_page


def fresh(app, workshop: Workshop, language: str, token: str) -> str:
    """The page as rendered for one visitor, nothing kept, with this form token."""
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template(
            "participants/join.html",
            workshop=workshop,
            code=display_code(workshop.code),
            licence=licence(),
            csrf_token=lambda: token,
        )


def token_of(page) -> str | None:
    found = CSRF.search(page.get_data(as_text=True))
    return found.group(1) if found else None


def change(workshop: Workshop, **values) -> None:
    for name, value in values.items():
        setattr(workshop, name, value)
    db.session.commit()


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "state",
    [
        pytest.param({}, id="as created"),
        pytest.param({"title": "Retitled <b>live</b>", "question": ""}, id="retitled"),
        pytest.param({"anonymous": False}, id="nicknames shown"),
        pytest.param({"joining_closed_at": utcnow()}, id="joining closed"),
    ],
)
def test_each_visitor_gets_the_page_as_rendered_for_them(app, workshop, visitor, language, state):
    visitor(workshop, language)  # the page kept, before the change
    change(workshop, **state)

    pages = [visitor(workshop, language)[1] for _ in range(2)]

    db.session.refresh(workshop)
    tokens = [token_of(page) for page in pages]
    for page, token in zip(pages, tokens, strict=True):
        assert page.status_code == 200
        assert page.get_data(as_text=True) == fresh(app, workshop, language, token or "")
    assert (tokens[0] is None) == (not workshop.joining_open)
    if workshop.joining_open:
        assert tokens[0] != tokens[1]  # each visitor's own
    assert views.TOKEN_MARK not in pages[0].get_data(as_text=True)


def test_each_visitor_s_token_lets_that_visitor_in(app, workshop, visitor):
    phones = [visitor(workshop) for _ in range(3)]

    for browser, page in phones:
        answer = browser.post(
            f"/j/{workshop.code}", data={"csrf_token": token_of(page), "nickname": ""}
        )
        assert answer.status_code == 302

    assert db.session.query(Participant).count() == 3


def test_a_signed_in_facilitator_sees_their_own_header(app, workshop, visitor, facilitator):
    visitor(workshop)  # the page kept for phones
    browser = app.test_client()
    login(browser, facilitator)

    page = browser.get(f"/j/{workshop.code}").get_data(as_text=True)

    assert "/logout" in page or "Sign out" in page or "Se déconnecter" in page
    assert views.TOKEN_MARK not in page


def test_each_visitor_reads_the_page_in_their_language(app, workshop, visitor):
    pages = {language: visitor(workshop, language)[1] for language in ("fr", "en", "fr")}

    for language, page in pages.items():
        assert f'<html lang="{language}">' in page.get_data(as_text=True)
    assert "Enter the workshop" in pages["en"].get_data(as_text=True)
