"""The participant's way in: the home page's code field, /j/<code> from the QR, the phone page."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..cards.schemas import CARD_MAX_LENGTH
from ..extensions import db, limiter
from ..notes.schemas import NOTE_MAX_LENGTH
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


def unknown_code(response: Response) -> bool:
    """Only failed lookups count: a whole room joins from one Wi-Fi address."""
    return response.status_code == 404


def known_code() -> bool:
    """A code (or board key) that opens something is never refused: a room sharing an
    address stays able to join after someone's typos have used up the guesses."""
    args = request.view_args or {}
    if "key" in args:
        return workshops.board_key_exists(args["key"])
    return workshops.is_open_code(args.get("code") or request.form.get("code", ""))


CODE_GUESSES = "20/minute;100/hour"
LIMIT_GUESSES = {"deduct_when": unknown_code, "exempt_when": known_code}


@blueprint.post("/join")
@limiter.limit(CODE_GUESSES, **LIMIT_GUESSES)
def join_by_code() -> Response:
    workshop = workshops.find_by_code(request.form.get("code", ""))
    return redirect(url_for(".join", code=workshop.code))


@blueprint.get("/j/<code>")
@limiter.limit(CODE_GUESSES, **LIMIT_GUESSES)
def join(code: str) -> Response | str:
    workshop = workshops.find_by_code(code)
    if _identity(workshop.id):
        return redirect(url_for(".phone", code=workshop.code))
    return render_template(
        "participants/join.html", workshop=workshop, code=display_code(workshop.code)
    )


def _join_form(workshop: Workshop, status: int, message: str) -> tuple[str, int]:
    """The join page again, with what was typed and why it was refused."""
    page = render_template(
        "participants/join.html",
        workshop=workshop,
        code=display_code(workshop.code),
        nickname=request.form.get("nickname", ""),
        error=message,
    )
    return page, status


def _enter(workshop: Workshop) -> Participant:
    """This browser's participant, new or renamed, with the nickname typed."""
    nickname = JoinSchema().load({"nickname": request.form.get("nickname", "")})["nickname"]
    participant = _identity(workshop.id)
    if participant is None:
        return services.join(workshop, nickname)
    return services.rename(participant, nickname)


@blueprint.post("/j/<code>")
@limiter.limit(CODE_GUESSES, **LIMIT_GUESSES)
def join_submit(code: str) -> Response | tuple[str, int]:
    workshop = workshops.find_by_code(code)
    try:
        participant = _enter(workshop)
        db.session.commit()
    except ValidationError as error:
        return _join_form(workshop, 422, " ".join(error.messages_dict.get("nickname", [])))
    except (services.NicknameTaken, IntegrityError):
        db.session.rollback()  # IntegrityError: a look-alike name committed meanwhile
        return _join_form(workshop, 409, str(services.NicknameTaken().message))
    response = redirect(url_for(".phone", code=workshop.code))
    response.set_cookie(
        services.cookie_name(workshop.id),
        services.identity_token(participant),
        max_age=services.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@blueprint.get("/p/<code>")
@limiter.limit(CODE_GUESSES, **LIMIT_GUESSES)
def phone(code: str) -> Response | str:
    workshop = workshops.find_by_code(code)
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
        "participants/phone.html", workshop=workshop, participant=participant, config=config
    )
