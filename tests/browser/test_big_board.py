"""A board opened on a workshop too big for one message loads it page by page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, WebSocket, expect

from facilitation.accounts.services import find_by_email
from facilitation.extensions import db
from facilitation.workshops import services as workshops

from ..bulk import insert_notes
from .conftest import Live, server_app

pytestmark = pytest.mark.browser

NOTES = 2000  # about 1 MB of notes: four pages of 256 KiB


def test_a_board_loads_a_workshop_that_takes_several_pages(
    live: Live, facilitator_email: str, new_context: Callable[..., BrowserContext]
) -> None:
    with server_app(live):
        owner = find_by_email(facilitator_email)
        workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
        db.session.commit()
        key = workshop.board_key
        insert_notes(workshop.id, NOTES)

    board = new_context("desktop").new_page()
    sent: list[str] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: sent.append(str(payload)))

    board.on("websocket", on_socket)
    board.goto(f"{live.url}/b/{key}")
    expect(board.locator("#board-connection")).to_have_attribute("data-status", "online")
    # Silent writing: the board counts the notes, face down; every page is in the count.
    expect(board.locator(".board-facedown-number")).to_have_text(str(NOTES))
    pages = [frame for frame in sent if re.match(r'^42\d+\["snapshot\.page",', frame)]
    assert len(pages) >= 3, sent  # after the first, which came with the join's ack
