"""REST: workshops, their results and their exports."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.models import Role
from ..database import unit_of_work
from ..errors import NotFound
from ..polls import services as polls
from ..polls.schemas import PollsOutSchema
from ..ratings import services as ratings
from ..ratings.schemas import RatingsOutSchema
from ..reactions import services as reactions
from ..reactions.schemas import OpinionsOutSchema
from ..rest import require_user
from ..rules import format_of, phase_of
from ..syntheses import exports
from ..syntheses.services import participation
from ..syntheses.views import export_file
from ..votes import services as votes
from ..votes.schemas import ResultsSchema
from . import services
from .models import Workshop
from .schemas import (
    CreateWorkshopSchema,
    WorkshopDetailSchema,
    WorkshopOutSchema,
    phase_summary,
)

blueprint = Blueprint(
    "workshops_api",
    __name__,
    url_prefix="/api/workshops",
    description="Workshops, their results and their exports.",
)
STAFF = (Role.ADMIN, Role.FACILITATOR, Role.COORDINATOR)
COLUMNS = Workshop.__mapper__.column_attrs


def readable(workshop_id: int) -> Any:
    return services.workshop_for_reader(require_user(*STAFF), workshop_id)


@blueprint.route("/")
class Workshops(MethodView):
    @blueprint.response(200, WorkshopOutSchema(many=True))
    def get(self) -> Any:
        """The workshops you may read (every one for coordinators and admins)."""
        return services.readable_workshops(require_user(*STAFF))

    @blueprint.arguments(CreateWorkshopSchema)
    @blueprint.response(201, WorkshopOutSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a workshop from a format (facilitators and admins)."""
        user = require_user(Role.ADMIN, Role.FACILITATOR)
        with unit_of_work():
            return services.create_workshop(
                user, data["format"], data["title"], data["question"], data["language"]
            )


@blueprint.route("/<id:workshop_id>")
class WorkshopItem(MethodView):
    @blueprint.response(200, WorkshopDetailSchema)
    def get(self, workshop_id: int) -> Any:
        """A workshop, its current phase and its participation figures."""
        workshop = readable(workshop_id)
        # The response schema reads the workshop's own values (a code to format, dates):
        # handing it an already dumped dict failed with a server error.
        columns = {column.key: getattr(workshop, column.key) for column in COLUMNS}
        return SimpleNamespace(
            **columns,
            phase=phase_summary(phase_of(workshop), format_of(workshop)),
            participation=participation(workshop),
        )


@blueprint.route("/<id:workshop_id>/results")
class Results(MethodView):
    @blueprint.response(200, ResultsSchema)
    def get(self, workshop_id: int) -> Any:
        """Dots per item and the ranking (ties share a rank)."""
        workshop = readable(workshop_id)
        return {**votes.totals(workshop), "results": votes.results(workshop)}


@blueprint.route("/<id:workshop_id>/opinions")
class Opinions(MethodView):
    @blueprint.response(200, OpinionsOutSchema)
    def get(self, workshop_id: int) -> Any:
        """Agree / disagree / pass: each note's counts, how many participants answered, and
        the opinion map as the facilitator last revealed it (null while it is hidden)."""
        workshop = readable(workshop_id)
        return {"counts": reactions.counts(workshop), "opinions": reactions.published(workshop)}


@blueprint.route("/<id:workshop_id>/ratings")
class Ratings(MethodView):
    @blueprint.response(200, RatingsOutSchema)
    def get(self, workshop_id: int) -> Any:
        """Ratings: how many rated each item on each criterion, and each rating phase's
        results per item and criterion (distribution, median, quartiles), with whether the
        facilitator revealed them to the screens."""
        return ratings.staff_view(readable(workshop_id))


@blueprint.route("/<id:workshop_id>/polls")
class Polls(MethodView):
    @blueprint.response(200, PollsOutSchema)
    def get(self, workshop_id: int) -> Any:
        """Quick polls: each poll (declared by a poll phase, or asked live), its options,
        whether it is open, shown and revealed, and its counts per option with how many
        answered — revealed or not."""
        return polls.staff_view(readable(workshop_id))


@blueprint.route("/<id:workshop_id>/exports/<string:kind>")
class Exports(MethodView):
    @blueprint.response(
        200, {"format": "binary", "type": "string"}, content_type="application/octet-stream"
    )
    def get(self, workshop_id: int, kind: str) -> Response:
        """A synthesis or export: md, html, pdf, odt, docx, notes.csv, votes.csv,
        reactions.csv, ratings.csv, polls.csv, json."""
        workshop = readable(workshop_id)
        if kind not in exports.EXPORTS:
            raise NotFound()
        return export_file(workshop, kind)
