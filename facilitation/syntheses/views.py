"""Downloading a workshop's synthesis and exports; importing a JSON archive."""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from ..auth import Actor, ActorKind
from ..database import unit_of_work
from ..errors import Forbidden, InvalidInput
from ..extensions import db
from ..mail import MailFailed, send
from ..mail import configured as mail_configured
from ..security import DOCUMENT_POLICY, talisman
from ..text import shorten
from ..workshops.models import Workshop
from ..workshops.services import workshop_for_reader
from ..workshops.views import public_url, qr_svg
from . import mailing, publication, services
from .exports import EXPORTS
from .jobs import exporter
from .schemas import SynthesisTextsSchema
from .text import markdown_text

blueprint = Blueprint("syntheses", __name__)
blueprint.add_app_template_filter(markdown_text, "md")
blueprint.add_app_template_filter(shorten, "shorten")  # never inside an emoji or a cluster


def filename(title: str, extension: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60] or "atelier"
    return f"{slug}.{extension}"


@blueprint.get("/workshops/<id:workshop_id>/export.<path:kind>")
@login_required
@talisman(content_security_policy=DOCUMENT_POLICY)
def export(workshop_id: int, kind: str) -> BaseResponse:
    """A synthesis or export, for those who run the workshop and for coordinators."""
    inline = kind in ("html", "pdf") and "download" not in request.args
    return export_file(workshop_for_reader(current_user, workshop_id), kind, inline)


def export_file(workshop: Workshop, kind: str, inline: bool = False) -> BaseResponse:
    """The export, made by a child process (jobs.py) or read from the cache; the
    request waits for it holding no database connection, the event loop free."""
    chosen = EXPORTS.get(kind)
    if chosen is None:
        abort(404)
    job = exporter().start(workshop, kind)
    name = filename(workshop.title, chosen.extension)
    db.session.commit()  # the read ends: its connection goes back to the pool meanwhile
    response = Response(exporter().read(job), content_type=chosen.mimetype)  # charset once
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.post("/workshops/<id:workshop_id>/exports/<string:kind>")
@login_required
def prepare(workshop_id: int, kind: str) -> BaseResponse:
    """Start making an export, or say how it goes: the export links' script asks every
    second while it shows "Preparing…", then follows the address it is given."""
    workshop = workshop_for_reader(current_user, workshop_id)
    if kind not in EXPORTS:
        abort(404)
    job = exporter().start(workshop, kind)
    db.session.commit()
    if not job.done.is_set():
        return jsonify(state="preparing", seconds=round(time.monotonic() - job.started))
    if job.error is not None:
        raise job.error
    return jsonify(
        state="ready", url=url_for("syntheses.export", workshop_id=workshop_id, kind=kind)
    )


@blueprint.get("/s/<token>")
@talisman(content_security_policy=DOCUMENT_POLICY)
def published(token: str) -> BaseResponse:
    """A published synthesis, for anyone with its link (no account): the printable page."""
    response = export_file(publication.published_workshop(token), "html", inline=True)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@blueprint.get("/s/<token>/synthesis.pdf")
@talisman(content_security_policy=DOCUMENT_POLICY)
def published_pdf(token: str) -> BaseResponse:
    response = export_file(publication.published_workshop(token), "pdf", inline=True)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@blueprint.get("/s/<token>/qr.svg")
def published_qr(token: str) -> BaseResponse:
    """The QR code the board shows once the synthesis is published."""
    workshop = publication.published_workshop(token)
    return qr_svg(public_url(publication.path(workshop) or ""))


@blueprint.post("/workshops/<id:workshop_id>/publication")
@login_required
def publish(workshop_id: int) -> BaseResponse:
    """Publish or withdraw the synthesis from the control page's form: an ended
    workshop's control page, opened again, has no live connection to send the command."""
    published = request.form.get("published") == "1"
    with unit_of_work(workshop_id):
        workshop = services.workshop_for_staff(current_user, workshop_id)
        actor = Actor(ActorKind.FACILITATOR, workshop.id, user_id=current_user.id)
        publication.publish(actor, workshop, published)
    if published:
        flash(_("The synthesis is published."), "ok")
    else:
        flash(_("The synthesis is withdrawn: its link no longer works."), "ok")
    return redirect(url_for("workshops.control", workshop_id=workshop_id) + "#exports-title")


@blueprint.post("/workshops/<id:workshop_id>/synthesis-texts")
@login_required
def save_texts(workshop_id: int) -> BaseResponse:
    """The introduction and conclusions, from the form beside the export links. Text
    that does not fit is refused whole, with the reason, and nothing is changed."""
    back = url_for("workshops.control", workshop_id=workshop_id) + "#exports-title"
    try:
        fields = SynthesisTextsSchema().load(
            {key: request.form.get(key, "") for key in ("introduction", "conclusions")}
        )
    except ValidationError as error:
        if request.accept_mimetypes.best == "application/json":
            raise
        for name, messages in error.messages_dict.items():
            label = _("Introduction") if name == "introduction" else _("Conclusions")
            problem = " ".join(map(str, messages))
            flash(_("%(field)s: %(problem)s", field=label, problem=problem), "error")
        services.workshop_for_staff(current_user, workshop_id)  # a stranger learns nothing
        return redirect(back)
    with unit_of_work(workshop_id):
        services.set_texts(current_user, workshop_id, fields)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(fields)
    flash(_("The introduction and conclusions were saved."), "ok")
    return redirect(back)


@blueprint.post("/workshops/<id:workshop_id>/synthesis-mail")
@login_required
def mail_synthesis(workshop_id: int) -> BaseResponse:
    """The synthesis's PDF e-mailed to the addresses typed beside the export links, by
    those who run the workshop. Every address is checked before anything is sent; the
    request waits for the mail server (the loop free meanwhile), so that its refusal is
    told here."""
    back = url_for("workshops.control", workshop_id=workshop_id) + "#exports-title"
    workshop = services.workshop_for_staff(current_user, workshop_id)
    if not mail_configured():
        flash(_("This instance sends no e-mail: download the PDF and send it yourself."), "error")
        return redirect(back)
    try:
        to = mailing.recipients(request.form.get("addresses", "")[:20_000])
    except InvalidInput as error:
        for messages in error.details.get("fields", {}).values():
            for message in messages:
                flash(message, "error")
        return redirect(back)
    job = exporter().start(workshop, "pdf")
    db.session.commit()  # the read ends: its connection goes back to the pool meanwhile
    pdf = exporter().read(job)
    link = publication.path(workshop)
    name = filename(workshop.title, "pdf")
    mail = mailing.synthesis_mail(workshop, to, pdf, name, public_url(link) if link else None)
    db.session.rollback()  # nothing held while the mail server answers
    try:
        send(mail)
    except MailFailed:
        refused = _(
            "The mail server could not be reached or refused the message: nothing was "
            "sent. Retry later, or download the PDF."
        )
        flash(refused, "error")
        return redirect(back)
    flash(_("The synthesis was sent to %(n)d addresses.", n=len(to)), "ok")
    return redirect(back)


@blueprint.url_value_preprocessor
def _archive_size(endpoint: str | None, _: dict[str, Any] | None) -> None:
    """An archive may be far bigger than other requests (IMPORT_MAX_MB): the bound is set
    before anything reads the body, the CSRF check included."""
    if endpoint == "syntheses.import_archive":
        request.max_content_length = int(current_app.config["IMPORT_MAX_MB"] * 2**20)


@blueprint.post("/workshops/import")
@login_required
def import_archive() -> BaseResponse:
    """A JSON export becomes a new workshop here (archives, moving between instances).
    The upload is kept in a file for a child of the work process, which checks it whole
    and writes it (imports.py): this process only waits, its event loop free."""
    if not current_user.can_facilitate:
        raise Forbidden()
    upload = request.files.get("archive")
    if upload is None:
        raise InvalidInput(fields={"archive": [_("Choose a JSON export file.")]})
    folder = Path(current_app.instance_path) / "imports"  # privacy/services.py: purged
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(12)}.json"
    try:
        upload.save(path)
    finally:
        upload.close()
    user_id, locale = current_user.id, str(get_locale())
    db.session.commit()
    try:
        workshop_id = exporter().import_archive(user_id, path, locale)
    finally:
        path.unlink(missing_ok=True)
    return redirect(url_for("workshops.control", workshop_id=workshop_id))
