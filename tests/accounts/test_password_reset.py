"""A forgotten password, without a shell: a link by e-mail when SMTP is configured —
the same answer whatever the address, limited like sign-ins, working once and for an hour
— and, without SMTP, the sign-in page says to ask an admin. The e-mails go through a
real SMTP server on 127.0.0.1."""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner

from facilitation.accounts import services
from facilitation.accounts.models import Role, User
from facilitation.extensions import db

from ..conftest import CSRF, PASSWORD, csrf_token
from ..security.conftest import FreshClient
from ..smtp import SMTPServer

NEW = "a brand new passphrase"
LINK = re.compile(r"(https?://\S+/password-reset/\S+)")


@pytest.fixture
def browser(mail_app: Flask) -> FlaskClient:
    client = mail_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def account(mail_app: Flask) -> User:
    user = services.create_user("dominique@example.org", "Dominique", PASSWORD, Role.ADMIN)
    db.session.commit()
    return user


def ask(browser: FlaskClient, email: str, **headers: str) -> tuple[int, str]:
    """The answer's status and the page it leads to, its form's CSRF token left out: the
    token is signed with the second it is made in, so two answers a second apart differ
    there whatever the address (on a busy machine, four asks straddled a second)."""
    token = csrf_token(browser, "/password-reset")
    response = browser.post(
        "/password-reset", data={"csrf_token": token, "email": email}, headers=headers
    )
    page = browser.get("/login").get_data(as_text=True) if response.status_code == 302 else ""
    return response.status_code, CSRF.sub('name="csrf_token" value=""', page)


def link_in(smtp: SMTPServer, count: int = 1) -> str:
    received = smtp.mailbox.wait(count)
    assert len(received) == count
    body = received[-1].message.get_content()
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def sign_in(browser: FlaskClient, password: str) -> int:
    token = csrf_token(browser, "/login")
    data = {"csrf_token": token, "email": "dominique@example.org", "password": password}
    return browser.post("/login", data=data).status_code


def choose(browser: FlaskClient, path: str, new: str, again: str | None = None) -> int:
    token = csrf_token(browser, "/password-reset")  # the session's token: the form's too
    data = {"csrf_token": token, "new_password": new, "new_password_again": again or new}
    return browser.post(path, data=data).status_code


def test_the_link_arrives_and_sets_a_new_password_once(browser, smtp, account):  # type: ignore[no-untyped-def]
    page = browser.get("/login").get_data(as_text=True)
    assert 'href="/password-reset"' in page
    assert "Ask an admin" not in page
    status, answer = ask(browser, "Dominique@Example.org ")
    assert status == 302
    assert "a link to choose a new password is on its way" in answer

    [mail] = smtp.mailbox.wait(1)
    assert mail.recipients == ["dominique@example.org"]
    assert mail.sender == "atelier@example.org"
    assert mail.message["Subject"] == "Fabrique: choose a new password"
    assert smtp.mailbox.logins == [("fabrique", "mail-secret")]
    path = urlsplit(link_in(smtp)).path
    assert browser.get(path).status_code == 200

    assert choose(browser, path, NEW, "something else entirely") == 422  # nothing changes
    assert choose(browser, path, "short") == 422
    assert choose(browser, path, NEW) == 302
    assert sign_in(browser, PASSWORD) == 401
    assert sign_in(browser, NEW) == 302
    # Used: the link, and any other made before the change, no longer works.
    assert browser.get(path).status_code == 400
    assert choose(browser, path, "yet another passphrase") == 400
    assert sign_in(browser, NEW) == 302


def test_the_answer_is_the_same_whether_an_account_uses_the_address_or_not(
    mail_app, browser, smtp, account, create_user
):  # type: ignore[no-untyped-def]
    suspended = create_user(Role.FACILITATOR, "camille@example.org")
    services.set_active(account, suspended.id, False)
    db.session.commit()
    emails = (
        "nobody@example.org",
        "camille@example.org",
        "not an address",
        "dominique@example.org",
    )
    answers = {email: ask(browser, email) for email in emails}
    assert len(set(answers.values())) == 1, answers
    received = smtp.mailbox.wait(1)
    time.sleep(0.5)  # anything else would have arrived by now
    assert [mail.recipients for mail in smtp.mailbox.received] == [["dominique@example.org"]]
    assert received


def test_a_link_expires_after_an_hour(browser, smtp, account, monkeypatch):  # type: ignore[no-untyped-def]
    made = int(time.time()) - services.RESET_SECONDS - 1
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: made)
        ask(browser, "dominique@example.org")
    path = urlsplit(link_in(smtp)).path
    assert browser.get(path).status_code == 400
    assert "no longer works" in browser.get(path).get_data(as_text=True)
    assert choose(browser, path, NEW) == 400
    assert sign_in(browser, PASSWORD) == 302


def test_a_forged_or_altered_link_opens_nothing(browser, smtp, account):  # type: ignore[no-untyped-def]
    ask(browser, "dominique@example.org")
    path = urlsplit(link_in(smtp)).path
    assert browser.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 400
    assert browser.get("/password-reset/" + "x" * 40).status_code == 400


def test_the_link_names_the_public_address_whatever_host_the_request_named(make_app, smtp):  # type: ignore[no-untyped-def]
    app = make_app(**smtp.settings, PUBLIC_URL="https://atelier.example.org")
    app.test_client_class = FreshClient
    with app.app_context():
        services.create_user("dominique@example.org", "Dominique", PASSWORD, Role.ADMIN)
        db.session.commit()
        browser = app.test_client()
        browser.environ_base["HTTP_HOST"] = "evil.example"  # a forged Host header
        assert ask(browser, "dominique@example.org")[0] == 302
        assert link_in(smtp).startswith("https://atelier.example.org/password-reset/")


def test_asking_is_limited_like_signing_in(browser, smtp, account):  # type: ignore[no-untyped-def]
    statuses = [ask(browser, "nobody@example.org")[0] for _ in range(11)]
    assert statuses == [302] * 10 + [429]


def test_without_smtp_the_pages_say_to_ask_an_admin(client):  # type: ignore[no-untyped-def]
    assert "Ask an admin for a new one." in client.get("/login").get_data(as_text=True)
    page = client.get("/password-reset").get_data(as_text=True)
    assert "ask an admin for a new password" in page
    token = csrf_token(client, "/login")
    response = client.post(
        "/password-reset", data={"csrf_token": token, "email": "dominique@example.org"}
    )
    assert response.status_code == 200
    assert "ask an admin for a new password" in response.get_data(as_text=True)


def test_a_mail_server_away_changes_nothing_in_the_answer_and_logs_no_address(make_app, smtp, logs):  # type: ignore[no-untyped-def]
    smtp.stop()  # nothing listens on its port any more
    app = make_app(**smtp.settings, SQLALCHEMY_ENGINE_OPTIONS={"hide_parameters": True})
    app.test_client_class = FreshClient
    with app.app_context():
        services.create_user("dominique@example.org", "Dominique", PASSWORD, Role.ADMIN)
        db.session.commit()
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        status, page = ask(browser, "dominique@example.org")
        assert status == 302
        assert "a link to choose a new password is on its way" in page
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _failures(logs):
            time.sleep(0.05)
    assert _failures(logs) == ["e-mail to 1 recipients not sent: ConnectionRefusedError"]
    assert not [r for r in logs.records if "dominique" in r.getMessage()]


def _failures(logs) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in logs.records if "not sent" in r.getMessage()]


def test_one_link_used_twice_at_once_sets_one_password(mail_app, smtp, account):  # type: ignore[no-untyped-def]
    asker = mail_app.test_client()
    ask(asker, "dominique@example.org")
    path = urlsplit(link_in(smtp)).path
    browsers = [mail_app.test_client() for _ in range(2)]
    tokens = [csrf_token(browser, "/password-reset") for browser in browsers]
    start, statuses = threading.Barrier(2), [0, 0]

    def use(number: int) -> None:
        data = {"csrf_token": tokens[number], "new_password": f"passphrase number {number}"}
        data["new_password_again"] = data["new_password"]
        start.wait()
        with mail_app.app_context():
            statuses[number] = browsers[number].post(path, data=data).status_code
            db.session.remove()

    threads = [threading.Thread(target=use, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [302, 400]
    winner = statuses.index(302)
    db.session.expire_all()
    assert db.session.get(User, account.id).check_password(f"passphrase number {winner}")
