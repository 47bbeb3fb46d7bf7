"""The participant's way in: the home page's code field, /j/<code> from the QR, the phone page."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import entry
from ..cards.schemas import CARD_MAX_LENGTH
from ..database import unit_of_work
from ..errors import NotFound
from ..notes.schemas import NOTE_MAX_LENGTH
from ..syntheses import publication
from ..syntheses.services import licence
from ..workshops import services as workshops
from ..workshops.codes import display_code
from ..workshops.models import Workshop
from . import services
from .models import Participant
from .schemas import JoinSchema

blueprint = Blueprint("participants", __name__)


def _identity(workshop_id: int):  # type: ignore[no-untyped-def]
    token = request.cookies.get(services.cookie_name(workshop_id))
    return services.from_token(workshop_id, token)


@blueprint.get("/")
def home() -> str:
    return render_template("participants/home.html")


def _ended_for_its_participant(code: str) -> Workshop | None:
    """An ended workshop, for a phone that took part in it (its cookie says so): reloaded
    after the end, it is thanked and offered the published synthesis. Anyone else gets
    the answer of an unknown code, as before."""
    found = workshops.ended_by_code(code)
    if found is None or _identity(found.id) is None:
        return None
    return found


def open_code(code: str) -> Workshop:
    """The workshop a code opens, for a visitor who may be guessing (see ``entry.py``).

    A failed lookup counts against the address. A visitor with an invitation (the QR
    code's link) or this workshop's participant cookie is not guessing; anyone else is
    refused, real code or not, once the address has used its guesses.
    """
    invited = services.is_invitation(code, request.args.get("i"))
    try:
        workshop = workshops.find_by_code(code)
    except NotFound as error:
        raise (error if invited else entry.failed_lookup(error)) from None
    if not invited and _identity(workshop.id) is None:
        entry.require_guesses_left()
    return workshop


def _open_code_in_turn(code: str) -> Workshop:
    """``open_code`` for a change: the same rules and answers, with whether the workshop
    is still open read in its turn (the code's workshop as this process last found it:
    ``workshops.id_of_code``), not in a transaction of its own before."""
    invited = services.is_invitation(code, request.args.get("i"))
    try:
        workshop_id = workshops.id_of_code(code)
        if not invited and _identity(workshop_id) is None:
            entry.require_guesses_left()
        return workshops.turn_of_code(code, workshop_id)
    except NotFound as error:
        raise (error if invited else entry.failed_lookup(error)) from None


def _browser() -> str:
    """This browser's session, to count the participants it creates."""
    return session.setdefault("browser", secrets.token_urlsafe(12))


@blueprint.post("/join")
def join_by_code() -> Response:
    """A code typed on the home page: a lookup like any other, then the invitation."""
    entry.require_guesses_left()
    try:
        workshop = workshops.find_by_code(request.form.get("code", ""))
    except NotFound as error:
        raise entry.failed_lookup(error) from None
    invitation = services.invitation(workshop.code)
    return redirect(url_for(".join", code=workshop.code, i=invitation))


@blueprint.get("/j/<code>")
def join(code: str) -> Response | str:
    workshop = open_code(code)
    if _identity(workshop.id):
        return redirect(url_for(".phone", code=workshop.code))
    if current_user.is_authenticated or session.get("_flashes"):
        return _join_page(workshop, generate_csrf)  # their own header, their messages
    return _kept_join_page(workshop)


def _join_page(workshop: Workshop, token: Callable[[], str]) -> str:
    return render_template(
        "participants/join.html",
        workshop=workshop,
        code=display_code(workshop.code),
        licence=licence(),
        csrf_token=token,
    )


# Every phone of a room opens the same join page: rendered once per language and what the
# page shows of the workshop, it is kept (a room of 2,000 phones rendered it 2,000 times,
# two thirds of the page's time). Only the form's token differs from one visitor to the
# next: the kept page holds a mark in its place, this process's own and never served.
JOIN_PAGES = "fabrique.join_pages"
KEPT_JOIN_PAGES = 256
TOKEN_MARK = secrets.token_hex(16)


def _kept_join_page(workshop: Workshop) -> str:
    """The join page for a visitor who is not signed in and has no message waiting."""
    key = (
        str(get_locale()),
        workshop.id,
        workshop.code,
        workshop.title,
        workshop.question,
        workshop.joining_open,
        workshop.anonymous,
    )
    pages = current_app.extensions.setdefault(JOIN_PAGES, {})
    page = pages.get(key)
    if page is None:
        while len(pages) >= KEPT_JOIN_PAGES:
            pages.pop(next(iter(pages)))
        page = pages[key] = _join_page(workshop, lambda: TOKEN_MARK)
    return page.replace(TOKEN_MARK, generate_csrf()) if TOKEN_MARK in page else page


def _join_form(workshop: Workshop, status: int, message: str) -> tuple[str, int]:
    """The join page again, with what was typed and why it was refused."""
    page = render_template(
        "participants/join.html",
        workshop=workshop,
        code=display_code(workshop.code),
        nickname=request.form.get("nickname", ""),
        error=message,
        licence=licence(),
    )
    return page, status


def _enter(workshop: Workshop) -> Participant:
    """This browser's participant, new or renamed, with the nickname typed."""
    nickname = JoinSchema().load({"nickname": request.form.get("nickname", "")})["nickname"]
    participant = _identity(workshop.id)
    if participant is None:
        participant = services.join(workshop, nickname)
        entry.count_newcomer(_browser())  # refused: the new participant is rolled back
        return participant
    return services.rename(participant, nickname)


@blueprint.post("/j/<code>")
def join_submit(code: str) -> Response | tuple[str, int]:
    workshop: Workshop | None = None
    try:
        with unit_of_work():
            # In the workshop's turn: still open, joining still open (from the process's
            # copy while the row holds).
            workshop = _open_code_in_turn(code)
            participant = _enter(workshop)
            # What the answer needs, read before the commit expires it (read again, the
            # participant and the workshop would cost a statement each).
            cookie = services.cookie_name(workshop.id), services.identity_token(participant)
            phone = url_for(".phone", code=workshop.code)
    except ValidationError as error:
        assert workshop is not None  # refused by the schema: after the workshop was read
        return _join_form(workshop, 422, " ".join(error.messages_dict.get("nickname", [])))
    except (services.NicknameTaken, IntegrityError):  # rolled back
        assert workshop is not None
        return _join_form(workshop, 409, str(services.NicknameTaken().message))
    response = redirect(phone)
    response.set_cookie(
        *cookie,
        max_age=services.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@blueprint.get("/p/sw.js")
def service_worker() -> Response:
    """The phones' service worker, served under /p/ so that it may keep phone pages for
    a reload without network (a worker controls only the pages under its own path)."""
    response = send_from_directory(
        Path(current_app.static_folder or "static") / "js" / "phone", "sw.js", max_age=0
    )
    response.headers["Content-Type"] = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/p/<code>")
def phone(code: str) -> Response | str:
    ended = _ended_for_its_participant(code)
    if ended is not None:
        return render_template(
            "participants/ended.html",
            workshop=ended,
            code=display_code(ended.code),
            synthesis=publication.path(ended),
        )
    workshop = open_code(code)
    participant = _identity(workshop.id)
    if participant is None:
        return redirect(url_for(".join", code=workshop.code))
    config = {
        "code": workshop.code,
        "role": "phone",
        "noteMaxLength": NOTE_MAX_LENGTH,
        "cardMaxLength": CARD_MAX_LENGTH,
    }
    return render_template(
        "participants/phone.html",
        workshop=workshop,
        participant=participant,
        config=config,
        invitation=services.invitation(workshop.code),  # to join again, should its cookie go
    )
