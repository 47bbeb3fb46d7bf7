"""Facilitator pages: the list, creating a workshop, the control page and the board."""

from __future__ import annotations

import gzip
import io
import ipaddress
from typing import Any
from urllib.parse import urlsplit

import segno
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required

from .. import entry
from ..errors import NotFound
from ..extensions import db
from ..mail import configured as mail_configured
from ..notes.schemas import NOTE_MAX_LENGTH
from ..participants.services import invitation
from ..participants.views import open_code
from ..rules import formats
from . import services, snapshots
from .codes import display_code
from .models import Workshop
from .schemas import CreateWorkshopSchema

blueprint = Blueprint("workshops", __name__)


def join_url(workshop: Workshop) -> str:
    """The QR code's link: the join page, with the invitation that spares the room the
    limit on guessed codes (``entry.py``)."""
    public = current_app.config.get("PUBLIC_URL")
    args = {"code": workshop.code, "i": invitation(workshop.code)}
    path = url_for("participants.join", **args)
    return f"{public}{path}" if public else url_for("participants.join", **args, _external=True)


def is_loopback(url: str) -> bool:
    """An address only this machine reaches (localhost, 127.0.0.1, ::1, 0.0.0.0): a phone
    that scans it finds nothing, or itself."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _page_context(workshop: Workshop, role: str, key: str | None = None) -> dict[str, Any]:
    config = {"code": workshop.code, "role": role, "key": key, "noteMaxLength": NOTE_MAX_LENGTH}
    url = join_url(workshop)
    return {
        "workshop": workshop,
        "code": display_code(workshop.code),
        "join_url": url,
        # Phones cannot follow the QR code: say so, and how to fix it (README, deploy.md).
        "join_loopback": not current_app.config.get("PUBLIC_URL") and is_loopback(url),
        "qr_url": url_for(".qr_code", code=workshop.code, i=invitation(workshop.code)),
        "config": config,
    }


def _board(workshop: Workshop, key: str | None = None) -> str:
    """The board speaks the workshop's language, whatever the projector's browser prefers."""
    with force_locale(workshop.language):
        return render_template("workshops/board.html", **_page_context(workshop, "board", key))


@blueprint.get("/workshops/")
@login_required
def index() -> str:
    return render_template(
        "workshops/index.html",
        workshops=services.workshops_of(current_user),
        formats=formats(),
        display_code=display_code,
    )


@blueprint.post("/workshops/")
@login_required
def create() -> Response:
    form = CreateWorkshopSchema().load(
        {key: request.form.get(key, "") for key in ("format", "title", "question", "language")}
    )
    workshop = services.create_workshop(
        current_user, form["format"], form["title"], form["question"], form["language"]
    )
    db.session.commit()
    return redirect(url_for(".control", workshop_id=workshop.id))


@blueprint.get("/workshops/<id:workshop_id>/control")
@login_required
def control(workshop_id: int) -> str:
    workshop = services.workshop_for_staff(current_user, workshop_id)
    board_url = url_for(".board_by_key", key=workshop.board_key, _external=True)
    return render_template(
        "workshops/control.html",
        board_url=board_url,
        mail_enabled=mail_configured(),  # the synthesis can be e-mailed
        **_page_context(workshop, "control"),
    )


@blueprint.get("/workshops/<id:workshop_id>/board")
@login_required
def board(workshop_id: int) -> str:
    return _board(services.workshop_for_staff(current_user, workshop_id))


@blueprint.get("/b/<key>")
def board_by_key(key: str) -> str:
    """The board for a projector's own browser, opened with the workshop's board link.
    A wrong key is a failed lookup (``entry.py``); the key itself is the proof."""
    workshop = services.by_board_key(key)
    if not workshop:
        raise entry.failed_lookup(NotFound())
    return _board(workshop, key)


@blueprint.get("/live/<id:workshop_id>/<int:public_head>/<signature>.json")
def common_part(workshop_id: int, public_head: int, signature: str) -> Response:
    """The body of a workshop's common part, named by a phone's snapshot: the same bytes
    for every phone of the room, compressed once (``workshops/shared.py``). A wrong
    signature is a failed lookup, like a wrong code."""
    try:
        body = snapshots.common_body(workshop_id, public_head, signature)
    except NotFound as error:
        raise entry.failed_lookup(error) from None
    response = Response(mimetype="application/json")
    if "gzip" in request.accept_encodings:
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(gzip.decompress(body))
    response.headers["Vary"] = "Accept-Encoding"
    # One address, one public sequence number: what it names never changes.
    response.headers["Cache-Control"] = "private, max-age=3600, immutable"
    return response


def public_url(path: str) -> str:
    """An address of this instance as phones reach it (PUBLIC_URL when set)."""
    public = current_app.config.get("PUBLIC_URL")
    return f"{public}{path}" if public else f"{request.host_url.rstrip('/')}{path}"


def qr_svg(url: str) -> Response:
    """A QR code of a link, as an SVG image."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.cache_control.max_age = 3600
    return response


@blueprint.get("/j/<code>/qr.svg")
def qr_code(code: str) -> Response:
    return qr_svg(join_url(open_code(code)))
