"""Staff sessions can be revoked: signing out, changing the password or being suspended ends
every session of the account, in every browser, remember-me cookies included; and no
sign-in outlives its lifetime, whatever a browser keeps."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from facilitation.accounts import services
from facilitation.extensions import db

from ..conftest import PASSWORD, csrf_token

NEW_PASSWORD = "a brand new passphrase"
DAY = 24 * 3600


def signed_in(client, post_form, user):
    response = post_form("/login", {"email": user.email, "password": PASSWORD}, page="/login")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def browser_with(app, client, cookie_name):
    """Another browser holding a copy of one of ``client``'s cookies, and nothing else."""
    other = app.test_client()
    other.set_cookie(cookie_name, client.get_cookie(cookie_name).value)
    return other


def opens_staff_pages(http) -> bool:
    response = http.get("/workshops/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def test_a_session_cookie_copied_before_sign_out_no_longer_works_after_it(
    app, client, post_form, facilitator
):
    signed_in(client, post_form, facilitator)
    copy = browser_with(app, client, "session")
    assert opens_staff_pages(copy)
    post_form("/logout", {}, page="/")
    assert not opens_staff_pages(copy)


def test_a_remember_me_cookie_stops_working_after_sign_out(app, client, post_form, facilitator):
    signed_in(client, post_form, facilitator)
    remembered = browser_with(app, client, "remember_token")
    assert opens_staff_pages(remembered)
    post_form("/logout", {}, page="/")
    assert not opens_staff_pages(browser_with(app, remembered, "remember_token"))


def test_a_remember_me_cookie_stops_working_after_a_password_change(
    app, client, post_form, facilitator
):
    signed_in(client, post_form, facilitator)
    remembered = browser_with(app, client, "remember_token")
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = post_form("/account/password", {**form, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert not opens_staff_pages(remembered)


def test_suspending_an_account_ends_its_sessions_even_once_it_is_restored(
    app, client, post_form, facilitator, create_user
):
    signed_in(client, post_form, facilitator)
    admin = create_user("admin")
    services.set_active(admin, facilitator.id, False)
    services.set_active(admin, facilitator.id, True)
    db.session.commit()
    assert not opens_staff_pages(browser_with(app, client, "remember_token"))
    assert not opens_staff_pages(client)


def test_signing_in_elsewhere_leaves_other_browsers_signed_in(app, client, post_form, facilitator):
    signed_in(client, post_form, facilitator)
    other = app.test_client()
    form = {"email": facilitator.email, "password": PASSWORD}
    response = other.post("/login", data={**form, "csrf_token": csrf_token(other, "/login")})
    assert response.status_code == 302
    assert opens_staff_pages(client)
    assert opens_staff_pages(other)


def test_a_sign_in_lasts_fourteen_days_whatever_the_browser_keeps(app, facilitator):
    def started_days_ago(days: float):
        http = app.test_client()
        facilitator.signed_in_at = int(time.time() - days * DAY)
        with http.session_transaction() as session:
            session["_user_id"] = facilitator.get_id()
        return http

    assert opens_staff_pages(started_days_ago(13.9))
    assert not opens_staff_pages(started_days_ago(14.1))


def test_the_remember_me_cookie_expires_with_the_sign_in(client, post_form, facilitator):
    response = signed_in(client, post_form, facilitator)
    header = next(h for h in response.headers.getlist("Set-Cookie") if "remember_token=" in h)
    expires = next(p for p in header.split(";") if p.strip().lower().startswith("expires="))
    lasts = parsedate_to_datetime(expires.split("=", 1)[1]) - datetime.now(UTC)
    assert timedelta(days=13, hours=23) < lasts <= timedelta(days=14)


def test_a_failed_sign_in_hashes_once_alike_whether_or_not_the_account_exists(
    app, post_form, facilitator, create_user, monkeypatch
):
    """The structure of the time taken, not a stopwatch: the same password hash, with the
    same cost parameters, for a wrong password, an unknown address and a suspended account."""
    suspended = create_user()
    suspended.active = False
    db.session.commit()
    costs: list[tuple[int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted(password, *, salt, n, r, p, **options):  # type: ignore[no-untyped-def]
        costs.append((n, r, p))
        return scrypt(password, salt=salt, n=n, r=r, p=p, **options)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    hashed = {}
    for case, email, password in (
        ("wrong password", facilitator.email, "not the password"),
        ("unknown address", "nobody@example.org", "not the password"),
        ("suspended account", suspended.email, PASSWORD),
    ):
        costs.clear()
        response = post_form("/login", {"email": email, "password": password})
        assert response.status_code == 401, case
        hashed[case] = list(costs)
    assert hashed["unknown address"] == hashed["wrong password"] == hashed["suspended account"]
    assert len(hashed["unknown address"]) == 1
