"""The coordinator's dashboard: each workshop with its status, and its exports named for
what they are."""

from __future__ import annotations

import re

from facilitation.accounts.models import Role
from facilitation.syntheses.exports import EXPORTS
from facilitation.workshops.models import Status

from ..sockets import login


def row_of(page: str, title: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return next(row for row in rows if title in row)


def test_the_dashboard_says_whether_a_workshop_runs_and_in_which_phase(
    client, create_workshop, create_user
):
    create_workshop(title="Atelier en cours", phase_index=2)
    create_workshop(title="Atelier fini", status=Status.ENDED)
    login(client, create_user(Role.COORDINATOR))
    page = client.get("/dashboard").get_data(as_text=True)
    running = row_of(page, "Atelier en cours")
    assert "Running" in running
    assert "Grouping" in running
    assert "Ended" in row_of(page, "Atelier fini")


def test_every_export_is_offered_under_a_readable_name(client, workshop, create_user):
    login(client, create_user(Role.COORDINATOR))
    row = row_of(client.get("/dashboard").get_data(as_text=True), workshop.title)
    links = dict(re.findall(r'data-kind="([^"]+)"[^>]*>([^<]+)</a>', row))
    assert set(links) == set(EXPORTS)
    assert links["notes.csv"] == "Notes (CSV)"
    assert links["pdf"] == "Synthesis (PDF)"
    assert not any(label == kind.upper() for kind, label in links.items())
