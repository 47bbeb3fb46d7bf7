"""The entrance: guessing join codes and minting participants, limited per client address.

**Failed lookups.** A join code or board link that opens nothing counts against the
client's address, in one moving window shared by the pages (``/join``, ``/j/<code>``,
``/p/<code>``, ``/b/<key>``, the QR image) and the live channel's ``join``, and with
Redis by every process. A visitor who proves nothing — no participant cookie, no
invitation from the QR code, no staff right, no board key — is refused with
``rate_limited`` once the address has used its guesses, whether the code is real or not:
the answer never tells a real code from a wrong one.

**New participants.** Each ``POST /j/<code>`` that creates a participant counts against
the address and against the browser's session. A whole room shares one address, so the
per-address budget is sized for a plenary.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l

from .errors import FabriqueError, RateLimited
from .realtime.limits import Windows

ENTRY_KEY = "fabrique.entry"


def init_app(app: Flask) -> None:
    storage = app.config["RATELIMIT_STORAGE_URI"]
    app.extensions[ENTRY_KEY] = Windows(
        None if storage.startswith("memory:") else storage,
        f"{app.config['RATELIMIT_KEY_PREFIX']}:entry",
        {
            "guess": app.config["CODE_GUESS_LIMITS"],
            "address": app.config["NEW_PARTICIPANTS_PER_ADDRESS"],
            "browser": app.config["NEW_PARTICIPANTS_PER_BROWSER"],
        },
    )


def _windows() -> Windows:
    return current_app.extensions[ENTRY_KEY]


def address() -> str:
    """The client's address as the app sees it (behind a proxy: see ``PROXY_COUNT``)."""
    return request.remote_addr or ""


class TooManyGuesses(RateLimited):
    default_message = _l("Too many wrong codes from your network. Wait a minute, then retry.")


class TooManyNewcomers(RateLimited):
    default_message = _l("Too many people joined from your network just now. Retry shortly.")


def failed_lookup(error: FabriqueError) -> FabriqueError:
    """Count one failed lookup from this address; the error to answer: ``error`` itself,
    or ``rate_limited`` once the address has used its guesses."""
    return error if _windows().allow("guess", address()) else TooManyGuesses()


def require_guesses_left() -> None:
    """For a visitor who proves nothing: refused once the address has used its guesses."""
    if not _windows().room("guess", address()):
        raise TooManyGuesses()


def count_newcomer(browser: str) -> None:
    """One more participant from this address and this browser, or ``rate_limited``."""
    windows, keys = _windows(), {"address": address(), "browser": browser}
    if not all(windows.room(kind, key) for kind, key in keys.items()):
        raise TooManyNewcomers()
    for kind, key in keys.items():
        windows.allow(kind, key)
