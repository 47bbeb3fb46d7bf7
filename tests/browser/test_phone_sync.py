"""A phone keeps asking for a new phase's notes until it gets them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from .conftest import Workshop, phone_note, post_note

pytestmark = pytest.mark.browser


def drop_next_sync(phone: Page) -> Callable[[], list[str]]:
    """Route the phone's live channel through the test: once armed, the phone's next
    ``sync`` request is swallowed (a timeout on a weak network), everything else passes."""
    state: dict[str, object] = {"armed": False, "dropped": []}

    def route(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()

        def to_server(message: str | bytes) -> None:
            request = isinstance(message, str) and message.startswith("42")
            if state["armed"] and request and '["sync"' in str(message)[:16]:
                state["armed"] = False
                state["dropped"].append(message)  # type: ignore[union-attr]
                return
            server.send(message)

        socket.on_message(to_server)

    phone.route_web_socket("**/socket.io/**", route)
    phone.reload()  # the live channel reconnects through the route
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "online")

    def arm() -> list[str]:
        state["armed"] = True
        return state["dropped"]  # type: ignore[return-value]

    return arm


def test_a_phone_whose_sync_after_a_phase_change_goes_unanswered_asks_again(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    writer = join_on_phone(workshop.code, nickname="Ali")
    post_note(writer, "Des arbres dans la cour")
    expect(phone_note(writer, "Des arbres", "saved")).to_have_count(1)
    reader = join_on_phone(workshop.code, nickname="Bea")
    arm = drop_next_sync(reader)

    dropped = arm()
    workshop.next_phase()  # reveal: the phone must fetch the notes it could not see
    expect(reader.locator("#phone-phase")).not_to_have_text("Écriture silencieuse")
    # Asked again once the lost answer's wait (10 s) is over, after 2 to 4 s.
    expect(reader.locator("li.phone-note", has_text="Des arbres dans la cour")).to_have_count(
        1, timeout=25_000
    )
    assert len(dropped) == 1  # the first answer was really lost: the phone asked again
