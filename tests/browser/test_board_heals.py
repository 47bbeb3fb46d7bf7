"""A board that misses a published event catches up by itself, without reconnecting.

The test process writes a note straight into the server's database with the app's own
services. The event is logged with the next sequence number, but this process has no
connected screens, so it is never pushed to the board: exactly a dropped message. The
heartbeat carries the head sequence number; the board sees it is behind and asks for what
it missed (`sync`) on the connection it already has.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import BrowserContext, Request, WebSocket, expect

from facilitation.accounts.services import find_by_email
from facilitation.auth import Actor, ActorKind
from facilitation.database import unit_of_work
from facilitation.notes.services import post_note
from facilitation.workshops.services import get_workshop

from .conftest import Live, Workshop, board_note, server_app

pytestmark = pytest.mark.browser

MISSED = "Écrit pendant la coupure, réf. QZ-4821-WK"
# ASCII, as the note shows in the raw Socket.IO frames; long enough that no clock reading,
# sequence number or token in another frame ever carries it (a bare "4821" once did).
MARKER = "QZ-4821-WK"


def test_a_board_catches_up_on_a_dropped_event_within_ten_seconds_on_the_same_connection(
    live: Live,
    run_workshop: Callable[..., Workshop],
    new_context: Callable[..., BrowserContext],
    facilitator_email: str,
) -> None:
    workshop = run_workshop()
    workshop.next_phase("Révélation")

    # The projector's own browser, opened with the board link; its traffic recorded.
    link = workshop.control.locator(".links details input.copy").input_value()
    board = new_context("desktop").new_page()
    sockets: list[WebSocket] = []
    handshakes: list[str] = []  # Engine.IO sessions opened (a request without a sid)
    received: list[str] = []
    sent: list[str] = []

    def on_socket(socket: WebSocket) -> None:
        sockets.append(socket)
        socket.on("framereceived", lambda payload: received.append(str(payload)))
        socket.on("framesent", lambda payload: sent.append(str(payload)))

    def on_request(request: Request) -> None:
        if urlparse(request.url).path == "/socket.io/" and "sid" not in parse_qs(
            urlparse(request.url).query
        ):
            handshakes.append(request.url)

    board.on("websocket", on_socket)
    board.on("request", on_request)
    with board.expect_websocket() as opened:
        board.goto(link)
    socket = opened.value
    sid = parse_qs(urlparse(socket.url).query)["sid"]
    expect(board.locator("#board-phase")).to_have_text("Révélation")
    expect(board.locator("#board-connection")).to_have_attribute("data-status", "online")
    expect(board.locator(".board-empty")).to_have_count(1)  # no notes yet

    # The dropped message: stored and logged by another process, published to nobody.
    with server_app(live), unit_of_work(workshop.id):
        user = find_by_email(facilitator_email)
        assert user is not None
        actor = Actor(ActorKind.FACILITATOR, workshop.id, user_id=user.id)
        post_note(actor, get_workshop(workshop.id), "ideas", MISSED, None)
    started = time.monotonic()  # committed: from here the board has ten seconds

    expect(board_note(board, MISSED)).to_have_count(1, timeout=10_000)
    assert time.monotonic() - started < 10
    expect(workshop.control.locator(".control-note .note-text")).to_have_text(MISSED)

    # Caught up on the same connection: one Engine.IO session, one websocket, still open.
    assert len(handshakes) == 1, handshakes
    assert sockets == [socket]
    assert not socket.is_closed()
    assert parse_qs(urlparse(sockets[0].url).query)["sid"] == sid
    expect(board.locator("#board-connection")).to_have_attribute("data-status", "online")
    # It came back as the answer to the board's own `sync`, never pushed as an event.
    sync = re.compile(r'^42(\d+)\["sync",')
    asked = {match.group(1) for frame in sent if (match := sync.match(frame))}
    assert asked, sent
    carrying = [frame for frame in received if MARKER in frame]
    assert carrying, received
    ack = re.compile(r"^43(\d+)\[")
    pushed = [frame for frame in carrying if not ((m := ack.match(frame)) and m.group(1) in asked)]
    assert not pushed, pushed
