"""An app process is operable: its log lines, gunicorn's and the app's alike, come in one
configured format (here JSON lines) with time, level, logger and request id, and never
hold what people typed or secrets; its Prometheus metrics, for the token's holder only,
count what it does — sockets per workshop, socket events and their latency, refusals by
reason, exports and their durations."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..clients import LiveClient, csrf_token, join_as_participant, sign_in
from ..conftest import PASSWORD

pytestmark = pytest.mark.processes

TOKEN = "metrics-token-for-the-scraper-0123456789"
NOTE = "Ce que Léa a écrit, que le journal ne garde pas"
WRONG_PASSWORD = "un-mot-de-passe-faux-mais-secret"


@pytest.fixture
def workshop(shared_app: Flask) -> dict[str, Any]:
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    owner = accounts.create_user(email, "Dominique", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
    db.session.commit()
    return {"code": workshop.code, "key": workshop.board_key, "id": workshop.id, "email": email}


def samples(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = requests.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_logs_are_json_lines_without_people_s_text_and_metrics_count_the_work(
    start_server, workshop
):
    server = start_server(
        "operable", LOG_FORMAT="json", ACCESS_LOG="-", LOG_LEVEL="info", METRICS_TOKEN=TOKEN
    )
    base, code = server.url, workshop["code"]
    assert requests.get(f"{base}/metrics", timeout=10).status_code == 401
    wrong = requests.get(f"{base}/metrics", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401

    staff = sign_in(base, workshop["email"], PASSWORD)
    guesser = requests.Session()
    form = {"csrf_token": csrf_token(guesser, f"{base}/login"), "email": workshop["email"]}
    wrong_password = guesser.post(
        f"{base}/login", data={**form, "password": WRONG_PASSWORD}, timeout=10
    )
    assert wrong_password.status_code == 401
    phone = LiveClient(base, join_as_participant(base, code, "Léa")).connect()
    board = LiveClient(base).connect()
    try:
        assert phone.join(code, "phone")["ok"]
        assert board.join(code, "board", workshop["key"])["ok"]
        assert phone.send("note.post", area="ideas", text=NOTE)["ok"]
        empty = phone.send("note.post", area="ideas", text="")
        assert empty["error"]["code"] == "invalid"
        export = staff.get(f"{base}/workshops/{workshop['id']}/export.md", timeout=120)
        assert export.status_code == 200
        assert NOTE in export.text
        request_id = export.headers["X-Request-Id"]

        found = samples(base)
        workshop_label = (("workshop", str(workshop["id"])),)
        assert found[("fabrique_sockets_connected", workshop_label)] == 2
        post = "note.post"
        assert found[("fabrique_socket_events_total", (("event", post), ("outcome", "ok")))] == 1
        refusals = (("event", post), ("outcome", "refused"))
        assert found[("fabrique_socket_events_total", refusals)] == 1
        assert found[("fabrique_acks_refused_total", (("reason", "invalid"),))] == 1
        assert found[("fabrique_socket_event_seconds_count", (("event", post),))] == 2
        assert found[("fabrique_socket_events_total", (("event", "join"), ("outcome", "ok")))] == 2
        made = (("kind", "md"), ("outcome", "made"))
        assert found[("fabrique_export_seconds_count", made)] == 1
        assert found[("fabrique_redis_publish_failures_total", ())] == 0
    finally:
        phone.close()
        board.close()
    server.stop()

    log = server.log_path.read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert all(set(line) >= {"time", "level", "logger", "request_id", "message"} for line in lines)
    loggers = {line["logger"] for line in lines}
    assert {"gunicorn.error", "gunicorn.access", "facilitation"} <= loggers, loggers
    # The export's access line carries the id its response gave.
    assert any(
        line["logger"] == "gunicorn.access" and line["request_id"] == request_id
        and "/export.md" in line["message"]
        for line in lines
    )  # fmt: skip
    assert any(line["message"].startswith("Export md of workshop") for line in lines)
    for secret in (NOTE, WRONG_PASSWORD, PASSWORD, workshop["key"], TOKEN, "Léa"):
        assert secret not in log
