"""The synthesis of an ended workshop, published at a signed link anyone can open without
an account; withdrawn, every link given so far stops working."""

from __future__ import annotations

import pytest

from facilitation.extensions import db
from facilitation.syntheses import publication

from ..conftest import csrf_token


@pytest.fixture
def ended(create_workshop, screens, facilitator):
    workshop = create_workshop("brainstorm", title="Venir autrement")
    control = screens(workshop, "control", user=facilitator)
    phone = screens(workshop, nickname="Léa")
    assert phone.send("note.post", area="ideas", text="Des vélos partagés")["ok"]
    assert control.send("workshop.end")["ok"]
    return workshop, control, phone


def publish(control, published=True):
    ack = control.send("synthesis.publish", published=published)
    assert ack["ok"], ack
    return ack["data"]["workshop"]["synthesis_url"]


def test_a_running_workshop_cannot_be_published(create_workshop, screens, facilitator):
    workshop = create_workshop("brainstorm")
    control = screens(workshop, "control", user=facilitator)
    ack = control.send("synthesis.publish", published=True)
    assert ack["error"]["code"] == "conflict"
    db.session.refresh(workshop)
    assert not workshop.synthesis_published


def test_a_participant_cannot_publish(ended):
    _, _, phone = ended
    assert phone.send("synthesis.publish", published=True)["error"]["code"] == "forbidden"


def test_anyone_with_the_link_reads_the_synthesis_without_an_account(ended, app):
    _, control, _ = ended
    url = publish(control)
    assert url.startswith("/s/")
    stranger = app.test_client()
    page = stranger.get(url)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert "Venir autrement" in page.get_data(as_text=True)
    assert "Des vélos partagés" in page.get_data(as_text=True)
    assert page.headers["X-Robots-Tag"] == "noindex"
    qr = stranger.get(f"{url}/qr.svg")
    assert qr.status_code == 200
    assert qr.mimetype == "image/svg+xml"


def test_phones_are_told_the_link(ended):
    _, control, phone = ended
    url = publish(control)
    phone.events()
    assert phone.state.workshop["synthesis_url"] == url


def test_withdrawing_revokes_the_link_and_publishing_again_makes_a_new_one(ended, app):
    _, control, _ = ended
    first = publish(control)
    assert publish(control, published=False) is None
    stranger = app.test_client()
    assert stranger.get(first).status_code == 404
    assert stranger.get(f"{first}/qr.svg").status_code == 404
    second = publish(control)
    assert second != first
    assert stranger.get(first).status_code == 404
    assert stranger.get(second).status_code == 200


@pytest.mark.parametrize("token", ["nope", "WzEsMV0.forged", "", "%00"])
def test_a_forged_link_leads_nowhere(ended, app, token):
    _, control, _ = ended
    publish(control)
    assert app.test_client().get(f"/s/{token}").status_code == 404


def test_an_ended_workshops_control_page_publishes_with_its_form(ended, staff, app):
    """Opened again after the end, the control page has no live connection: its form
    publishes (and withdraws) all the same."""
    workshop, _, _ = ended
    control = f"/workshops/{workshop.id}/control"
    form = {"csrf_token": csrf_token(staff, control), "published": "1"}
    response = staff.post(f"/workshops/{workshop.id}/publication", data=form)
    assert response.status_code == 302
    db.session.refresh(workshop)
    url = publication.path(workshop)
    assert url
    assert app.test_client().get(url).status_code == 200
    page = staff.get(control).get_data(as_text=True)
    assert "Retirer la synthèse" in page or "Withdraw the synthesis" in page
    form = {"csrf_token": csrf_token(staff, control), "published": "0"}
    assert staff.post(f"/workshops/{workshop.id}/publication", data=form).status_code == 302
    assert app.test_client().get(url).status_code == 404


def test_a_phone_reloaded_after_the_end_is_thanked_and_finds_the_published_synthesis(
    client, post_form, create_workshop, screens, facilitator, app
):
    workshop = create_workshop("brainstorm", title="Venir autrement")
    assert post_form(f"/j/{workshop.code}", {"nickname": "Léa"}).status_code == 302
    control = screens(workshop, "control", user=facilitator)
    assert control.send("workshop.end")["ok"]

    before = client.get(f"/p/{workshop.code}")
    assert before.status_code == 200
    assert "The workshop has ended." in before.get_data(as_text=True)
    assert "/s/" not in before.get_data(as_text=True)

    url = publish(control)
    after = client.get(f"/p/{workshop.code}").get_data(as_text=True)
    assert f'href="{url}"' in after
    assert "Read the synthesis" in after
    # Someone who did not take part learns nothing from the code: a code that opens nothing.
    assert app.test_client().get(f"/p/{workshop.code}").status_code == 404
