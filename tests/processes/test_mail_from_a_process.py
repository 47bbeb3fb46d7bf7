"""E-mail from a real gunicorn process (gevent): a reset link asked of a slow mail server
is answered at once, the e-mail leaving afterwards from the process's loop, and the link
arrives and works."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from facilitation.accounts import services as accounts
from facilitation.accounts.models import Role
from facilitation.extensions import db

from ..clients import csrf_token
from ..conftest import PASSWORD
from ..smtp import SMTPServer

pytestmark = pytest.mark.processes

LINK = re.compile(r"https?://\S+(/password-reset/\S+)")


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer()
    yield server
    server.stop()


def test_a_slow_mail_server_does_not_hold_the_answer_and_the_link_works(
    start_server, shared_app, smtp
):  # type: ignore[no-untyped-def]
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    accounts.create_user(email, "Dominique", PASSWORD, Role.FACILITATOR)
    db.session.commit()
    settings = {key: str(value) for key, value in smtp.settings.items()}
    server = start_server("mail", **settings)
    smtp.mailbox.greeting_delay = 2.0
    browser = requests.Session()
    token = csrf_token(browser, f"{server.url}/password-reset")
    started = time.monotonic()
    response = browser.post(
        f"{server.url}/password-reset",
        data={"csrf_token": token, "email": email},
        allow_redirects=False,
        timeout=10,
    )
    answered = time.monotonic() - started
    assert response.status_code == 302
    assert answered < 1.5, answered  # the 2 s greeting is waited for after the answer
    # Meanwhile the process serves others: its loop is not waiting on the mail server.
    assert requests.get(f"{server.url}/healthz", timeout=1).status_code == 200

    [mail] = smtp.mailbox.wait(1, timeout=15)
    assert mail.recipients == [email]
    found = LINK.search(mail.message.get_content())
    assert found, mail.message.get_content()
    path = urlsplit(found.group(0)).path
    assert browser.get(f"{server.url}{path}", timeout=10).status_code == 200
    token = csrf_token(browser, f"{server.url}/login")
    new = {
        "csrf_token": token,
        "new_password": "a new passphrase",
        "new_password_again": "a new passphrase",
    }
    done = browser.post(f"{server.url}{path}", data=new, allow_redirects=False, timeout=10)
    assert done.status_code == 302
    assert browser.get(f"{server.url}{path}", timeout=10).status_code == 400
