"""A coalition proposal's page through the seven #Reset qualities: what its workshops and
the team rated, and the team's own form (signed-in staff)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..coalitions import services as coalitions
from ..coalitions.models import Coalition, Status
from ..database import unit_of_work
from ..errors import InvalidInput
from . import proposals

blueprint = Blueprint("ratings", __name__, url_prefix="/coalitions")


def _readable(coalition_id: int) -> Coalition:
    """As its page: anyone reads a proposed coalition; a draft is for the team."""
    coalition = coalitions.get(coalition_id)
    if coalition.status == Status.DRAFT and not getattr(current_user, "is_authenticated", False):
        abort(404)
    return coalition


def _page(coalition: Coalition, values: dict[str, Any], errors: dict[str, Any]) -> str:
    locale = str(get_locale())
    return render_template(
        "ratings/qualities.html",
        coalition=coalition,
        criteria=proposals.criteria(),
        locale=locale,
        team=proposals.team(coalition, locale),
        workshops=proposals.workshops(coalition, locale),
        can_rate=proposals.can_rate(current_user),
        values=values,
        errors=errors,
    )


@blueprint.get("/<id:coalition_id>/qualities")
def qualities(coalition_id: int) -> str:
    coalition = _readable(coalition_id)
    return _page(coalition, proposals.mine(current_user, coalition), {})


def _values(form: Any) -> dict[str, int | None]:
    """The form's choices: a value per quality ("" withdraws it); not a number is -99,
    which no scale holds (the service says so)."""
    values: dict[str, int | None] = {}
    for criterion in proposals.criteria():
        raw = form.get(criterion.key, "").strip()
        values[criterion.key] = None if not raw else int(raw) if raw.lstrip("-").isdigit() else -99
    return values


@blueprint.post("/<id:coalition_id>/qualities")
@login_required
def rate(coalition_id: int) -> Response | tuple[str, int]:
    coalition = _readable(coalition_id)
    values = _values(request.form)
    try:
        with unit_of_work():
            proposals.rate(current_user, coalition, values)
    except InvalidInput as error:
        return _page(coalition, values, error.details.get("fields", {})), 422
    flash(_("Your ratings were saved."), "ok")
    return redirect(url_for(".qualities", coalition_id=coalition.id))
