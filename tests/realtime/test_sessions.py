"""A socket's events use the session its first event took from the cookie: the cookie
is not opened again for each event (its signature and JSON cost 3 % of a note)."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import Map, MapAdapter


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests whose session cookie is opened from now on."""
    paths: list[str] = []
    cookie = SecureCookieSessionInterface.open_session

    def counted(self, app, request):
        paths.append(request.path)
        return cookie(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counted)
    return paths


def test_a_facilitator_s_socket_opens_the_session_cookie_once_and_stays_signed_in(
    workshop, control, opened
):
    """``opened`` counts from after the control screen's join (fixtures in order)."""
    moves = [control.send("phase.move", index=index) for index in (1, 2, 1, 2, 3)]

    assert [move["ok"] for move in moves] == [True] * 5  # the facilitator, each time
    assert opened == []  # the join opened it; none of the five events did


def test_a_page_still_reads_its_session_cookie(client, facilitator, opened):
    client.get("/")

    assert opened == ["/"]


@pytest.fixture
def matched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths matched against the app's routes from now on."""
    paths: list[str] = []
    match = MapAdapter.match

    def counted(self, *args, **kwargs):
        paths.append(self.path_info)
        return match(self, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counted)
    return paths


def test_a_socket_s_events_are_not_matched_against_the_routes(workshop, control, matched):
    moves = [control.send("phase.move", index=index) for index in (1, 2, 1, 2, 3)]

    assert [move["ok"] for move in moves] == [True] * 5
    assert matched == []
    # the view each move names is an address the app builds: building still works
    changed = [event for event in control.events() if event["type"] == "phase.changed"]
    assert len(changed) == 5
    assert all(event["view"]["body"].startswith("/live/") for event in changed)


def test_a_page_is_still_matched_to_its_route(client, matched):
    assert client.get("/").status_code == 200
    assert "/" in matched


@pytest.fixture
def bound(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the app's routes are bound to from now on."""
    paths: list[str] = []
    bind = Map.bind_to_environ

    def counted(self, environ, *args, **kwargs):
        paths.append(environ["PATH_INFO"])
        return bind(self, environ, *args, **kwargs)

    monkeypatch.setattr(Map, "bind_to_environ", counted)
    return paths


def test_a_socket_s_events_share_one_binding_of_the_routes(workshop, control, client, bound):
    """A socket's events share one environ, so the routes bound to it once serve them
    all; each page is still bound to its own address."""
    moves = [control.send("phase.move", index=index) for index in (1, 2, 1, 2, 3)]

    assert [move["ok"] for move in moves] == [True] * 5
    assert bound == []  # the socket's first event bound them; none of the five did
    changed = [event for event in control.events() if event["type"] == "phase.changed"]
    assert all(event["view"]["body"].startswith("/live/") for event in changed)
    assert client.get("/").status_code == 200
    assert bound == ["/"]
