"""A coalition proposal's seven qualities after the workshop: its page shows what its
workshop rated once revealed and what the team rates from the page; each signed-in team
member gives one value per quality, changes or withdraws it; anyone who may read the
proposal reads the results, nobody learns who rated what."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from facilitation.accounts.models import Role
from facilitation.coalitions.models import Coalition
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.ratings import proposals
from facilitation.ratings.models import ProposalRating

from ..conftest import csrf_token
from ..sockets import login
from .test_ratings import QUALITIES


@pytest.fixture
def coalition(facilitator) -> Coalition:
    with unit_of_work():
        found = Coalition(title="Vélo pour tous", status="proposed", created_by_id=facilitator.id)
        db.session.add(found)
    return found


def page(client, coalition: Coalition) -> str:
    response = client.get(f"/coalitions/{coalition.id}/qualities")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rate(client, coalition: Coalition, **values: str):
    url = f"/coalitions/{coalition.id}/qualities"
    form = {"csrf_token": csrf_token(client, url), **dict.fromkeys(QUALITIES, ""), **values}
    return client.post(url, data=form)


def stored() -> list[tuple[int, str, int]]:
    rows = db.session.execute(
        select(ProposalRating.user_id, ProposalRating.criterion, ProposalRating.value)
    )
    db.session.rollback()
    return sorted(tuple(row) for row in rows)


def median(html: str, source: str, quality: str) -> str:
    part = html.split(f'data-source="{source}"')[1].split("</section>")[0]
    found = re.search(rf'data-quality="{quality}"><td>[^<]*</td><td class="median">([^<]*)', part)
    assert found, (source, quality)
    return found.group(1)


def test_team_members_rate_from_the_page_and_everyone_reads_the_medians(
    client, create_user, coalition
):
    for role, value in ((Role.FACILITATOR, 3), (Role.ADMIN, 4)):  # as their form does
        with unit_of_work():
            proposals.rate(create_user(role), coalition, {"frugal": value, "inclusive": 2})
    login(client, create_user(Role.COORDINATOR))
    assert rate(client, coalition, frugal="5", inclusive="2").status_code == 302
    assert len(stored()) == 6
    html = page(client, coalition)
    assert median(html, "team", "frugal") == "4"
    assert median(html, "team", "inclusive") == "2"
    assert median(html, "team", "democratic") == "—"
    assert html.count("<svg") == 1  # the team's radar
    assert "3 people" in html  # who rated, never who gave what


def test_a_member_changes_and_withdraws_their_ratings(client, facilitator, coalition):
    login(client, facilitator)
    rate(client, coalition, frugal="2", equitable="5")
    rate(client, coalition, frugal="4")  # equitable left on "No answer": withdrawn
    assert stored() == [(facilitator.id, "frugal", 4)]
    assert 'name="frugal" value="4" checked' in page(client, coalition)


@pytest.mark.parametrize("value", ["6", "0", "many"])
def test_a_value_off_the_scale_is_refused_and_changes_nothing(
    client, facilitator, coalition, value
):
    login(client, facilitator)
    rate(client, coalition, frugal="3")
    response = rate(client, coalition, frugal="5", inclusive=value)
    assert response.status_code == 422
    assert "Choose a value from 1 to 5." in response.get_data(as_text=True)
    assert stored() == [(facilitator.id, "frugal", 3)]


def test_anyone_reads_the_results_and_only_signed_in_team_members_rate(client, coalition):
    anonymous = page(client, coalition)
    assert 'id="quality-form"' not in anonymous
    assert "Members of the team sign in to rate it." in anonymous
    response = client.post(f"/coalitions/{coalition.id}/qualities", data={"frugal": "3"})
    assert response.status_code in (302, 400)  # no session, no CSRF token: refused
    assert stored() == []


@pytest.mark.parametrize(("signed_in", "status"), [(False, 404), (True, 200)])
def test_a_drafts_qualities_are_for_the_team(client, facilitator, coalition, signed_in, status):
    with unit_of_work():
        db.session.get(Coalition, coalition.id).status = "draft"
    if signed_in:
        login(client, facilitator)
    assert client.get(f"/coalitions/{coalition.id}/qualities").status_code == status


def test_the_workshops_revealed_ratings_are_on_the_page(
    client, facilitator, create_workshop, screens, go_to
):
    workshop = create_workshop("reset_day")
    control = screens(workshop, "control", user=facilitator)
    group = control.send("group.create", title="Mobilités")["data"]["group"]["id"]
    proposal = control.send("proposal.promote", target=f"group:{group}")["data"]["proposal"]
    keys = [p["key"] for p in control.join_ack["snapshot"]["format"]["phases"]]
    assert control.send("phase.move", index=keys.index("qualities"))["ok"]
    for value in (2, 4, 4):
        phone = screens(workshop)
        item = f"proposal:{proposal['id']}"
        assert phone.send("rate.cast", item=item, criterion="innovative", value=value)["ok"]
    coalition = db.session.get(Coalition, proposal["id"])
    with unit_of_work():
        db.session.get(Coalition, coalition.id).status = "proposed"
    assert 'data-source="workshop"' not in page(client, coalition)  # not revealed yet
    assert control.send("ratings.reveal", revealed=True)["ok"]
    html = page(client, coalition)
    assert median(html, "workshop", "innovative") == "4"
    assert "3 participants" in html
    detail = client.get(f"/coalitions/{coalition.id}").get_data(as_text=True)
    assert "1 workshop rating" in detail
    assert f"/coalitions/{coalition.id}/qualities" in detail
