"""Exports are made by a work process with caps, and kept: a second download of an
unchanged workshop is the file made the first time; a cap reached is a clear answer
(503, saying which cap), never a stalled or killed server."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

from facilitation.extensions import db
from facilitation.syntheses import worker
from facilitation.syntheses.jobs import exporter

from ..bulk import insert_notes
from ..conftest import csrf_token
from ..sockets import login


@pytest.fixture
def capped(make_app, facilitator):
    """A signed-in browser on an app with other export caps (same database)."""

    def browser(**caps):
        app = make_app(**caps)
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        with app.app_context():
            login(client, db.session.merge(facilitator))
        return app, client

    return browser


def test_a_second_download_of_an_unchanged_workshop_is_the_file_made_the_first_time(
    capped, workshop, screens, tmp_path
):
    _, browser = capped(EXPORT_CACHE_DIR=str(tmp_path))
    screens(workshop).send("note.post", area="ideas", text="Des vélos partagés")
    first = browser.get(f"/workshops/{workshop.id}/export.md")
    (made,) = tmp_path.iterdir()
    made.write_bytes(made.read_bytes() + b"\nkept\n")  # marked: only a cache read returns it
    second = browser.get(f"/workshops/{workshop.id}/export.md")
    assert second.get_data() == first.get_data() + b"\nkept\n"


def test_a_change_to_the_workshop_makes_a_new_export_in_place_of_the_old(
    capped, workshop, screens, tmp_path
):
    _, browser = capped(EXPORT_CACHE_DIR=str(tmp_path))
    phone = screens(workshop)
    phone.send("note.post", area="ideas", text="Des vélos partagés")
    browser.get(f"/workshops/{workshop.id}/export.md")
    phone.send("note.post", area="ideas", text="Un jardin partagé")
    second = browser.get(f"/workshops/{workshop.id}/export.md")
    assert "Un jardin partagé" in second.get_data(as_text=True)
    assert len(list(tmp_path.iterdir())) == 1


def test_an_export_past_its_time_is_stopped_with_a_clear_page(capped, workshop):
    _, client = capped(EXPORT_TIMEOUT_SECONDS=0.01)
    response = client.get(f"/workshops/{workshop.id}/export.pdf")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "took longer to prepare than the server allows" in response.get_data(as_text=True)


def test_an_export_bigger_than_allowed_is_refused_and_says_the_bound(capped, workshop):
    insert_notes(workshop.id, 20)
    _, client = capped(EXPORT_MAX_MB=0.001)
    response = client.get(
        f"/workshops/{workshop.id}/export.md", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert (error["code"], error["reason"]) == ("export_failed", "size")
    assert "0.001 MB" in error["message"]


def test_an_export_needing_more_memory_than_allowed_is_stopped(capped, workshop):
    insert_notes(workshop.id, 20)
    _, client = capped(EXPORT_MEMORY_MB=64)
    response = client.get(
        f"/workshops/{workshop.id}/export.md", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["reason"] == "memory"


def test_exports_beyond_the_queue_are_told_the_server_is_busy(capped, create_workshop):
    busy, quiet = create_workshop(), create_workshop()
    insert_notes(busy.id, 300)
    app, client = capped(EXPORT_WORKERS=1, EXPORT_QUEUE=0)
    with app.test_request_context():
        running = exporter().start(db.session.merge(busy), "pdf")
    response = client.get(
        f"/workshops/{quiet.id}/export.md", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["reason"] == "busy"
    running.done.wait(120)
    assert client.get(f"/workshops/{quiet.id}/export.md").status_code == 200


def test_the_server_keeps_serving_after_a_cap_is_reached(capped, workshop):
    app, client = capped(EXPORT_TIMEOUT_SECONDS=0.01)
    assert client.get(f"/workshops/{workshop.id}/export.odt").status_code == 503
    assert client.get("/healthz").status_code == 200
    fresh = app.test_client()
    assert fresh.get("/healthz").status_code == 200


def ask(browser, workshop, kind: str, token: str):
    """What the export links' script asks every second."""
    return browser.post(
        f"/workshops/{workshop.id}/exports/{kind}",
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )


def until_done(browser, workshop, kind: str, token: str):
    for _ in range(600):
        answer = ask(browser, workshop, kind, token)
        if answer.status_code != 200 or answer.get_json()["state"] != "preparing":
            return answer
        time.sleep(0.1)
    raise AssertionError("still preparing after a minute")


def test_the_export_links_ask_while_it_is_prepared_then_follow_its_address(staff, workshop):
    token = csrf_token(staff, "/workshops/")
    first = ask(staff, workshop, "odt", token)
    assert first.get_json()["state"] == "preparing"
    answer = until_done(staff, workshop, "odt", token)
    assert answer.get_json() == {
        "state": "ready",
        "url": f"/workshops/{workshop.id}/export.odt",
    }
    assert staff.get(answer.get_json()["url"]).get_data().startswith(b"PK")


def test_the_export_links_are_told_why_an_export_was_refused(capped, workshop):
    _, browser = capped(EXPORT_TIMEOUT_SECONDS=0.01)
    token = csrf_token(browser, "/workshops/")
    answer = until_done(browser, workshop, "pdf", token)
    assert answer.status_code == 503
    assert "took longer to prepare" in answer.get_json()["error"]["message"]


def test_the_memory_cap_striking_while_a_failure_is_judged_still_answers_memory(monkeypatch):
    """The child's last resort: when even judging its failure runs out of memory, it
    answers "memory" with the words it made before the cap, not nothing."""

    def fails(_app: Any, _job: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("a library's own report of a failed allocation")

    def no_memory_left(_caps: dict[str, Any]) -> bool:
        raise MemoryError

    monkeypatch.setitem(worker.TASKS, "export", fails)
    monkeypatch.setattr(worker, "near_memory_cap", no_memory_left)
    monkeypatch.setattr(worker, "limit", lambda caps: None)  # this test's process keeps its

    pid, readable = worker.child(None, {"task": "export", "caps": {}})
    with os.fdopen(readable, "rb") as answer:
        said = answer.read()
    _, status = os.waitpid(pid, 0)

    assert json.loads(said) == {"ok": False, "reason": "memory"}
    assert os.waitstatus_to_exitcode(status) == 0
