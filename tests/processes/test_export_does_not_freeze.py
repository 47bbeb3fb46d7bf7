"""An export never freezes the room: while the PDF synthesis of a 3,000-note workshop is
made, a real server process (gunicorn, one gevent worker, PostgreSQL, Redis) keeps
answering /healthz and keeps every socket, and every note a phone posts meanwhile reaches
the board. Before exports left the serving process, the worker stalled for minutes and
gunicorn killed it, dropping every socket.

Timings are for the benchmark (python -m benchmarks.exports); the only bound here is the
timeout of each /healthz request, far beyond anything a working loop takes."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..bulk import insert_notes
from ..clients import LiveClient, join_as_participant, sign_in
from ..conftest import PASSWORD

pytestmark = pytest.mark.processes

NOTES = 3000
HEALTHZ_TIMEOUT = 10  # seconds: the loop held by a render took minutes


@pytest.fixture
def big_brainstorm(shared_app) -> dict[str, Any]:
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    owner = accounts.create_user(email, "Dominique", PASSWORD)
    workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
    db.session.commit()
    insert_notes(workshop.id, NOTES)
    return {"code": workshop.code, "key": workshop.board_key, "id": workshop.id, "email": email}


class Watch:
    """Checks that run until the export is done: /healthz, and a phone posting notes."""

    def __init__(self, base: str, phone: LiveClient) -> None:
        self.base, self.phone = base, phone
        self.stop = threading.Event()
        self.health: list[str] = []  # "ok", or what went wrong
        self.acks: list[dict[str, Any]] = []

    def probe(self) -> None:
        while not self.stop.is_set():
            try:
                answer = requests.get(f"{self.base}/healthz", timeout=HEALTHZ_TIMEOUT)
                self.health.append("ok" if answer.ok else f"status {answer.status_code}")
            except requests.RequestException as error:
                self.health.append(type(error).__name__)
            time.sleep(0.25)

    def post(self) -> None:
        index = 0
        while not self.stop.is_set():
            self.acks.append(self.phone.send("note.post", area="ideas", text=f"Pendant {index}"))
            index += 1
            time.sleep(1)  # a participant writes 200 notes at most


def test_healthz_and_every_socket_keep_working_while_a_big_pdf_is_made(
    start_server, big_brainstorm
):
    server = start_server("exports")
    code, base = big_brainstorm["code"], server.url
    staff = sign_in(base, big_brainstorm["email"], PASSWORD)
    board = LiveClient(base).connect()
    phone = LiveClient(base, join_as_participant(base, code)).connect()
    dropped: list[str] = []
    board.sio.on("disconnect", lambda *_: dropped.append("board"))
    phone.sio.on("disconnect", lambda *_: dropped.append("phone"))
    try:
        assert board.join(code, "board", big_brainstorm["key"])["ok"]
        assert phone.join(code, "phone")["ok"]
        watch = Watch(base, phone)
        with ThreadPoolExecutor(2) as pool:
            checks = [pool.submit(watch.probe), pool.submit(watch.post)]
            url = f"{base}/workshops/{big_brainstorm['id']}/export.pdf"
            pdf = staff.get(url, timeout=600)
            watch.stop.set()
            for check in checks:
                check.result()
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")
        assert watch.health
        assert set(watch.health) == {"ok"}, watch.health
        assert all(ack["ok"] for ack in watch.acks), watch.acks
        posted = {ack["data"]["note"]["id"] for ack in watch.acks}
        assert board.wait_for(lambda client: posted <= set(client.state.notes), timeout=10)
        assert not dropped
    finally:
        board.close()
        phone.close()
