"""A staff member's open socket acts only while their sign-in holds: every event after
``join`` checks that the account is active, still signed in there, and still runs the
workshop. Phones and boards opened with the board key have no account to check."""

from __future__ import annotations

import pytest

from facilitation.accounts import services as accounts
from facilitation.accounts.models import Role, User
from facilitation.extensions import db
from facilitation.realtime.runtime import runtime
from facilitation.workshops.models import Workshop


@pytest.fixture
def set_active(create_user):
    """Suspend or restore an account as an admin does."""
    admin = create_user(Role.ADMIN)

    def set_to(user: User, active: bool) -> None:
        accounts.set_active(admin, user.id, active)
        db.session.commit()

    return set_to


def error_of(ack) -> str | None:
    return None if ack["ok"] else ack["error"]["code"]


def phase_of(workshop: Workshop) -> int:
    db.session.refresh(workshop)
    return workshop.phase_index


def test_a_suspended_facilitators_open_control_socket_cannot_change_the_phase(
    workshop, control, facilitator, set_active
):
    set_active(facilitator, False)
    assert error_of(control.send("phase.move", index=1)) == "not_authenticated"
    assert phase_of(workshop) == 0


def test_a_restored_facilitator_changes_the_phase_after_signing_in_and_joining_again(
    workshop, screens, control, facilitator, set_active
):
    set_active(facilitator, False)
    control.send("phase.move", index=1)
    set_active(facilitator, True)
    assert error_of(control.send("phase.move", index=1)) == "not_authenticated"
    again = screens(workshop, "control", user=facilitator)
    assert error_of(again.send("phase.move", index=1)) is None
    assert phase_of(workshop) == 1


def test_a_control_socket_stops_acting_once_its_account_signs_out_elsewhere(
    workshop, control, facilitator
):
    accounts.end_sessions(facilitator)  # what signing out in any browser does
    db.session.commit()
    assert error_of(control.send("timer.start", seconds=60)) == "not_authenticated"
    assert phase_of(workshop) == 0


def test_a_board_opened_by_a_suspended_account_can_no_longer_sync(
    workshop, screens, facilitator, set_active
):
    board = screens(workshop, "board", user=facilitator)
    set_active(facilitator, False)
    assert error_of(board.emit("sync", {"since": 0})) == "not_authenticated"


def test_a_board_opened_with_its_key_is_no_account_and_keeps_working(
    workshop, screens, facilitator, set_active
):
    board = screens(workshop, "board", join=False)
    assert board.join(key=workshop.board_key)["ok"]
    set_active(facilitator, False)
    assert error_of(board.emit("sync", {"since": 0})) is None


def test_a_socket_refused_for_its_account_receives_no_more_events(
    workshop, screens, control, facilitator, set_active
):
    set_active(facilitator, False)
    control.send("phase.move", index=1)
    control.received()  # what came before
    phone = screens(workshop, "phone")
    assert phone.send("note.post", area="ideas", text="Pour le tableau seulement")["ok"]
    assert control.events() == []


def test_an_account_no_longer_admin_cannot_run_someone_elses_workshop(
    workshop, screens, create_user
):
    admin = create_user(Role.ADMIN)
    control = screens(workshop, "control", user=admin)
    admin.role = Role.FACILITATOR
    db.session.commit()
    assert error_of(control.send("phase.move", index=1)) == "forbidden"
    assert phase_of(workshop) == 0


def test_a_signed_out_facilitators_screens_stop_receiving_the_workshop_at_the_next_heartbeat(
    workshop, screens, control, facilitator
):
    board = screens(workshop, "board", user=facilitator)
    phone = screens(workshop)
    accounts.end_sessions(facilitator)  # signing out in any browser
    db.session.commit()
    runtime().tick(now=10_000)
    assert not control.sio.is_connected()
    assert not board.sio.is_connected()
    assert phone.sio.is_connected()  # phones have no account: untouched
    assert phone.send("note.post", area="ideas", text="Après le départ")["ok"]


def test_a_suspended_facilitators_board_is_disconnected_but_a_key_opened_board_stays(
    workshop, screens, facilitator, set_active
):
    by_account = screens(workshop, "board", user=facilitator)
    by_key = screens(workshop, "board", join=False)
    assert by_key.join(key=workshop.board_key)["ok"]
    set_active(facilitator, False)
    runtime().tick(now=10_000)
    assert not by_account.sio.is_connected()
    assert by_key.sio.is_connected()


def test_a_signed_in_facilitators_screens_stay_through_heartbeats(workshop, control, facilitator):
    for beat in range(3):
        runtime().tick(now=10_000 + 10 * beat)
    assert control.sio.is_connected()
    assert error_of(control.send("timer.start", seconds=60)) is None
