"""The synthesis e-mailed from the control page when SMTP is configured: its PDF arrives
at every address typed, through a real SMTP server; a wrong list sends nothing and says
what is wrong; so does a mail server that refuses."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from facilitation.accounts.models import Role, User
from facilitation.extensions import db
from facilitation.workshops.models import Workshop

from ..conftest import csrf_token
from ..security.conftest import FreshClient
from ..sockets import login
from .conftest import open_screen


@pytest.fixture
def app(mail_app: Flask) -> Flask:
    """Every fixture of this module (accounts, workshops) on the app that sends mail."""
    return mail_app


@pytest.fixture
def ended(app: Flask, create_workshop, facilitator: User) -> Workshop:  # type: ignore[no-untyped-def]
    workshop = create_workshop("brainstorm", title="Venir autrement", question="Comment ?")
    control = open_screen(app, workshop, "control", user=facilitator)
    phone = open_screen(app, workshop, nickname="Léa")
    try:
        assert phone.send("note.post", area="ideas", text="Des vélos partagés")["ok"]
        assert control.send("workshop.end")["ok"]
        assert control.send("synthesis.publish", published=True)["ok"]
    finally:
        control.close()
        phone.close()
    db.session.rollback()
    return workshop


@pytest.fixture
def staff(app: Flask, facilitator: User) -> FlaskClient:
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(browser, facilitator)
    return browser


def send(browser: FlaskClient, workshop: Workshop, addresses: str) -> str:
    """Post the form; the flashed messages of the page it leads back to."""
    page = f"/workshops/{workshop.id}/control"
    token = csrf_token(browser, page)
    response = browser.post(
        f"/workshops/{workshop.id}/synthesis-mail",
        data={"csrf_token": token, "addresses": addresses},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#exports-title")
    return browser.get(page).get_data(as_text=True)


def test_the_synthesis_pdf_arrives_at_every_address(staff, smtp, ended):  # type: ignore[no-untyped-def]
    page = staff.get(f"/workshops/{ended.id}/control").get_data(as_text=True)
    assert 'name="addresses"' in page
    answer = send(
        staff, ended, "elu@example.org, Asso@Example.org\nasso@example.org; x@example.org"
    )
    assert "The synthesis was sent to 3 addresses." in answer
    [mail] = smtp.mailbox.wait(1)
    assert mail.recipients == ["elu@example.org", "Asso@Example.org", "x@example.org"]
    assert mail.message["Subject"] == "Synthèse : Venir autrement"  # the workshop's language
    body, attachment = mail.message.iter_parts()
    assert "Venir autrement" in body.get_content()
    assert "http://localhost/s/" in body.get_content()  # the published link
    assert attachment.get_filename() == "venir-autrement.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("addresses", "problem"),
    [
        ("", "Give at least one e-mail address."),
        ("elu@example.org, not-an-address", "Not an e-mail address: not-an-address"),
        ("elu@example.org\r\nBcc: x@example.org", "Not an e-mail address: Bcc:"),
        (", ".join(f"p{n}@example.org" for n in range(21)), "At most 20 addresses at once."),
    ],
)
def test_a_wrong_list_sends_nothing_and_says_why(staff, smtp, ended, addresses, problem):  # type: ignore[no-untyped-def]
    assert problem in send(staff, ended, addresses)
    assert smtp.mailbox.wait(1, timeout=0.3) == []


def test_a_refusing_mail_server_is_told(staff, smtp, ended):  # type: ignore[no-untyped-def]
    smtp.mailbox.refuse = True
    answer = send(staff, ended, "elu@example.org")
    assert "nothing was sent" in answer
    assert smtp.mailbox.received == []


def test_only_those_who_run_the_workshop_send_it(app, smtp, ended, create_user):  # type: ignore[no-untyped-def]
    for role in (Role.FACILITATOR, Role.COORDINATOR):
        browser = app.test_client()
        login(browser, create_user(role))
        token = csrf_token(browser, "/coalitions/")
        response = browser.post(
            f"/workshops/{ended.id}/synthesis-mail",
            data={"csrf_token": token, "addresses": "elu@example.org"},
        )
        assert response.status_code == 403
    assert smtp.mailbox.wait(1, timeout=0.3) == []


def test_without_smtp_there_is_no_form_and_nothing_is_sent(make_app, create_workshop, facilitator):  # type: ignore[no-untyped-def]
    app = make_app()
    app.test_client_class = FreshClient
    with app.app_context():
        workshop = create_workshop()
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        login(browser, facilitator)
        page = browser.get(f"/workshops/{workshop.id}/control").get_data(as_text=True)
        assert 'name="addresses"' not in page
        assert "This instance sends no e-mail" in send(browser, workshop, "elu@example.org")


def test_a_server_without_starttls_gets_no_password_and_no_message(
    make_app, smtp, create_workshop, facilitator
):  # type: ignore[no-untyped-def]
    """SMTP_STARTTLS (the default) and a server that does not offer it: nothing goes in
    clear, neither the account's password nor the synthesis."""
    app = make_app(**{**smtp.settings, "SMTP_STARTTLS": True})
    app.test_client_class = FreshClient
    with app.app_context():
        workshop = create_workshop()
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        login(browser, facilitator)
        assert "nothing was sent" in send(browser, workshop, "elu@example.org")
    assert smtp.mailbox.logins == []
    assert smtp.mailbox.received == []
