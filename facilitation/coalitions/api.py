"""REST: the coalition registry and its members."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from ..accounts.models import Role
from ..database import unit_of_work
from ..errors import NotFound
from ..extensions import limiter
from ..rest import require_user
from . import services
from .models import Status
from .schemas import (
    CoalitionChangeSchema,
    CoalitionFilterSchema,
    CoalitionInputSchema,
    CoalitionSchema,
    MemberInputSchema,
    MemberSchema,
    PublicMemberSchema,
)

blueprint = Blueprint(
    "coalitions_api",
    __name__,
    url_prefix="/api/coalitions",
    description="Coalition proposals and their members.",
)
STAFF = (Role.ADMIN, Role.FACILITATOR, Role.COORDINATOR)
PUBLIC_FIELDS = tuple(PublicMemberSchema().fields)


def _public(coalition_id: int) -> Any:
    """A coalition anyone may see: proposed or beyond, or any one for staff."""
    coalition = services.get(coalition_id)
    if coalition.status == Status.DRAFT and not current_user.is_authenticated:
        raise NotFound()
    return coalition


@blueprint.route("/")
class Coalitions(MethodView):
    @blueprint.arguments(CoalitionFilterSchema, location="query")
    @blueprint.response(200, CoalitionSchema(many=True))
    def get(self, filters: dict[str, Any]) -> Any:
        """The pipeline, filterable by status, theme and quality (staff)."""
        require_user(*STAFF)
        return services.search(**filters)

    @blueprint.arguments(CoalitionInputSchema)
    @blueprint.response(201, CoalitionSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a coalition."""
        user = require_user(*STAFF)
        with unit_of_work():
            return services.create(user, data)


@blueprint.route("/<id:coalition_id>")
class CoalitionItem(MethodView):
    @blueprint.response(200, CoalitionSchema)
    def get(self, coalition_id: int) -> Any:
        """A coalition (drafts only for staff)."""
        return _public(coalition_id)

    @blueprint.arguments(CoalitionChangeSchema(partial=True))
    @blueprint.response(200, CoalitionSchema)
    def patch(self, data: dict[str, Any], coalition_id: int) -> Any:
        """Change some fields; each change goes to the coalition's history."""
        user = require_user(*STAFF)
        coalition = services.get_for_edit(user, coalition_id)
        sent = request.get_json(silent=True) or {}
        data = {name: value for name, value in data.items() if name in sent}  # not defaults
        with unit_of_work(*services.workshops_of(coalition)):
            services.update(user, coalition, data)
        return coalition


@blueprint.route("/<id:coalition_id>/members")
class Members(MethodView):
    @blueprint.response(200, MemberSchema(many=True))
    def get(self, coalition_id: int) -> Any:
        """Its members; e-mail addresses only for those who edit it."""
        coalition = _public(coalition_id)
        members = services.members(coalition)
        if services.can_edit(current_user, coalition):
            return members
        # The response schema dumps what is returned: members without their address (an
        # already dumped list failed with a server error on its dates).
        return [SimpleNamespace(**{n: getattr(m, n) for n in PUBLIC_FIELDS}) for m in members]

    @blueprint.arguments(MemberInputSchema)
    @blueprint.response(201, PublicMemberSchema)
    @limiter.limit("10/minute;100/day")
    def post(self, data: dict[str, Any], coalition_id: int) -> Any:
        """Join a coalition (anyone, once it is proposed)."""
        coalition = _public(coalition_id)
        with unit_of_work(*services.workshops_of(coalition)):
            return services.join(coalition, data, via="web")
