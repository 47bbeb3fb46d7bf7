"""Coalition pages: the pipeline, a coalition (public once proposed), editing, pledging."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from ..accounts.models import Role
from ..database import unit_of_work
from ..errors import Forbidden
from ..extensions import limiter
from ..ratings import proposals
from . import forms, services
from .models import QUALITIES, Status
from .schemas import CoalitionFilterSchema, CoalitionInputSchema, MemberInputSchema

blueprint = Blueprint("coalitions", __name__, url_prefix="/coalitions")


def _require_staff() -> None:
    if current_user.role not in (Role.ADMIN, Role.COORDINATOR, Role.FACILITATOR):
        raise Forbidden()


@blueprint.get("/")
@login_required
def index() -> str:
    """The pipeline across all workshops, filterable by status, theme and quality."""
    _require_staff()
    filters = CoalitionFilterSchema().load(
        {
            key: value
            for key, value in request.args.items()
            if key in ("status", "theme", "quality") and value
        }
    )
    found = services.search(**filters)
    counts = services.member_counts([coalition.id for coalition in found])
    return render_template(
        "coalitions/index.html",
        coalitions=found,
        counts=counts,
        filters=filters,
        statuses=list(Status),
        qualities=QUALITIES,
        themes=services.themes(),
    )


@blueprint.get("/<id:coalition_id>")
def detail(coalition_id: int) -> str:
    """Anyone may read a proposed coalition and pledge to it; drafts are for the team."""
    coalition = services.get(coalition_id)
    editor = services.can_edit(current_user, coalition)
    staff = getattr(current_user, "is_authenticated", False)
    if coalition.status == Status.DRAFT and not staff:
        abort(404)
    return render_template(
        "coalitions/detail.html",
        coalition=coalition,
        editor=editor,
        admin=staff and current_user.role == Role.ADMIN,
        members=services.members(coalition),
        origins=services.origins(coalition),
        history=services.history(coalition) if editor else [],
        pledge_form={},
        qualities=proposals.overview(coalition),
    )


def _form_page(coalition: Any, values: dict[str, Any], errors: dict[str, Any], status: int = 200):  # type: ignore[no-untyped-def]
    page = render_template(
        "coalitions/form.html",
        coalition=coalition,
        values=values,
        errors=errors,
        statuses=list(Status),
        qualities=QUALITIES,
    )
    return page, status


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create():  # type: ignore[no-untyped-def]
    _require_staff()
    if request.method == "GET":
        return _form_page(None, forms.to_form(None), {})
    try:
        fields = CoalitionInputSchema().load(forms.from_form(request.form))
    except ValidationError as error:
        return _form_page(None, request.form.to_dict(), error.messages, 422)
    with unit_of_work():
        coalition = services.create(current_user, fields)
    flash(_("The coalition was created."), "ok")
    return redirect(url_for(".detail", coalition_id=coalition.id))


@blueprint.route("/<id:coalition_id>/edit", methods=["GET", "POST"])
@login_required
def edit(coalition_id: int):  # type: ignore[no-untyped-def]
    coalition = services.get_for_edit(current_user, coalition_id)
    if request.method == "GET":
        return _form_page(coalition, forms.to_form(coalition), {})
    try:
        fields = CoalitionInputSchema().load(forms.from_form(request.form))
    except ValidationError as error:
        values = {**request.form.to_dict(), "qualities": request.form.getlist("qualities")}
        return _form_page(coalition, values, error.messages, 422)
    with unit_of_work(*services.workshops_of(coalition)):
        services.update(current_user, coalition, fields)
    flash(_("The coalition was saved."), "ok")
    return redirect(url_for(".detail", coalition_id=coalition.id))


@blueprint.post("/<id:coalition_id>/pledge")
@limiter.limit("10/minute;100/day")
def pledge(coalition_id: int) -> Response | tuple[str, int]:
    """Join a coalition from the web: name, organisation, role, optional e-mail."""
    coalition = services.get(coalition_id)
    if coalition.status == Status.DRAFT and not getattr(current_user, "is_authenticated", False):
        abort(404)
    fields = {key: request.form.get(key, "") for key in ("name", "organisation", "role", "email")}
    fields["email"] = fields["email"] or None
    try:
        data = MemberInputSchema().load(fields)
    except ValidationError as error:
        page = render_template(
            "coalitions/detail.html",
            coalition=coalition,
            editor=False,
            members=services.members(coalition),
            origins=services.origins(coalition),
            history=[],
            pledge_form=fields,
            pledge_errors=error.messages,
            qualities=proposals.overview(coalition),
        )
        return page, 422
    with unit_of_work(*services.workshops_of(coalition)):
        services.join(coalition, data, via="web")
    flash(_("Thank you: you are now a member of this coalition."), "ok")
    return redirect(url_for(".detail", coalition_id=coalition.id))
