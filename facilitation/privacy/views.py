"""The admin's deletions: a workshop with everything its participants gave, and a
coalition member's personal data; and a member's data as a JSON download."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from ..accounts.models import Role
from ..coalitions.models import Coalition
from ..database import unit_of_work
from ..errors import Forbidden
from ..extensions import db
from . import services

blueprint = Blueprint("privacy", __name__)


def _require_admin() -> None:
    if current_user.role != Role.ADMIN:
        raise Forbidden()


def _export_folder() -> Path:
    return Path(current_app.config["EXPORT_CACHE_DIR"])


@blueprint.get("/workshops/<id:workshop_id>/delete")
@login_required
def confirm_workshop(workshop_id: int) -> str:
    """What deleting the workshop removes, and the button that does it."""
    _require_admin()
    workshop = services.get_workshop(workshop_id)
    return render_template(
        "privacy/delete_workshop.html", workshop=workshop, goes=services.what_goes(workshop.id)
    )


@blueprint.post("/workshops/<id:workshop_id>/delete")
@login_required
def delete_workshop(workshop_id: int) -> BaseResponse:
    _require_admin()
    with unit_of_work(*services.turns_for_deletion(workshop_id)):
        services.delete_workshop(workshop_id, _export_folder())
    flash(_("The workshop and everything its participants gave were deleted."), "ok")
    return redirect(url_for("workshops.index"))


@blueprint.get("/coalitions/members/<id:member_id>/forget")
@login_required
def confirm_member(member_id: int) -> str:
    _require_admin()
    member = services.get_member(member_id)
    found = services.memberships(member)
    titles = {
        coalition.id: coalition.title
        for coalition in db.session.scalars(
            db.select(Coalition).where(Coalition.id.in_({m.coalition_id for m in found}))
        )
    }
    return render_template(
        "privacy/forget_member.html", member=member, memberships=found, titles=titles
    )


@blueprint.post("/coalitions/members/<id:member_id>/forget")
@login_required
def forget_member(member_id: int) -> BaseResponse:
    _require_admin()
    coalition_id = services.get_member(member_id).coalition_id
    with unit_of_work(*services.workshops_of_member(member_id)):
        services.forget_member(member_id, _export_folder())
    flash(_("This person's name, organisation and e-mail address were deleted."), "ok")
    return redirect(url_for("coalitions.detail", coalition_id=coalition_id))


@blueprint.get("/coalitions/members/<id:member_id>/data.json")
@login_required
def member_data(member_id: int) -> BaseResponse:
    """Everything stored that this person gave, for them (their right of access)."""
    _require_admin()
    record = services.member_record(services.get_member(member_id))
    body = json.dumps(record, ensure_ascii=False, indent=2)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="member-{member_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
