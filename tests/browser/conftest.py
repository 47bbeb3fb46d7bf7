"""Real browsers on a real server: one gunicorn process on its own SQLite file, Debian's
Chromium driven by Playwright, a desktop for the facilitator and phones for participants."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
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
from facilitation.accounts.models import Role
from facilitation.extensions import db

from ..conftest import PASSWORD
from ..servers import ROOT, ServerProcess
from ..services import migrate

SECRET_KEY = "browser-tests-secret-key-long-enough-to-pass"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = "/static/vendor/axe-core/axe.min.js"
# How long a page may take to show what it must: the suite shares its machine with other
# programs, and under load a click's whole round (the command, its commit, the events,
# the other screens' rendering) took more than 10 s twice. These are checks of what
# appears, not timings (those are benchmarks): a generous bound costs only failures.
TIMEOUT_MS = 20_000
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
LAPTOP = {"viewport": {"width": 1440, "height": 900}, "has_touch": True}  # a remote participant
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DEVICES = {"desktop": DESKTOP, "laptop": LAPTOP, "phone": PHONE}

expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Live:
    """The running server and the database it serves."""

    url: str
    database_url: str
    instance: Path
    log: Path  # the server's warnings and errors


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
    yield Live(server.url, database_url, instance, server.log_path)
    server.stop()
    # Kept for the next look at a failure: the server logs warnings and errors only.
    (ROOT / "artifacts").mkdir(exist_ok=True)
    shutil.copyfile(server.log_path, ROOT / "artifacts" / "browser-server.log")


@contextmanager
def server_app(live: Live) -> Iterator[Flask]:
    """The app on the server's own database, in this test process (an app context is
    pushed). What it writes is stored and logged like the server's own changes, but this
    process has no connected screens: its events are never published."""
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
                "COALESCE_MS": 0,
            }
        )
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def create_account(live: Live, role: str = Role.FACILITATOR, name: str = "Camille") -> str:
    """A staff account of the test's own on the server's database; returns its e-mail."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.org"
    with server_app(live):
        accounts.create_user(email, name, PASSWORD, role)
        db.session.commit()
    return email


@pytest.fixture
def facilitator_email(live: Live) -> str:
    """A facilitator account of this test's own (workshops belong to their facilitator)."""
    return create_account(live)


@pytest.fixture
def coordinator_email(live: Live) -> str:
    return create_account(live, Role.COORDINATOR, "Sacha")


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


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Whether the test itself failed, for its fixtures' teardown to tell what it saw."""
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


@pytest.fixture
def new_context(
    browser: Browser, live: Live, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (each its own cookies and storage), all closed after the test.

    A test that fails prints what its pages said (their errors and console), what each
    screen showed last, and what the server logged meanwhile: a failure on a busy CI
    machine, seen once, can then be understood from its report."""
    opened: list[BrowserContext] = []
    said: list[str] = []
    logged = live_log_size(live)

    def open_context(device: str, locale: str = "fr-FR") -> BrowserContext:
        context = browser.new_context(**DEVICES[device], locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(3 * TIMEOUT_MS)  # a page load on a busy machine
        name = f"{device} {len(opened) + 1}"
        context.on(
            "console", lambda message: said.append(f"{name} console.{message.type}: {message.text}")
        )
        context.on("weberror", lambda error: said.append(f"{name} error: {error.error}"))
        opened.append(context)
        return context

    yield open_context
    if request.node.stash.get(FAILED, False):
        report_pages(opened, said, live, logged)
    for context in opened:
        context.close()


def live_log_size(live: Live) -> int:
    return live.log.stat().st_size if live.log.exists() else 0


def report_pages(opened: list[BrowserContext], said: list[str], live: Live, logged: int) -> None:
    print("--- what the pages said ---", *said[-200:], sep="\n")
    for index, context in enumerate(opened, 1):
        for page in context.pages:
            try:
                shown = page.evaluate(SHOWN)
            except Exception as error:  # a page gone: say so and go on
                shown = f"(unreadable: {error})"
            print(f"--- screen {index}: {page.url} ---\n{shown}")
    with live.log.open("rb") as log:
        log.seek(logged)
        print(
            "--- what the server logged meanwhile ---",
            log.read().decode(errors="replace")[-8000:],
            sep="\n",
        )


# What a screen shows, in short: its connection, its phase, and its text (the start).
SHOWN = """() => {
  const status = document.querySelector("[data-status]")?.dataset.status;
  const text = document.body.innerText.replace(/\\s+/g, " ").slice(0, 800);
  return `status=${status} | ${text}`;
}"""


def sign_in(page: Page, live: Live, email: str) -> None:
    """The staff sign-in form; lands on the account's home page."""
    page.goto(f"{live.url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


@dataclass
class Workshop:
    """A workshop as its facilitator runs it: the control page, the board, its code."""

    control: Page
    board: Page
    code: str
    id: int

    def next_phase(self, label: str | None = None) -> None:
        """Next phase from the control page; with a label, wait until the board shows it."""
        self.control.locator("#phase-next").click()
        if label is not None:
            expect(self.board.locator("#board-phase")).to_have_text(label)

    def reveal_results(self) -> None:
        toggle = self.control.locator("#results-toggle")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")

    def create_group(self, title: str) -> Locator:
        """A group made from the control page (a title, nothing picked); its section."""
        self.control.locator("#group-title").fill(title)
        self.control.locator("#group-title").press("Enter")
        group = self.group(title)
        expect(group).to_have_count(1)
        self.control.locator("#group-title").fill("")
        return group

    def group(self, title: str) -> Locator:
        """A group's section on the control page."""
        return self.control.locator(".control-group[data-id]").filter(
            has=self.control.locator("h4", has_text=exactly(title))
        )

    def note(self, text: str) -> Locator:
        """A note on the control page, found by its whole text."""
        return self.control.locator(".control-note").filter(
            has=self.control.locator(".note-text", has_text=exactly(text))
        )

    def place_note(self, text: str, group: str) -> None:
        """Into a group: the note (the one whose text holds `text`) picked, then the
        group's title typed, and Enter."""
        note = self.control.locator(".control-note").filter(has_text=text)
        note.click()
        expect(note).to_have_attribute("aria-selected", "true")
        self.control.locator("#group-title").fill(group)
        self.control.locator("#group-title").press("Enter")
        expect(self.group(group).locator(".control-note").filter(has_text=text)).to_have_count(1)


@pytest.fixture
def run_workshop(
    live: Live, facilitator_email: str, new_context: Callable[..., BrowserContext]
) -> Callable[..., Workshop]:
    """Sign in on a desktop, create a workshop from the form, open its control and board."""

    def run(
        locale: str = "fr-FR",
        title: str = "Atelier mobilités",
        format_key: str = "brainstorm",
        question: str = "Comment venir au travail sans voiture ?",
        language: str | None = None,
    ) -> Workshop:
        control = new_context("desktop", locale).new_page()
        sign_in(control, live, facilitator_email)
        expect(control).to_have_url(f"{live.url}/workshops/")
        control.locator("#format").select_option(format_key)
        if language is not None:
            control.locator("#language").select_option(language)
        control.locator("#title").fill(title)
        control.locator("#question").fill(question)
        control.locator("#new-workshop button[type=submit]").click()
        expect(control).to_have_url(re.compile(r"/workshops/\d+/control$"))
        expect(control.locator("#control-connection")).not_to_be_empty()
        code = control.locator("#control-code").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
        ident = int(re.search(r"/workshops/(\d+)/control$", control.url).group(1))  # type: ignore[union-attr]
        # The board in a window of its own, as on a projector: a tab opened from the control
        # page would put the control page in the background, where Chromium runs its
        # animation frames about once a second (every click would wait for them).
        link = control.locator(".links a[href$='/board']")
        expect(link).to_have_attribute("target", "_blank")
        board = new_context("desktop", locale).new_page()
        board.context.add_cookies(control.context.cookies())
        board.goto(f"{live.url}{link.get_attribute('href')}")
        expect(board).to_have_url(re.compile(r"/workshops/\d+/board$"))
        expect(board.locator("#board-connection")).to_have_attribute("data-status", "online")
        expect(board.locator("#board-phase")).not_to_be_empty()
        return Workshop(control, board, code, ident)

    return run


@pytest.fixture
def join_on_phone(live: Live, new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """A phone that types the code on the home page (lower case, no dash) and a nickname."""

    def join(
        code: str,
        locale: str = "fr-FR",
        nickname: str = "Dominique",
        shots: str = "",
        device: str = "phone",
    ) -> Page:
        phone = new_context(device, locale).new_page()
        phone.goto(f"{live.url}/")
        phone.locator("#code").fill(code.replace("-", "").lower())
        if shots:
            screenshot(phone, f"{shots}-1-home", full_page=True)
        phone.locator("form.stack button[type=submit]").tap()
        joining = f"{live.url}/j/{code.replace('-', '')}"  # with the invitation a lookup earns
        expect(phone).to_have_url(re.compile(rf"^{re.escape(joining)}\?i=[\w-]+$"))
        phone.locator("#nickname").fill(nickname)
        if shots:
            screenshot(phone, f"{shots}-2-join", full_page=True)
        phone.locator("form.stack button[type=submit]").tap()
        expect(phone).to_have_url(f"{live.url}/p/{code.replace('-', '')}")
        expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "online")
        return phone

    return join


def post_note(phone: Page, text: str, area: str | None = None) -> None:
    """Type a note and post it; with an area label, pick that area's chip first."""
    if area is not None:
        phone.locator("#area-chips label.chip").filter(has_text=area).click()
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


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def phone_card(phone: Page, text: str) -> Locator:
    """A note on the phone, found by its whole text (a locator that retries)."""
    return phone.locator("li.phone-note").filter(
        has=phone.locator(".note-text", has_text=exactly(text))
    )


def phone_group(phone: Page, title: str) -> Locator:
    return phone.locator("section.group-block").filter(
        has=phone.locator(".group-title", has_text=exactly(title))
    )


def wait_until_sent(page: Page) -> None:
    """Until the screen's outbox is empty: every command it sent has been acknowledged."""
    page.wait_for_function(
        """() => Object.keys(localStorage)
            .filter((key) => key.startsWith("fabrique.outbox."))
            .every((key) => JSON.parse(localStorage.getItem(key)).length === 0)"""
    )


def my_dots(n: int) -> re.Pattern[str]:
    """The accessible name of an item's dots once they are n ("Your dots: n of 3")."""
    return re.compile(rf"\D{n}\D+\d+$")


def vote(item: Locator, dots: int, then: int) -> None:
    """Tap + on a note or group of a phone (− for negative dots), one dot at a time, each
    acknowledged by the server before the next; `then`: my dots on it at the end."""
    button = item.locator("button.vote-btn.plus" if dots > 0 else "button.vote-btn:not(.plus)")
    mine = item.locator(".my-dots")
    step = 1 if dots > 0 else -1
    count = then - dots
    expect(mine).to_have_attribute("aria-label", my_dots(count))
    for _ in range(abs(dots)):
        button.tap()
        count += step
        expect(mine).to_have_attribute("aria-label", my_dots(count))
        wait_until_sent(item.page)


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


def assert_fits(page: Page) -> None:
    """No page scrolls sideways (a phone is 360 px wide); the board never scrolls at all."""
    size = page.evaluate(
        """() => ({width: document.documentElement.scrollWidth, viewport: innerWidth,
                   height: document.documentElement.scrollHeight, screen: innerHeight,
                   board: document.body.classList.contains("board-page")})"""
    )
    assert size["width"] <= size["viewport"], f"{page.url} scrolls sideways: {size}"
    if size["board"]:
        assert size["height"] <= size["screen"], f"the board scrolls: {size}"


def flow_shot(page: Page, name: str, full_page: bool = False) -> Path:
    """A screen of a whole flow, kept under artifacts/screenshots/flows/, once it is known
    to fit its screen. A whole page is taken from the top, so that a sticky header stays
    at the top of the picture."""
    assert_fits(page)
    if full_page:
        page.evaluate("() => window.scrollTo(0, 0)")
    return screenshot(page, f"flows/{name}", full_page)


def run_axe(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now (the script is served by the app)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE)
    return page.evaluate("() => axe.run(document).then((result) => result.violations)")
