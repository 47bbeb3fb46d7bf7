"""Real browsers on a real server: one gunicorn process on its own SQLite file, Debian's
Chromium driven by Playwright, a desktop for the facilitator and phones for participants."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from facilitation import create_app
from facilitation.accounts import services as accounts
from facilitation.extensions import db

from ..conftest import PASSWORD
from ..servers import ROOT, ServerProcess
from ..services import migrate

SECRET_KEY = "browser-tests-secret-key-long-enough-to-pass"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}

expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Live:
    """The running server and the database it serves."""

    url: str
    database_url: str
    instance: Path


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One real app process (gunicorn, gevent) on a migrated SQLite file of its own."""
    folder = tmp_path_factory.mktemp("browser")
    instance = folder / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{folder / 'browser.sqlite3'}"  # four slashes: absolute path
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FABRIQUE_INSTANCE", str(instance))
        migrate(database_url)
    server = ServerProcess(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "FABRIQUE_INSTANCE": str(instance),
            "REDIS_URL": "",
            "HEARTBEAT_SECONDS": "1",
        },
        folder,
        "browser",
    )
    server.start()
    yield Live(server.url, database_url, instance)
    server.stop()


@pytest.fixture
def facilitator_email(live: Live) -> str:
    """A facilitator account of this test's own (workshops belong to their facilitator)."""
    email = f"facilitator-{uuid.uuid4().hex[:10]}@example.org"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FABRIQUE_INSTANCE", str(live.instance))
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": live.database_url,
                "SQLALCHEMY_ENGINE_OPTIONS": {},
                "SECRET_KEY": SECRET_KEY,
                "SOCKETIO_ASYNC_MODE": "threading",
                "REDIS_URL": None,
                "REALTIME_BACKGROUND": False,
            }
        )
    with app.app_context():
        accounts.create_user(email, "Camille", PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return email


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (each its own cookies and storage), all closed after the test."""
    opened: list[BrowserContext] = []

    def open_context(device: str, locale: str = "fr-FR") -> BrowserContext:
        context = browser.new_context(**(DESKTOP if device == "desktop" else PHONE), locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@dataclass
class Workshop:
    """A brainstorm as its facilitator runs it: the control page, the board, its code."""

    control: Page
    board: Page
    code: str

    def next_phase(self) -> None:
        self.control.locator("#phase-next").click()


@pytest.fixture
def run_workshop(
    live: Live, facilitator_email: str, new_context: Callable[..., BrowserContext]
) -> Callable[..., Workshop]:
    """Sign in on a desktop, create a brainstorm from the form, open its control and board."""

    def run(locale: str = "fr-FR", title: str = "Atelier mobilités") -> Workshop:
        control = new_context("desktop", locale).new_page()
        control.goto(f"{live.url}/login")
        control.locator("#email").fill(facilitator_email)
        control.locator("#password").fill(PASSWORD)
        control.locator("form.stack button[type=submit]").click()
        expect(control).to_have_url(f"{live.url}/workshops/")
        control.locator("#format").select_option("brainstorm")
        control.locator("#title").fill(title)
        control.locator("#question").fill("Comment venir au travail sans voiture ?")
        control.locator("#new-workshop button[type=submit]").click()
        expect(control).to_have_url(re.compile(r"/workshops/\d+/control$"))
        expect(control.locator("#control-connection")).not_to_be_empty()
        code = control.locator("#control-code").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
        with control.context.expect_page() as opened:
            control.locator(".links a[href$='/board']").click()
        board = opened.value
        expect(board).to_have_url(re.compile(r"/workshops/\d+/board$"))
        expect(board.locator("#board-phase")).not_to_be_empty()
        return Workshop(control, board, code)

    return run


@pytest.fixture
def join_on_phone(live: Live, new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """A phone that types the code on the home page (lower case, no dash) and a nickname."""

    def join(
        code: str, locale: str = "fr-FR", nickname: str = "Dominique", shots: str = ""
    ) -> Page:
        phone = new_context("phone", locale).new_page()
        phone.goto(f"{live.url}/")
        phone.locator("#code").fill(code.replace("-", "").lower())
        if shots:
            screenshot(phone, f"{shots}-1-home", full_page=True)
        phone.locator("form.stack button[type=submit]").tap()
        expect(phone).to_have_url(f"{live.url}/j/{code.replace('-', '')}")
        phone.locator("#nickname").fill(nickname)
        if shots:
            screenshot(phone, f"{shots}-2-join", full_page=True)
        phone.locator("form.stack button[type=submit]").tap()
        expect(phone).to_have_url(f"{live.url}/p/{code.replace('-', '')}")
        expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "online")
        return phone

    return join


def post_note(phone: Page, text: str) -> None:
    phone.locator("#note-text").fill(text)
    phone.locator("#note-form button[type=submit]").tap()


def phone_note(phone: Page, text: str, status: str) -> Locator:
    """The phone's notes with this text in this state (saved only once the server acked).

    Meant for counting: a strict locator would fail at once, without retrying, if the same
    text were ever listed twice for a moment; the tests count every note separately.
    """
    return phone.locator(f"li.phone-note[data-status={status}]").filter(has_text=text)


def board_note(board: Page, text: str) -> Locator:
    return board.locator(".board-note").filter(has_text=text)


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
