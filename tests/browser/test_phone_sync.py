"""A phone follows a phase change by the view it names, and keeps asking for the new
phase's notes until it gets them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, WebSocketRoute, expect

from .conftest import Workshop, my_dots, phone_card, phone_note, post_note, vote

pytestmark = pytest.mark.browser


def drop_next_sync(phone: Page) -> Callable[[], list[str]]:
    """Route the phone's live channel through the test: once armed, the phone's next
    ``sync`` request is swallowed (a timeout on a weak network), everything else passes."""
    state: dict[str, object] = {"armed": False, "dropped": [], "syncs": []}

    def route(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()

        def to_server(message: str | bytes) -> None:
            request = isinstance(message, str) and message.startswith("42")
            if request and '["sync"' in str(message)[:16]:
                state["syncs"].append(message)  # type: ignore[union-attr]
                if state["armed"]:
                    state["armed"] = False
                    state["dropped"].append(message)  # type: ignore[union-attr]
                    return
            server.send(message)

        socket.on_message(to_server)

    phone.route_web_socket("**/socket.io/**", route)
    phone.reload()  # the live channel reconnects through the route
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "online")

    def arm(armed: bool = True) -> list[str]:
        state["armed"] = armed
        return state["dropped" if armed else "syncs"]  # type: ignore[return-value]

    return arm


def test_a_phone_follows_a_phase_change_by_the_view_it_names_without_a_request(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    """A phase change names what every phone sees after it: the phone fetches that body
    and keeps its own note, and asks the server nothing over its socket (a room of 2,000
    phones moves on without 2,000 requests)."""
    workshop = run_workshop()
    writer = join_on_phone(workshop.code, nickname="Ali")
    post_note(writer, "Des arbres dans la cour")
    expect(phone_note(writer, "Des arbres", "saved")).to_have_count(1)
    reader = join_on_phone(workshop.code, nickname="Bea")
    post_note(reader, "Un banc à l'ombre")
    expect(phone_note(reader, "Un banc", "saved")).to_have_count(1)
    syncs = drop_next_sync(reader)(False)  # watch, drop nothing

    with reader.expect_response("**/live/**"):
        workshop.next_phase()  # reveal: the others' notes come in the view's body
    expect(reader.locator("li.phone-note", has_text="Des arbres dans la cour")).to_have_count(1)
    expect(reader.locator("li.phone-note", has_text="Un banc à l'ombre")).to_have_count(1)
    expect(reader.locator("#phone-phase")).not_to_have_text("Écriture silencieuse")
    assert syncs == []


def test_a_phone_whose_view_and_then_sync_after_a_phase_change_fail_asks_again(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    """The body the phase change names cannot be fetched (a network error): the phone
    syncs instead; that sync's answer is lost too: it asks again."""
    workshop = run_workshop()
    writer = join_on_phone(workshop.code, nickname="Ali")
    post_note(writer, "Des arbres dans la cour")
    expect(phone_note(writer, "Des arbres", "saved")).to_have_count(1)
    reader = join_on_phone(workshop.code, nickname="Bea")
    arm = drop_next_sync(reader)
    failed: list[str] = []
    reader.route(
        "**/live/**", lambda route: (failed.append(route.request.url), route.abort()), times=1
    )

    dropped = arm()
    workshop.next_phase()  # reveal: the phone must fetch the notes it could not see
    expect(reader.locator("#phone-phase")).not_to_have_text("Écriture silencieuse")
    # Asked again once the lost answer's wait (10 s) is over, after 2 to 4 s.
    expect(reader.locator("li.phone-note", has_text="Des arbres dans la cour")).to_have_count(
        1, timeout=25_000
    )
    assert len(failed) == 1  # the view's body really failed: the phone synced
    assert len(dropped) == 1  # the first answer was really lost: the phone asked again


def test_a_dot_cast_while_the_new_phase_is_fetched_stays_on_the_phone(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    """The snapshot a phone applies after a phase change was read when its sync was
    answered; a dot cast and acknowledged while the room's notes are still on their way
    must not be taken off the phone when they arrive (the server holds it)."""
    workshop = run_workshop()
    voter = join_on_phone(workshop.code, nickname="Ali")
    post_note(voter, "Des arbres dans la cour")
    expect(phone_note(voter, "Des arbres", "saved")).to_have_count(1)
    for _ in ("reveal", "grouping"):  # each phase change: the phone fetches its new view
        with voter.expect_response("**/live/**"):
            workshop.next_phase()
    note = phone_card(voter, "Des arbres dans la cour")
    expect(note).to_have_count(1)

    held: list[Route] = []
    voter.route("**/live/**", lambda route: held.append(route))  # the body waits for the test
    workshop.next_phase()  # the vote: the phone fetches the body its event names
    for _ in range(100):
        if held:
            break
        voter.wait_for_timeout(100)
    assert held, "the phone fetched no body after the phase change"

    vote(note, 1, then=1)  # cast and acknowledged while the snapshot waits
    with voter.expect_response("**/live/**"):
        held[0].continue_()
    voter.wait_for_timeout(500)  # the body applied
    expect(note.locator(".my-dots")).to_have_attribute("aria-label", my_dots(1))
    expect(voter.locator("#dots-bar strong")).not_to_have_text(re.compile(r"^\s*0"))
