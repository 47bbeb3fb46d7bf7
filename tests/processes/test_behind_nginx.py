"""The shipped nginx site, in front of two app processes on PostgreSQL and Redis, as
deployed: the site passes ``nginx -t``; phones and boards meet through it, over WebSocket
or long-polling; static files come from the installed package; and the app counts each
client by its own address, so that a client locked out does not lock out another."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from requests.adapters import HTTPAdapter

from facilitation.shipped import shipped

from ..clients import FAST_TEXT, LiveClient, csrf_token
from ..nginx import Nginx
from ..servers import ServerProcess

pytestmark = pytest.mark.processes

# nginx's ip_hash sends a client by the first three bytes of its IPv4 address: clients
# from 127.0.0.x reach the first process listed, clients from 127.0.1.x the second
# (the hash of 127.0.0 is even, that of 127.0.1 odd). The test checks it in the logs.
FIRST_PROCESS, SECOND_PROCESS = "127.0.0.1", "127.0.1.1"
# Low enough to reach in a test (the shipped default is 4000).
CONNECTIONS_PER_ADDRESS = 4
# Two clients of the sign-in page, in different networks.
LOCKED_OUT, NEIGHBOUR = "127.0.2.1", "127.0.3.1"


class FromAddress(HTTPAdapter):
    """Requests leaving from a given loopback address, as from different clients."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def browser(nginx: Nginx, address: str = FIRST_PROCESS) -> requests.Session:
    http = requests.Session()
    http.trust_env = False  # the certificate to trust is the test's own, whatever the machine says
    http.verify = str(nginx.certificate)
    # Over HTTPS a form is accepted only from a page of the site itself, as browsers say.
    http.headers["Referer"] = f"{nginx.url}/"
    http.mount("https://", FromAddress(address))
    return http


class ProxiedClient(LiveClient):
    """A screen whose live channel goes through the browser's HTTP session (its source
    address and certificate check), over the transports it is given."""

    def __init__(self, base: str, http: requests.Session, transports: list[str]) -> None:
        super().__init__(base, http)
        self.transports = transports
        self.sio = socketio.Client(
            reconnection=False, http_session=http, websocket_extra_options=FAST_TEXT
        )
        self.sio.on("events", self._on_events)
        self.sio.on("heartbeat", self._on_heartbeat)

    def connect(self) -> ProxiedClient:
        self.sio.connect(self.base, transports=self.transports)
        return self


@pytest.fixture(scope="module")
def deployment(
    shared_postgres: str, channel: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """nginx on loopback in front of two app processes (PROXY_COUNT=1), started once."""
    logs = tmp_path_factory.mktemp("behind-nginx")
    env = {
        "DATABASE_URL": shared_postgres.replace("+psycopg", ""),
        "REDIS_URL": _redis(),
        "SECRET_KEY": "processes-secret-key-long-enough-to-pass",
        "SOCKETIO_CHANNEL": f"{channel}-nginx",
        "PROXY_COUNT": "1",
        "ACCESS_LOG": "-",
        "LOG_LEVEL": "info",
        "HEARTBEAT_SECONDS": "1",
        "METRICS_TOKEN": "metrics-token-for-the-scraper-0123456789",
    }
    servers = [ServerProcess(env, logs, name) for name in ("first", "second")]
    nginx = None
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready(30)
        upstreams = [f"127.0.0.1:{server.port}" for server in servers]
        nginx = Nginx(logs, upstreams, CONNECTIONS_PER_ADDRESS).start()
        yield {"nginx": nginx, "servers": servers}
    finally:
        if nginx:
            nginx.stop()
        for server in servers:
            server.stop()


def _redis() -> str:
    from ..services import redis_url

    return redis_url()


def test_the_shipped_site_passes_nginx_t(tmp_path: Path) -> None:
    nginx = Nginx(tmp_path, ["127.0.0.1:5001", "127.0.0.1:5002"])
    checked = nginx.check()
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr


def test_a_phone_and_a_board_meet_through_nginx_over_websocket_and_long_polling(
    deployment: dict[str, Any], live_workshop: dict[str, Any]
) -> None:
    nginx: Nginx = deployment["nginx"]
    first, second = deployment["servers"]
    code, key = live_workshop["code"], live_workshop["key"]
    phone_http = browser(nginx, FIRST_PROCESS)
    token = csrf_token(phone_http, f"{nginx.url}/j/{code}")
    joined = phone_http.post(
        f"{nginx.url}/j/{code}", data={"csrf_token": token, "nickname": "Léa"}, timeout=10
    )
    assert joined.status_code == 200
    phone = ProxiedClient(nginx.url, phone_http, ["websocket"]).connect()
    board = ProxiedClient(nginx.url, browser(nginx, SECOND_PROCESS), ["polling"]).connect()
    try:
        assert phone.sio.transport() == "websocket"
        assert board.sio.transport() == "polling"
        assert phone.join(code, "phone")["ok"]
        assert board.join(code, "board", key)["ok"]
        ack = phone.send("note.post", area="ideas", text="Par le proxy")
        assert ack["ok"], ack
        assert board.wait_for(lambda c: any(e["seq"] == ack["seq"] for e in c.events))
        event = next(e for e in board.events if e["seq"] == ack["seq"])
        assert event["type"] == "note.posted"
        assert event["data"]["text"] == "Par le proxy"
    finally:
        phone.close()
        board.close()
    # The phone's pages were served by one process, the board's long-polling by the
    # other: the note crossed processes through Redis, and nginx kept each client on one.
    assert logged(first, '"POST /j/')
    assert logged(second, '"POST /socket.io/"')
    assert '"POST /j/' not in second.log_path.read_text()
    assert '"POST /socket.io/"' not in first.log_path.read_text()


def test_static_files_come_from_the_installed_package_through_nginx(
    deployment: dict[str, Any],
) -> None:
    nginx: Nginx = deployment["nginx"]
    response = browser(nginx).get(f"{nginx.url}/static/js/live.js", timeout=10)
    assert response.status_code == 200
    assert response.content == (shipped("static") / "js" / "live.js").read_bytes()
    assert response.headers["Content-Type"] == "application/javascript"  # modules need it
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" not in response.headers  # the app never saw it
    page = browser(nginx).get(f"{nginx.url}/", timeout=10)
    assert page.status_code == 200
    assert "Content-Security-Policy" in page.headers


def test_metrics_stay_private_and_requests_carry_nginx_s_id(deployment: dict[str, Any]) -> None:
    nginx: Nginx = deployment["nginx"]
    token = {"Authorization": "Bearer metrics-token-for-the-scraper-0123456789"}
    assert browser(nginx).get(f"{nginx.url}/metrics", headers=token, timeout=10).status_code == 404
    first = deployment["servers"][0]
    assert requests.get(f"{first.url}/metrics", headers=token, timeout=10).status_code == 200
    page = browser(nginx).get(f"{nginx.url}/healthz", timeout=10)
    assert re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-Id"])  # nginx's $request_id
    assert logged(first, page.headers["X-Request-Id"])


def test_nginx_logs_no_secret_link_and_no_query_string(deployment: dict[str, Any]) -> None:
    nginx: Nginx = deployment["nginx"]
    http = browser(nginx)
    http.get(f"{nginx.url}/password-reset/reset-token-secret", timeout=10)
    http.get(f"{nginx.url}/b/board-key-secret", timeout=10)
    http.get(f"{nginx.url}/healthz?sid=session-in-query", timeout=10)
    deadline = time.monotonic() + 10
    while "/healthz" not in nginx.access_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = nginx.access_log()
    assert '"GET /password-reset/..." 400' in log
    assert '"GET /b/..." 404' in log
    assert '"GET /healthz" 200' in log
    for secret in ("reset-token-secret", "board-key-secret", "session-in-query"):
        assert secret not in log


def logged(server: ServerProcess, text: str) -> bool:
    """Whether the process logs ``text`` (gunicorn writes an access line once the
    response has left)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if text in server.log_path.read_text():
            return True
        time.sleep(0.05)
    return False


def test_one_address_holds_so_many_connections_and_another_still_gets_in(
    deployment: dict[str, Any],
) -> None:
    nginx: Nginx = deployment["nginx"]
    held = []
    try:
        for _ in range(CONNECTIONS_PER_ADDRESS):  # WebSockets from 127.0.0.1, each held open
            held.append(ProxiedClient(nginx.url, browser(nginx), ["websocket"]).connect())
        with pytest.raises(socketio.exceptions.ConnectionError):
            ProxiedClient(nginx.url, browser(nginx), ["websocket"]).connect()
        neighbour = ProxiedClient(nginx.url, browser(nginx, NEIGHBOUR), ["polling"]).connect()
        assert neighbour.sio.connected
        neighbour.close()
    finally:
        for client in held:
            client.close()
        _until_let_in_again(nginx)
    assert "limiting connections by zone" in nginx.errors()


def _until_let_in_again(nginx: Nginx) -> None:
    """nginx counts a closed WebSocket until its end of the connection is closed too: the
    next test from this address waits until a socket gets in again (10 s at most)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            ProxiedClient(nginx.url, browser(nginx), ["websocket"]).connect().close()
            return
        except socketio.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_plain_http_is_sent_to_https(deployment: dict[str, Any]) -> None:
    nginx: Nginx = deployment["nginx"]
    response = requests.get(
        f"http://127.0.0.1:{nginx.http_port}/j/ABC123", allow_redirects=False, timeout=10
    )
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/j/ABC123"  # port 443


def wrong_sign_in(http: requests.Session, base: str, **headers: str) -> int:
    token = csrf_token(http, f"{base}/login")
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    response = http.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": "not the password"},
        headers=headers,
        timeout=10,
    )
    return response.status_code


def test_ten_wrong_sign_ins_lock_out_their_address_only(deployment: dict[str, Any]) -> None:
    """Behind nginx every connection comes from 127.0.0.1: without PROXY_COUNT the app
    would count every client as one, and one guesser would lock out every staff member."""
    nginx: Nginx = deployment["nginx"]
    guesser = browser(nginx, LOCKED_OUT)
    assert [wrong_sign_in(guesser, nginx.url) for _ in range(10)] == [401] * 10
    assert wrong_sign_in(guesser, nginx.url) == 429
    # Claiming another address does not help: nginx appends the one it sees.
    assert wrong_sign_in(guesser, nginx.url, **{"X-Forwarded-For": NEIGHBOUR}) == 429
    neighbour = browser(nginx, NEIGHBOUR)
    assert wrong_sign_in(neighbour, nginx.url) == 401


def test_while_one_process_restarts_nginx_serves_the_room_from_the_other(
    deployment: dict[str, Any], live_workshop: dict[str, Any]
) -> None:
    """The upgrade's rolling restart (docs/deploy.md): the phones of a stopped process
    reconnect through nginx to the other one, and the room goes on. Last in this file: it
    restarts the first process."""
    nginx: Nginx = deployment["nginx"]
    first, _ = deployment["servers"]
    code, key = live_workshop["code"], live_workshop["key"]
    phone_http = browser(nginx, FIRST_PROCESS)
    token = csrf_token(phone_http, f"{nginx.url}/j/{code}")
    phone_http.post(f"{nginx.url}/j/{code}", data={"csrf_token": token, "nickname": "Noé"})
    board = ProxiedClient(nginx.url, browser(nginx, SECOND_PROCESS), ["polling"]).connect()
    phone = None
    try:
        assert board.join(code, "board", key)["ok"]
        first.stop()
        phone = ProxiedClient(nginx.url, phone_http, ["websocket"]).connect()
        assert phone.join(code, "phone")["ok"]
        ack = phone.send("note.post", area="ideas", text="Pendant le redémarrage")
        assert ack["ok"], ack
        assert board.wait_for(lambda c: any(e["seq"] == ack["seq"] for e in c.events))
        assert board.sio.connected
    finally:
        if phone:
            phone.close()
        board.close()
        first.start()
    assert browser(nginx).get(f"{nginx.url}/healthz", timeout=10).status_code == 200
