"""An admin deletes a workshop: nothing its participants gave is left anywhere — no row
of any table, no export kept on disk, no published synthesis, no log line."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitation.accounts.models import Role
from facilitation.coalitions.models import Coalition, Member, Origin
from facilitation.database import unit_of_work
from facilitation.extensions import db, socketio
from facilitation.workshops.models import Workshop

from ..conftest import csrf_token
from ..sockets import Screen, login
from .conftest import marked_workshop, new_marker, rows_holding, rows_naming, web_member

# Where the mark is before: the scan finds what it must find (it can fail).
EVERYWHERE = {
    "participants", "notes", "groups", "pledges", "cards", "coalition_members", "events",
    "commands", "workshops",
}  # fmt: skip


def exported_files(app) -> list[Path]:  # type: ignore[no-untyped-def]
    folder = Path(app.config["EXPORT_CACHE_DIR"])
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def admin_browser(app, client, create_user):  # type: ignore[no-untyped-def]
    admin = create_user(Role.ADMIN)
    login(client, admin)
    return client


def test_an_admin_deletes_a_workshop_and_nothing_of_its_participants_is_left(
    app, admin_browser, facilitator, logs
):  # type: ignore[no-untyped-def]
    marker = new_marker()
    built = marked_workshop(app, facilitator, marker)
    workshop_id = built.workshop.id
    published = built.workshop.synthesis_published and f"/s/{_token(built.workshop)}"
    # Someone who joined the proposal on the web is not the workshop's: they stay.
    web = web_member(built.proposal_id, name="Amina Diallo", email="amina@example.org")
    for kind in ("md", "json", "notes.csv"):
        response = admin_browser.get(f"/workshops/{workshop_id}/export.{kind}")
        assert response.status_code == 200
        assert marker in response.get_data(as_text=True)
    assert admin_browser.get(published).status_code == 200
    assert any(marker.encode() in path.read_bytes() for path in exported_files(app))
    assert set(rows_holding(marker)) >= EVERYWHERE

    page = admin_browser.get(f"/workshops/{workshop_id}/delete")
    assert page.status_code == 200
    assert "3 participants" not in page.get_data(as_text=True)  # two phones; staff are not
    assert "2 participants" in page.get_data(as_text=True)
    token = csrf_token(admin_browser, f"/workshops/{workshop_id}/delete")
    response = admin_browser.post(f"/workshops/{workshop_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302

    assert rows_holding(marker) == {}
    assert rows_naming("workshop_id", {workshop_id}) == {}
    assert rows_naming("participant_id", built.participants) == {}
    assert not any(marker.encode() in path.read_bytes() for path in exported_files(app))
    assert not [path for path in exported_files(app) if path.name.startswith(f"w{workshop_id}-")]
    assert admin_browser.get(published).status_code == 404
    # The proposal stays, the team's, with the text it was promoted with (published under
    # the workshop's licence); of its members, only the one who came from the web.
    assert db.session.get(Coalition, built.proposal_id) is not None
    assert rows_holding(built.promoted) == {"coalitions": 1}
    assert [member.id for member in db.session.scalars(db.select(Member))] == [web]
    lines = [record.getMessage() for record in logs.records]
    assert any(f"workshop {workshop_id} deleted" in line for line in lines)
    assert not [line for line in lines if marker in line or marker.lower() in line]


def _token(workshop: Workshop) -> str:
    from facilitation.syntheses import publication

    token = publication.token(workshop)
    assert token
    return token


def test_a_facilitator_cannot_delete_even_their_own_workshop(app, client, workshop, facilitator):  # type: ignore[no-untyped-def]
    login(client, facilitator)
    assert client.get(f"/workshops/{workshop.id}/delete").status_code == 403
    token = csrf_token(client, "/workshops/")
    response = client.post(f"/workshops/{workshop.id}/delete", data={"csrf_token": token})
    assert response.status_code == 403
    assert f"/workshops/{workshop.id}/delete" not in client.get("/workshops/").get_data(True)
    assert db.session.get(Workshop, workshop.id) is not None


def test_an_admin_deletes_only_through_the_confirmation_form(app, admin_browser, workshop):  # type: ignore[no-untyped-def]
    index = admin_browser.get("/workshops/").get_data(as_text=True)
    assert f"/workshops/{workshop.id}/delete" in index
    assert admin_browser.post(f"/workshops/{workshop.id}/delete").status_code == 400  # no token
    assert db.session.get(Workshop, workshop.id) is not None


def test_the_command_line_deletes_a_workshop_after_asking(app, facilitator):  # type: ignore[no-untyped-def]
    marker = new_marker()
    built = marked_workshop(app, facilitator, marker)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["delete-workshop", str(built.workshop.id)], input="n\n")
    assert refused.exit_code == 1
    assert "2 participants, 3 notes" in refused.output
    assert set(rows_holding(marker)) >= EVERYWHERE
    done = runner.invoke(args=["delete-workshop", str(built.workshop.id)], input="y\n")
    assert done.exit_code == 0, done.output
    assert rows_holding(marker) == {}
    assert runner.invoke(args=["delete-workshop", str(built.workshop.id), "--yes"]).exit_code == 1


def test_a_proposal_shared_with_another_workshop_loses_the_members_in_its_exports_too(
    app, admin_browser, facilitator, create_workshop
):  # type: ignore[no-untyped-def]
    marker = new_marker()
    built = marked_workshop(app, facilitator, marker)
    other = create_workshop(title="Suite").id
    with unit_of_work(other):  # the proposal was taken up by a second workshop
        db.session.add(Origin(coalition_id=built.proposal_id, workshop_id=other))
    assert admin_browser.get(f"/workshops/{other}/export.md").status_code == 200
    assert any(marker.encode() in path.read_bytes() for path in exported_files(app))
    second = db.session.get(Workshop, other)
    control = Screen.open(app, socketio, second, "control", user=facilitator)
    control.events()
    result = app.test_cli_runner().invoke(args=["delete-workshop", str(built.workshop.id), "--yes"])
    assert result.exit_code == 0, result.output
    # The second workshop's screens are told: the proposal has no member left.
    saved = [event for event in control.events() if event["type"] == "proposal.saved"]
    control.close()
    assert [event["data"]["members"] for event in saved] == [0]
    assert not any(marker.encode() in path.read_bytes() for path in exported_files(app))
    assert rows_holding(marker) == {}
    page = admin_browser.get(f"/workshops/{other}/export.md").get_data(as_text=True)
    assert "Karim" not in page  # both phones' memberships went with their workshop
    assert marker not in page
