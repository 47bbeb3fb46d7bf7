"""/dashboard: every workshop (date, format, participation, outcomes) and the pipeline."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..coalitions.models import Status
from ..errors import Forbidden
from ..rules import formats
from ..workshops.codes import display_code
from ..workshops.services import can_run
from . import services

blueprint = Blueprint("dashboard", __name__)


@blueprint.get("/dashboard")
@login_required
def index() -> str:
    if current_user.role not in ("admin", "coordinator", "facilitator"):
        raise Forbidden()
    return render_template(
        "dashboard/index.html",
        rows=services.workshop_rows(current_user),
        pipeline=services.pipeline_counts(),
        statuses=list(Status),
        formats=formats(),
        display_code=display_code,
        can_run=lambda workshop: can_run(current_user, workshop),
    )
