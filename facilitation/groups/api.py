"""REST: a workshop's groups."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import Actor, ActorKind
from ..database import unit_of_work
from ..notes.api import facilitator
from ..workshops.api import readable
from . import services
from .schemas import GroupSchema, NewGroupSchema

blueprint = Blueprint(
    "groups_api",
    __name__,
    url_prefix="/api/workshops/<id:workshop_id>/groups",
    description="A workshop's groups of notes.",
)


@blueprint.route("/")
class Groups(MethodView):
    @blueprint.response(200, GroupSchema(many=True))
    def get(self, workshop_id: int) -> Any:
        """The workshop's groups, in order."""
        workshop = readable(workshop_id)
        return services.visible_groups(Actor(ActorKind.BOARD, workshop.id), workshop)

    @blueprint.arguments(NewGroupSchema)
    @blueprint.response(201, GroupSchema)
    def post(self, data: dict[str, Any], workshop_id: int) -> Any:
        """Create a group (facilitators of this workshop)."""
        workshop, actor = facilitator(workshop_id)
        with unit_of_work(workshop.id):
            return services.create_group(actor, workshop, data["title"], data["area"])
