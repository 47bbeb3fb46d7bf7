"""A socket's events use the session its first event took from the cookie: the cookie
is not opened again for each event (its signature and JSON cost 3 % of a note)."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


def test_a_facilitator_s_socket_opens_the_session_cookie_once_and_stays_signed_in(
    workshop, control, monkeypatch
):
    opened: list[str] = []
    cookie = SecureCookieSessionInterface.open_session

    def counted(self, app, request):
        opened.append(request.path)
        return cookie(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counted)

    moves = [control.send("phase.move", index=index) for index in (1, 2, 1, 2, 3)]

    assert [move["ok"] for move in moves] == [True] * 5  # the facilitator, each time
    assert opened == []  # the join opened it; none of the five events did


def test_a_page_still_reads_its_session_cookie(client, facilitator, monkeypatch):
    opened: list[str] = []
    cookie = SecureCookieSessionInterface.open_session

    def counted(self, app, request):
        opened.append(request.path)
        return cookie(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counted)

    client.get("/")

    assert opened == ["/"]
