"""Staff sessions end across processes: the live channel reads the account on every event."""

from __future__ import annotations

import pytest

from facilitation.accounts.models import User
from facilitation.extensions import db
from facilitation.workshops.models import Workshop

from ..clients import LiveClient, csrf_token, sign_in
from ..conftest import PASSWORD

pytestmark = pytest.mark.processes


def test_signing_out_through_one_process_stops_a_control_socket_on_another(
    start_server, live_workshop
):
    process_a, process_b = start_server("a"), start_server("b")
    owner = db.session.get(User, db.session.get(Workshop, live_workshop["id"]).created_by_id)
    browser = sign_in(process_a.url, owner.email, PASSWORD)
    control = LiveClient(process_b.url, browser).connect()
    try:
        assert control.join(live_workshop["code"], "control")["ok"]
        assert control.send("phase.move", index=1)["ok"]
        token = csrf_token(browser, f"{process_a.url}/")
        browser.post(f"{process_a.url}/logout", data={"csrf_token": token}, timeout=10)
        ack = control.send("phase.move", index=2)
        assert ack["ok"] is False, ack
        assert ack["error"]["code"] == "not_authenticated"
    finally:
        control.close()
    db.session.rollback()
    assert db.session.get(Workshop, live_workshop["id"]).phase_index == 1
