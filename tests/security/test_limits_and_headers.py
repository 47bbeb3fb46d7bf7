"""Limits and protections around the edges: join codes, rate limits on guessing and on the
live channel, the socket's size and origin checks, security headers and cookies, form
tokens, the production configuration, and what never reaches a log."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import socketio as socketio_client
import websocket
from sqlalchemy import insert

from facilitation import config as configuration
from facilitation.accounts import services as accounts
from facilitation.accounts.models import Role, User
from facilitation.extensions import db, socketio
from facilitation.notes import services as notes
from facilitation.notes.models import Note
from facilitation.participants import services as participants
from facilitation.realtime.models import Event
from facilitation.realtime.protocol import EventType
from facilitation.workshops import codes

from .. import conftest as suite
from ..conftest import PASSWORD
from ..servers import ServerProcess
from ..sockets import Screen, login
from .conftest import csrf_of, error_of, fingerprint, socket_for, unchanged

SECRET_KEY = suite.test_config("", "")["SECRET_KEY"]
LONG_ENOUGH = "k" * 48


# --- Join codes -------------------------------------------------------------------------------


def test_join_codes_are_eight_characters_of_the_unambiguous_alphabet():
    drawn = [codes.new_code() for _ in range(500)]
    assert {len(code) for code in drawn} == {8}
    assert set("".join(drawn)) <= set(codes.CODE_ALPHABET)
    assert not set("0O1IL") & set(codes.CODE_ALPHABET)


def test_join_codes_are_drawn_with_the_secrets_module(monkeypatch):
    monkeypatch.setattr(secrets, "choice", lambda alphabet: alphabet[-1])
    assert codes.new_code() == codes.CODE_ALPHABET[-1] * 8
    assert codes.secrets is secrets
    assert "random" not in vars(codes)  # the predictable generator is not even imported


def test_an_ended_workshops_code_gets_the_same_page_as_an_unknown_one(client, create_workshop):
    ended = create_workshop(status="ended")
    pages = [client.get(f"/j/{code}") for code in (ended.code, "ZZZZZZZZ")]
    assert [page.status_code for page in pages] == [404, 404]
    assert pages[0].get_data(as_text=True) == pages[1].get_data(as_text=True)


def test_a_typed_code_wrong_or_unknown_gets_the_same_page(client, post_form):
    typed = [post_form("/join", {"code": code}, page="/") for code in ("ZZZZ-ZZZZ", "#!%", "")]
    assert {page.status_code for page in typed} == {404}
    assert len({page.get_data(as_text=True) for page in typed}) == 1


def test_the_phone_page_of_a_wrong_or_unknown_code_is_the_same_page(client):
    pages = [client.get(f"/p/{code}") for code in ("ZZZZZZZZ", "<b>", "ABCDEFGHJ")]
    assert {page.status_code for page in pages} == {404}
    assert len({page.get_data(as_text=True) for page in pages}) == 1


# --- Rate limits on the live channel ----------------------------------------------------------


@pytest.fixture
def limited(make_app, workshop) -> Iterator[Callable[..., Screen]]:
    """Screens on an app allowing 5 commands and 3 joins a minute per participant (per
    socket before an identity is known). A minute, not a second: on a busy machine the
    first commands could leave a one-second window before the test sends the last."""
    app = make_app(SOCKET_COMMAND_LIMITS="5/minute", SOCKET_QUERY_LIMITS="3/minute")
    opened: list[Screen] = []

    def open_screen(identity: bool = True, **kwargs) -> Screen:
        if identity:
            screen = Screen.open(app, socketio, workshop, **kwargs)
        else:
            screen = Screen(socket_for(app), app.test_client(), workshop, "phone")
        opened.append(screen)
        return screen

    yield open_screen
    for screen in opened:
        screen.close()


def post_many(phone: Screen, count: int) -> list[str | None]:
    return [error_of(phone.send("note.post", area="ideas", text=f"n{i}")) for i in range(count)]


def test_two_phones_on_one_address_are_limited_separately(limited):
    first, second = limited(), limited()  # test clients share 127.0.0.1
    assert post_many(first, 6)[-1] == "rate_limited"
    assert post_many(second, 5) == [None] * 5


def test_a_participants_second_socket_shares_its_budget(limited):
    first = limited()
    second = limited(participant=first.participant)
    assert post_many(first, 5) == [None] * 5
    with unchanged():
        assert post_many(second, 1) == ["rate_limited"]


def test_a_participants_malformed_commands_count_against_its_budget(limited):
    """A participant's notes are counted with the others carried out beside them, in
    their turn; those refused before it (malformed) are counted as they are refused."""
    phone = limited()
    malformed = [error_of(phone.send("note.post", area="ideas", text="")) for _ in range(5)]
    assert malformed == ["invalid"] * 5
    with unchanged():
        assert post_many(phone, 1) == ["rate_limited"]


def test_joins_without_an_identity_are_limited_per_socket(limited):
    stranger = limited(identity=False)  # no cookie: every join is refused, and counted
    answers = [error_of(stranger.join()) for _ in range(4)]
    assert answers == ["not_authenticated"] * 3 + ["rate_limited"]


def test_the_socket_message_size_limit_is_64_kib(app):
    assert socketio.server.eio.max_http_buffer_size == 64 * 1024


# --- A real server: origin, message size, access log ------------------------------------------


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory) -> Iterator[ServerProcess]:
    """One gunicorn process on the test database, writing its access log."""
    process = ServerProcess(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "REDIS_URL": "",
            "ACCESS_LOG": "-",
            "LOG_LEVEL": "info",
        },
        tmp_path_factory.mktemp("server"),
        "security",
    )
    process.start()
    yield process
    process.stop()


def close(client: socketio_client.Client) -> None:
    """Disconnect, and close what the server may have dropped (no socket left to the GC)."""
    if client.connected:
        client.disconnect()
    if client.eio.ws is not None:
        client.eio.ws.shutdown()  # close() skips a websocket the server already closed
    if client.eio.http is not None:
        client.eio.http.close()


def test_a_socket_from_a_foreign_origin_is_refused_over_polling(server):
    client = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        client.connect(
            server.url, headers={"Origin": "https://evil.example"}, transports=["polling"]
        )
    assert not client.connected
    close(client)


def test_a_socket_from_the_sites_own_origin_is_accepted_over_polling(server):
    client = socketio_client.Client(reconnection=False)
    client.connect(server.url, headers={"Origin": server.url}, transports=["polling"])
    try:
        assert client.connected
    finally:
        close(client)


def websocket_handshake(server: ServerProcess, origin: str) -> websocket.WebSocket:
    url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
    return websocket.create_connection(url, origin=origin, timeout=5)


def test_a_websocket_from_a_foreign_origin_is_refused(server):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket_handshake(server, "https://evil.example")
    assert refused.value.status_code == 400


def test_a_websocket_from_the_sites_own_origin_is_accepted(server):
    connection = websocket_handshake(server, server.url)
    try:
        assert connection.recv().startswith("0{")  # the Engine.IO open packet
    finally:
        connection.close()


@pytest.fixture
def live_phone(server, workshop) -> Iterator[socketio_client.Client]:
    """A phone of the default workshop, joined over a real websocket."""
    participant = participants.join(workshop, "Léa")
    db.session.commit()
    cookie = f"{participants.cookie_name(workshop.id)}={participants.identity_token(participant)}"
    client = socketio_client.Client(reconnection=False)
    client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"])
    assert client.call("join", {"code": workshop.code, "role": "phone"}, timeout=10)["ok"]
    yield client
    close(client)


def note(text: str) -> dict[str, str]:
    return {"command_id": f"size-{len(text)}-x", "area": "ideas", "text": text}


def test_a_message_under_64_kib_is_read_and_answered(live_phone):
    ack = live_phone.call("note.post", note("x" * 60_000), timeout=10)
    assert error_of(ack) == "invalid"
    assert live_phone.connected


def test_a_message_over_64_kib_closes_the_connection_and_changes_nothing(live_phone):
    before = fingerprint()
    with pytest.raises(socketio_client.exceptions.TimeoutError):
        live_phone.call("note.post", note("x" * 70_000), timeout=3)
    deadline = time.monotonic() + 5
    while live_phone.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not live_phone.connected
    assert fingerprint() == before


def logged_between(server: ServerProcess, first: str, last: str) -> str:
    """The access log from the request for ``first`` to the one for ``last``."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = server.log_path.read_text(errors="replace")
        if last in text:
            return text[text.index(first) : text.index(last)]
        time.sleep(0.1)
    raise AssertionError(f"{last} never reached the log")


def test_the_access_log_masks_secret_links_and_drops_query_strings(server, workshop):
    first, last = f"/marker-{workshop.code}-first", f"/marker-{workshop.code}-last"
    requests.get(f"{server.url}{first}", timeout=5)
    requests.get(f"{server.url}/b/{workshop.board_key}?token=query-secret", timeout=5)
    requests.get(f"{server.url}/healthz?sid=session-in-query", timeout=5)
    requests.get(f"{server.url}/password-reset/reset-token-secret", timeout=5)
    requests.get(f"{server.url}{last}", timeout=5)
    log = logged_between(server, first, last)
    assert '"GET /b/…" 200' in log
    assert '"GET /password-reset/…" 400' in log
    assert "reset-token-secret" not in log
    assert '"GET /healthz" 200' in log
    assert workshop.board_key not in log
    assert "query-secret" not in log
    assert "session-in-query" not in log


# --- Security headers -------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, facilitator):
    login(client, facilitator)
    return client


def pages(workshop) -> list[str]:
    return [
        "/",
        "/login",
        f"/j/{workshop.code}",
        f"/b/{workshop.board_key}",
        f"/workshops/{workshop.id}/control",
        f"/workshops/{workshop.id}/board",
        "/dashboard",
        "/coalitions/",
        "/api/docs",
        "/not-a-page",
    ]


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_html_pages_forbid_inline_and_foreign_scripts(signed_in, workshop):
    for path in pages(workshop):
        policy = directives(signed_in.get(path).headers["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path


def test_html_pages_carry_no_inline_script_the_policy_would_block(signed_in, workshop):
    executable = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>")
    for path in pages(workshop):
        assert not executable.search(signed_in.get(path).get_data(as_text=True)), path


def test_html_pages_cannot_be_framed_or_sniffed(signed_in, workshop):
    for path in pages(workshop):
        headers = signed_in.get(path).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path


def test_api_answers_carry_the_same_headers(signed_in, client, workshop):
    for response in (
        signed_in.get("/api/workshops/"),
        signed_in.get(f"/api/workshops/{workshop.id}/notes/"),
        client.get("/api/openapi.json"),
    ):
        assert directives(response.headers["Content-Security-Policy"])["script-src"] == ["'self'"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_synthesis_opened_in_the_browser_still_runs_no_script(signed_in, workshop):
    response = signed_in.get(f"/workshops/{workshop.id}/export.html")
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- Cookies and the production configuration -------------------------------------------------


@pytest.fixture
def production(monkeypatch, make_app):
    """An app configured from a production environment (FABRIQUE_ENV=production)."""
    monkeypatch.setenv("FABRIQUE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_ENOUGH)
    app = make_app()
    with app.app_context():
        yield app


def cookie_attributes(response, name: str) -> set[str]:
    """The attributes of the cookie set by a response: {"httponly", "samesite=lax", ...}."""
    for header in response.headers.getlist("Set-Cookie"):
        cookie, *attributes = (part.strip().lower().replace(" ", "") for part in header.split(";"))
        if cookie.startswith(f"{name.lower()}="):
            return set(attributes)
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def sign_in(app, user) -> object:
    http = app.test_client()
    token = csrf_of(http, "/login")
    return http.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )


def test_the_session_cookie_is_http_only_and_same_site(app, facilitator):
    response = sign_in(app, facilitator)
    assert {"httponly", "samesite=lax"} <= cookie_attributes(response, "session")


def test_the_session_cookie_is_secure_in_production(production, create_user):
    response = sign_in(production, create_user(Role.FACILITATOR))
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(response, "session")


def test_the_remember_me_cookie_is_as_protected_as_the_session_in_production(
    production, create_user
):
    response = sign_in(production, create_user(Role.FACILITATOR))
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(response, "remember_token")


def test_the_production_configuration_asks_for_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("FABRIQUE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", LONG_ENOUGH)
    settings = configuration.from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_participant_cookie_is_secure_over_https(app, workshop):
    http, page = app.test_client(), f"https://localhost/j/{workshop.code}"
    token = csrf_of(http, page)
    form = {"csrf_token": token, "nickname": "Léa"}
    response = http.post(page, data=form, headers={"Referer": page})
    attributes = cookie_attributes(response, participants.cookie_name(workshop.id))
    assert {"secure", "httponly", "samesite=lax"} <= attributes


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("FABRIQUE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(configuration.ConfigError):
        configuration.from_environment(tmp_path)
    assert not (tmp_path / configuration.SECRET_FILE_NAME).exists()


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("FABRIQUE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 31)
    with pytest.raises(configuration.ConfigError):
        configuration.from_environment(tmp_path)


def test_a_generated_development_key_is_readable_by_its_owner_only(monkeypatch, tmp_path):
    monkeypatch.delenv("FABRIQUE_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = configuration.from_environment(tmp_path)["SECRET_KEY"]
    path = tmp_path / configuration.SECRET_FILE_NAME
    assert len(key) >= 32
    assert path.stat().st_mode & 0o777 == 0o600


def test_processes_starting_together_share_the_key_the_first_one_made(monkeypatch, tmp_path):
    """Two processes (two test workers, two app processes) start on an instance folder
    without a key: the one that finds the key made meanwhile takes it, never fails."""
    monkeypatch.delenv("FABRIQUE_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / configuration.SECRET_FILE_NAME
    made_first = "k" * 64
    real_exists = Path.exists

    def not_yet(self: Path) -> bool:  # it looked just before the other process wrote it
        if self == path and not real_exists(self):
            self.write_text(made_first)
            return False
        return real_exists(self)

    monkeypatch.setattr(Path, "exists", not_yet)
    assert configuration.from_environment(tmp_path)["SECRET_KEY"] == made_first


# --- Form tokens ------------------------------------------------------------------------------


NEW_PASSWORD = "another long password"
FORM_POSTS = {
    "/login": lambda w, u: "/login",
    "/logout": lambda w, u: "/logout",
    "/account/password": lambda w, u: "/account/password",
    "/join": lambda w, u: "/join",
    "/j/<code>": lambda w, u: f"/j/{w.code}",
    "/workshops/": lambda w, u: "/workshops/",
    "/workshops/import": lambda w, u: "/workshops/import",
    "/workshops/<id:workshop_id>/exports/<string:kind>": (
        lambda w, u: f"/workshops/{w.id}/exports/pdf"
    ),
    "/workshops/<id:workshop_id>/publication": lambda w, u: f"/workshops/{w.id}/publication",
    "/workshops/<id:workshop_id>/synthesis-texts": (
        lambda w, u: f"/workshops/{w.id}/synthesis-texts"
    ),
    "/accounts/": lambda w, u: "/accounts/",
    "/accounts/<id:user_id>/active": lambda w, u: f"/accounts/{u.id}/active",
    "/coalitions/new": lambda w, u: "/coalitions/new",
    "/coalitions/<id:coalition_id>/edit": lambda w, u: "/coalitions/1/edit",
    "/coalitions/<id:coalition_id>/pledge": lambda w, u: "/coalitions/1/pledge",
    "/coalitions/<id:coalition_id>/qualities": lambda w, u: "/coalitions/1/qualities",
    "/password-reset": lambda w, u: "/password-reset",
    "/password-reset/<token>": lambda w, u: f"/password-reset/{_reset_token(u)}",
    "/workshops/<id:workshop_id>/delete": lambda w, u: f"/workshops/{w.id}/delete",
    "/workshops/<id:workshop_id>/synthesis-mail": (
        lambda w, u: f"/workshops/{w.id}/synthesis-mail"
    ),
    "/coalitions/members/<id:member_id>/forget": lambda w, u: "/coalitions/members/1/forget",
}


def _reset_token(user: User) -> str:
    """A valid link's token: only the missing form token refuses the form."""
    found = accounts.reset_link_token(user.email)
    assert found
    return found[1]


def test_every_html_form_is_in_the_token_check(app):
    posts = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert posts == set(FORM_POSTS)


@pytest.mark.parametrize("rule", sorted(FORM_POSTS))
def test_a_form_posted_without_its_token_is_refused(client, create_user, workshop, rule):
    admin = create_user(Role.ADMIN)
    login(client, admin)
    form = {"code": workshop.code, "nickname": "x", "format": "brainstorm", "title": "Titre",
            "language": "fr", "email": admin.email, "password": PASSWORD, "name": "Léa",
            "role": "facilitator", "active": "0", "current_password": PASSWORD,
            "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}  # fmt: skip
    with unchanged():
        response = client.post(FORM_POSTS[rule](workshop, admin), data=form)
    assert response.status_code == 400


def test_the_api_takes_no_form_encoded_body(signed_in, workshop):
    for content in ({"data": {"title": "Forgée"}}, {"data": '{"title": "Forgée"}'}):
        with unchanged():
            response = signed_in.post("/api/coalitions/", content_type=None, **content)
        assert response.status_code == 422


def test_the_api_takes_no_text_plain_body(signed_in, workshop):
    with unchanged():
        response = signed_in.post(
            "/api/coalitions/", data='{"title": "Forgée"}', content_type="text/plain"
        )
    assert response.status_code == 422


# --- Logs -------------------------------------------------------------------------------------


SECRET_NOTE = "Mon voisin s'appelle Dominique Martin, 06 12 34 56 78"


@pytest.fixture
def hidden_parameters(make_app, database_url):
    """The app with the production engine options (hide_parameters)."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS=configuration.engine_options(database_url))
    with app.app_context():
        yield app


def secrets_of(workshop, participant) -> list[str]:
    return [SECRET_NOTE, workshop.board_key, participants.identity_token(participant), SECRET_KEY]


def test_posting_notes_logs_neither_their_text_nor_tokens(logs, hidden_parameters, workshop):
    logs.clear()  # what the fixtures logged setting the scene is not the app's doing
    phone = Screen.open(hidden_parameters, socketio, workshop)
    try:
        assert phone.send("note.post", area="ideas", text=SECRET_NOTE)["ok"]
        assert error_of(phone.send("note.post", area="nowhere", text=SECRET_NOTE)) == "invalid"
        assert error_of(phone.send("note.post", area="ideas", text=SECRET_NOTE * 9)) == "invalid"
    finally:
        phone.close()
    assert "INSERT INTO notes" in logs.text  # the log was live: the SQL is there...
    for secret in secrets_of(workshop, phone.participant):
        assert secret not in logs.text  # ...without what was typed


def test_a_database_error_while_posting_logs_no_text(
    logs, monkeypatch, hidden_parameters, workshop
):
    def conflicting_post(actor, workshop_, area, text, color):
        note = real_post(actor, workshop_, area, text, color)
        row = {"workshop_id": workshop_.id, "seq": note.seq, "type": EventType.NOTE_POSTED.value,
               "audience": "all", "data": {"text": text}}  # fmt: skip
        db.session.execute(insert(Event).values(**row))  # the same seq again: refused
        return note

    real_post = notes.post_note
    monkeypatch.setattr(notes, "post_note", conflicting_post)
    logs.clear()  # what the fixtures logged setting the scene is not the app's doing
    phone = Screen.open(hidden_parameters, socketio, workshop)
    try:
        with unchanged():
            ack = phone.send("note.post", area="ideas", text=SECRET_NOTE)
    finally:
        phone.close()
    assert error_of(ack) == "server_error", ack
    assert "IntegrityError" in logs.text  # the failure is logged...
    for secret in secrets_of(workshop, phone.participant):
        assert secret not in logs.text  # ...without what was typed


def test_a_rejected_row_is_not_copied_into_the_log(logs, monkeypatch, hidden_parameters, workshop):
    def incomplete_post(actor, workshop_, area, text, color):
        db.session.execute(insert(Note).values(workshop_id=workshop_.id, area=None, text=text))

    monkeypatch.setattr(notes, "post_note", incomplete_post)
    logs.clear()
    phone = Screen.open(hidden_parameters, socketio, workshop)
    try:
        with unchanged():
            ack = phone.send("note.post", area="ideas", text=SECRET_NOTE)
    finally:
        phone.close()
    assert error_of(ack) == "server_error"
    assert "IntegrityError" in logs.text
    assert SECRET_NOTE not in logs.text


def test_the_production_engine_hides_sql_parameters(database_url):
    assert configuration.engine_options(database_url)["hide_parameters"] is True
    assert configuration.engine_options("sqlite:///x.sqlite3")["hide_parameters"] is True
