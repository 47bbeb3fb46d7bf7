"""Who gets a workshop's exports: those who run it, admins and coordinators; not its
participants, not visitors, not other facilitators."""

from __future__ import annotations

from facilitation.accounts.models import Role
from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.syntheses.exports import EXPORTS

from ..sockets import login

KINDS = sorted(EXPORTS)
NEW_KINDS = ["odt", "docx"]


def statuses(client, workshop, kinds) -> dict[str, tuple[int, str]]:
    found = {}
    for kind in kinds:
        response = client.get(f"/workshops/{workshop.id}/export.{kind}")
        found[kind] = (response.status_code, response.location or "")
    return found


def test_an_anonymous_visitor_is_sent_to_sign_in(client, workshop):
    for kind, (status, location) in statuses(client, workshop, KINDS).items():
        assert (status, location.startswith("/login")) == (302, True), kind


def test_a_participant_of_the_workshop_gets_no_export(client, workshop):
    participant = participants.join(workshop, "Léa")
    db.session.commit()
    token = participants.identity_token(participant)
    client.set_cookie(participants.cookie_name(workshop.id), token)
    for kind, (status, location) in statuses(client, workshop, KINDS).items():
        assert (status, location.startswith("/login")) == (302, True), kind


def test_another_facilitator_is_refused(client, workshop, create_user):
    login(client, create_user(Role.FACILITATOR))
    assert {status for status, _ in statuses(client, workshop, KINDS).values()} == {403}


def test_an_admin_downloads_any_workshops_exports(client, workshop, create_user):
    login(client, create_user(Role.ADMIN))
    assert {status for status, _ in statuses(client, workshop, NEW_KINDS).values()} == {200}


def test_a_coordinator_downloads_the_exports(client, workshop, create_user):
    login(client, create_user(Role.COORDINATOR))
    assert {status for status, _ in statuses(client, workshop, NEW_KINDS).values()} == {200}


def test_an_unknown_format_is_not_found(staff, workshop):
    assert staff.get(f"/workshops/{workshop.id}/export.xlsx").status_code == 404
