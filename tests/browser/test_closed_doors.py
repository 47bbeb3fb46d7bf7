"""The entrance in real browsers: a phone that lost its identity is sent back to the join
page, and the facilitator closes joining from the control page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import Live, Workshop

pytestmark = pytest.mark.browser


def test_a_phone_that_lost_its_identity_is_offered_the_join_page(
    run_workshop: Callable[..., Workshop], join_on_phone: Callable[..., Page]
) -> None:
    workshop = run_workshop()
    phone = join_on_phone(workshop.code)
    phone.context.clear_cookies()  # the participant cookie is gone
    phone.context.set_offline(True)
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "offline")
    phone.context.set_offline(False)  # it reconnects, and its join is refused
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "refused")
    again = phone.locator("#phone-banner .banner-links a").first
    join_page = f"/j/{workshop.code.replace('-', '')}?i="  # with its invitation
    expect(again).to_have_attribute("href", re.compile(rf"^{re.escape(join_page)}[\w-]+$"))


def test_closing_joining_on_the_control_page_shows_on_the_board_and_the_join_page(
    live: Live, run_workshop: Callable[..., Workshop], new_context: Callable[..., BrowserContext]
) -> None:
    workshop = run_workshop(locale="en-US")
    workshop.control.locator("#joining-toggle").click()
    expect(workshop.control.locator("#joining-toggle")).to_have_text("Reopen joining")
    expect(workshop.board.locator(".board-flag.joining-closed")).to_have_text("Joining closed")
    newcomer = new_context("phone", "en-US").new_page()
    newcomer.goto(f"{live.url}/j/{workshop.code.replace('-', '')}")
    expect(newcomer.locator(".join-card .notice")).to_contain_text("closed joining")
    expect(newcomer.locator("#nickname")).to_have_count(0)
