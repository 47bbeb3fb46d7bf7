"""French and English: the locale of a request, and the strings the browser scripts use."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

LOCALE_COOKIE = "fabrique_lang"

# Strings every script shows, by key; the phone's and the staff screens' own are in
# their features. Templates hand them over in the page's locale.
COMMON_MESSAGES = {
    "connecting": _l("Connecting…"),
    "online": _l("Connected"),
    "offline": _l("Offline"),
    "offline_detail": _l("What you send is kept and goes once the connection returns."),
    "refused": _l("This screen cannot join the workshop."),
    "sending": _l("Sending…"),
    "saved": _l("Saved"),
    "failed": _l("Not saved"),
    "too_long": _l("Too long: at most %(n)s characters."),
    "retry": _l("Retry"),
    "resyncing": _l("Catching up…"),
    "phase": _l("Phase"),
    "participants_one": _l("%(n)s participant"),
    "participants_many": _l("%(n)s participants"),
}


def script_messages() -> dict[str, str]:
    from .participants.messages import PHONE_MESSAGES
    from .syntheses.messages import EXPORT_MESSAGES
    from .workshops.messages import STAFF_MESSAGES

    messages = {**COMMON_MESSAGES, **PHONE_MESSAGES, **STAFF_MESSAGES, **EXPORT_MESSAGES}
    return {key: str(message) for key, message in messages.items()}


def decimal(value: float | None, locale: str, digits: int = 2) -> str:
    """A number as the language writes it, at most `digits` decimals and no trailing zero:
    "4,25" and "0,5" in French, "4.25" and "0.5" in English; "—" for no value."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * digits, locale=locale)


def select_locale() -> str:
    """An explicit choice (?lang= or the cookie it sets), else the browser's preference."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI, background tasks
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for choice in (request.args.get("lang"), request.cookies.get(LOCALE_COOKIE)):
        if choice in languages:
            return choice
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_app(app: Flask) -> None:
    @app.context_processor
    def locale_context() -> dict[str, Any]:
        return {"locale": str(get_locale()), "script_messages": script_messages}

    app.add_template_filter(decimal, "decimal")

    @app.after_request
    def remember_choice(response):  # type: ignore[no-untyped-def]
        choice = request.args.get("lang")
        if choice in app.config["LANGUAGES"] and request.cookies.get(LOCALE_COOKIE) != choice:
            response.set_cookie(
                LOCALE_COOKIE, choice, max_age=31536000, samesite="Lax", httponly=True
            )
        return response
