"""A coalition member asks for what they gave, then for it to be deleted: the admin
downloads it as JSON, then deletes it; no row, export kept on disk or log line holds their
name, organisation or e-mail address afterwards."""

from __future__ import annotations

import json

import pytest

from facilitation.accounts.models import Role
from facilitation.coalitions.models import Coalition, Member
from facilitation.extensions import db
from facilitation.pledges.models import Pledge

from ..conftest import csrf_token
from ..sockets import login
from .conftest import marked_workshop, new_marker, rows_holding, web_member


@pytest.fixture
def admin_browser(app, client, create_user):  # type: ignore[no-untyped-def]
    login(client, create_user(Role.ADMIN))
    return client


def test_an_admin_exports_then_deletes_what_a_member_gave(app, admin_browser, facilitator, logs):  # type: ignore[no-untyped-def]
    marker = new_marker()
    built = marked_workshop(app, facilitator, marker)
    # The same person joined on the web too, with the same address in capitals.
    web = web_member(
        built.proposal_id,
        name=f"{marker} Léa Martin",
        organisation=f"{marker} Vélo-cité",
        email=f"{marker.upper()}@EXAMPLE.ORG",
    )
    other = web_member(built.proposal_id, name="Amina Diallo", email="amina@example.org")
    page = admin_browser.get(f"/coalitions/{built.proposal_id}").get_data(as_text=True)
    assert f"/coalitions/members/{web}/forget" in page

    response = admin_browser.get(f"/coalitions/members/{web}/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    record = json.loads(response.get_data(as_text=True))
    assert sorted(m["via"] for m in record["memberships"]) == ["web", "workshop"]
    [given] = record["workshops"]
    assert given["nickname"] == f"{marker} nick"
    assert {note["text"] for note in given["notes"]} == {f"{marker} vélobus", f"{marker} à effacer"}
    assert given["pledges"] == [
        {"group": "Vélo", "name": f"{marker} Léa", "organisation": f"{marker} asso"}
    ]
    assert "Amina" not in response.get_data(as_text=True)
    assert admin_browser.get(f"/workshops/{built.workshop.id}/export.md").status_code == 200
    assert any(f"{marker} Léa Martin".encode() in path.read_bytes() for path in _files(app))

    confirm = admin_browser.get(f"/coalitions/members/{web}/forget").get_data(as_text=True)
    assert confirm.count("<li>") == 2  # both memberships
    token = csrf_token(admin_browser, f"/coalitions/members/{web}/forget")
    done = admin_browser.post(f"/coalitions/members/{web}/forget", data={"csrf_token": token})
    assert done.status_code == 302

    # Their memberships and the names on their pledges went; the workshop's own record
    # (nickname, notes, cards) stays until the workshop is deleted or purged.
    assert set(db.session.scalars(db.select(Member.id))) == {other} | _others(built)
    pledge = db.session.scalars(db.select(Pledge)).one()
    assert (pledge.name, pledge.organisation) == (None, None)
    personal = (f"{marker} Léa", f"{marker} asso", f"{marker} Vélo-cité", marker.lower() + "@")
    for value in personal:
        assert _holding(value) == {}, value
    for path in _files(app):
        assert not any(value.encode() in path.read_bytes() for value in personal), path
    lines = [record.getMessage() for record in logs.records]
    assert any(f"coalition member {web} forgotten: 2 memberships" in line for line in lines)
    assert not [line for line in lines if marker in line or marker.lower() in line]


def _others(built) -> set[int]:  # type: ignore[no-untyped-def]
    """Karim's membership, taken on his phone."""
    query = db.select(Member.id).where(Member.name == "Karim")
    return set(db.session.scalars(query))


def _holding(value: str) -> dict[str, int]:
    return rows_holding(value)


def _files(app):  # type: ignore[no-untyped-def]
    from pathlib import Path

    folder = Path(app.config["EXPORT_CACHE_DIR"])
    return list(folder.iterdir()) if folder.is_dir() else []


def test_only_an_admin_sees_or_deletes_a_members_data(app, client, create_user, facilitator):  # type: ignore[no-untyped-def]
    marker = new_marker()
    built = marked_workshop(app, facilitator, marker)
    member = web_member(built.proposal_id, name="Amina Diallo", email="amina@example.org")
    login(client, create_user(Role.COORDINATOR))
    assert client.get(f"/coalitions/members/{member}/data.json").status_code == 403
    assert client.get(f"/coalitions/members/{member}/forget").status_code == 403
    token = csrf_token(client, f"/coalitions/{built.proposal_id}")
    response = client.post(f"/coalitions/members/{member}/forget", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.get(Member, member) is not None
    assert client.get("/coalitions/members/999999/data.json").status_code in (403, 404)


def test_the_command_line_finds_a_member_by_e_mail(app, facilitator):  # type: ignore[no-untyped-def]
    marker = new_marker()
    built = marked_workshop(app, facilitator, marker)
    runner = app.test_cli_runner()
    address = f"{marker.upper()}@example.org"  # as the person writes it
    shown = runner.invoke(args=["member-data", address])
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert [m["name"] for m in record["memberships"]] == [f"{marker} Léa"]
    assert record["workshops"][0]["nickname"] == f"{marker} nick"
    refused = runner.invoke(args=["forget-member", address], input="n\n")
    assert refused.exit_code == 1
    assert _holding(f"{marker} Léa")
    done = runner.invoke(args=["forget-member", address], input="y\n")
    assert done.exit_code == 0, done.output
    assert "1 memberships deleted." in done.output
    for value in (f"{marker} Léa", f"{marker} asso", marker.lower() + "@"):
        assert _holding(value) == {}, value
    assert db.session.get(Coalition, built.proposal_id) is not None
    missing = runner.invoke(args=["member-data", address])
    assert missing.exit_code == 1
    assert "No coalition member gave" in missing.output
