"""Who may become a participant: capped per address and per browser session, and kept out
altogether while the facilitator has closed joining (those already in keep their seat)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from facilitation import config as configuration
from facilitation.database import utcnow
from facilitation.extensions import db, socketio
from facilitation.participants import services as participants
from facilitation.participants.models import Participant
from facilitation.realtime import eventlog
from facilitation.workshops.models import Workshop

from ..conftest import csrf_token
from ..sockets import Screen


def browser(app: Flask, address: str = "198.51.100.1") -> FlaskClient:
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return http


def join(http: FlaskClient, workshop: Workshop) -> int:
    """A phone sending the join form, as after scanning the QR code; the status."""
    page = f"/j/{workshop.code}?i={participants.invitation(workshop.code)}"
    form = {"csrf_token": csrf_token(http, "/"), "nickname": ""}  # the session's token
    return http.post(page, data=form).status_code


def forget_identity(http: FlaskClient, workshop: Workshop) -> None:
    """Drop the participant cookie, keep the session: a script minting participants."""
    http.delete_cookie(participants.cookie_name(workshop.id))


def participant_count() -> int:
    db.session.rollback()
    return db.session.query(Participant).count()


@pytest.fixture
def capped(app: Flask, make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Another app on the same database, with these limits on new participants. Its
    context is not pushed: each request gets its own (and its own ``g``), as in a server."""
    return lambda **limits: make_app(**limits)


# --- Caps on new participants -------------------------------------------------------------


def test_new_participants_are_capped_per_address(capped, workshop):
    app = capped(NEW_PARTICIPANTS_PER_ADDRESS="5/minute")
    statuses = [join(browser(app), workshop) for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert participant_count() == 5


def test_new_participants_are_capped_per_browser_session(capped, workshop):
    app = capped(NEW_PARTICIPANTS_PER_BROWSER="3/hour")
    script = browser(app)
    statuses = []
    for _ in range(4):
        statuses.append(join(script, workshop))
        forget_identity(script, workshop)
    assert statuses == [302] * 3 + [429]
    assert participant_count() == 3


def test_a_phone_renaming_itself_is_not_a_new_participant(capped, workshop):
    app = capped(NEW_PARTICIPANTS_PER_BROWSER="1/hour")
    phone = browser(app)
    assert [join(phone, workshop) for _ in range(3)] == [302] * 3
    assert participant_count() == 1


def test_a_plenary_behind_one_address_joins_under_the_default_caps(capped, workshop):
    app = capped(
        NEW_PARTICIPANTS_PER_ADDRESS=configuration.NEW_PARTICIPANTS_PER_ADDRESS,
        NEW_PARTICIPANTS_PER_BROWSER=configuration.NEW_PARTICIPANTS_PER_BROWSER,
    )
    statuses = {join(browser(app, "192.0.2.50"), workshop) for _ in range(300)}
    assert statuses == {302}
    assert participant_count() == 300


# --- Closing joining ----------------------------------------------------------------------


def test_closing_joining_refuses_new_phones(app, workshop, control):
    assert control.send("workshop.joining", open=False)["ok"]
    assert join(browser(app), workshop) == 409
    assert participant_count() == 0


def test_closing_joining_keeps_the_participants_already_in(app, workshop, screens, control):
    phone = screens(workshop)
    assert control.send("workshop.joining", open=False)["ok"]
    assert phone.join()["ok"]
    assert phone.send("note.post", area="ideas", text="Encore là")["ok"]


def test_a_participant_already_in_may_still_change_its_nickname(app, workshop, control):
    phone = browser(app)
    join(phone, workshop)
    assert control.send("workshop.joining", open=False)["ok"]
    assert join(phone, workshop) == 302
    assert participant_count() == 1


def test_a_participant_created_after_joining_closed_cannot_join_the_live_channel(
    app, workshop, control
):
    control.send("workshop.joining", open=False)
    late = Participant(workshop_id=workshop.id, secret="late-comer-secret")  # a lost race
    db.session.add(late)
    db.session.commit()
    phone = Screen.open(app, socketio, workshop, participant=late, join=False)
    assert phone.join()["error"]["code"] == "not_authenticated"


def test_joining_closed_by_another_process_after_the_page_keeps_the_newcomer_out(
    app, workshop, screens
):
    """The form reads the workshop in its turn from the process's copy only while the row
    is unchanged: closed elsewhere (a session of its own, as another process's) after the
    phone read the page, and after this process kept its copy, joining is closed."""
    screens(workshop)  # a first phone: this process keeps its copy of the workshop
    phone = browser(app)
    assert phone.get(f"/j/{workshop.code}").status_code == 200
    with app.app_context():
        eventlog.take_turn(workshop.id)
        db.session.get(Workshop, workshop.id).joining_closed_at = utcnow()
        db.session.commit()

    assert join(phone, workshop) == 409
    assert participant_count() == 1


def test_reopening_joining_lets_new_phones_in(app, workshop, control):
    control.send("workshop.joining", open=False)
    assert control.send("workshop.joining", open=True)["data"]["workshop"]["joining_open"]
    assert join(browser(app), workshop) == 302


def test_every_screen_hears_that_joining_closed(workshop, screens, control):
    phone = screens(workshop)
    control.send("workshop.joining", open=False)
    [event] = phone.events()
    assert (event["type"], event["data"]["joining_open"]) == ("workshop.updated", False)


def test_the_join_page_says_joining_is_closed_and_offers_no_form(client, workshop, control):
    control.send("workshop.joining", open=False)
    page = client.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert "closed joining" in page
    assert 'name="nickname"' not in page
