"""REST: a workshop's notes."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.models import Role
from ..auth import Actor, ActorKind
from ..database import unit_of_work
from ..rest import require_user
from ..workshops import services as workshops
from ..workshops.api import readable
from . import services
from .schemas import NewNoteSchema, NoteChangeSchema, StaffNoteSchema

blueprint = Blueprint(
    "notes_api",
    __name__,
    url_prefix="/api/workshops/<id:workshop_id>/notes",
    description="A workshop's notes.",
)


def facilitator(workshop_id: int) -> tuple[Any, Actor]:
    user = require_user(Role.ADMIN, Role.FACILITATOR)
    workshop = workshops.workshop_for_staff(user, workshop_id)
    return workshop, Actor(ActorKind.FACILITATOR, workshop.id, user_id=user.id)


def _staff_view(workshop: Any, note: Any) -> dict[str, Any]:
    # The response schema formats the date itself (the payload's is already a string).
    return {**services.payload(workshop, note), "dots": note.dots, "created_at": note.created_at}


@blueprint.route("/")
class Notes(MethodView):
    @blueprint.response(200, StaffNoteSchema(many=True))
    def get(self, workshop_id: int) -> Any:
        """Every note on the board, hidden ones included (flagged)."""
        workshop = readable(workshop_id)
        staff = Actor(ActorKind.FACILITATOR, workshop.id)  # the record: hidden notes too
        return [_staff_view(workshop, note) for note in services.visible_notes(staff, workshop)]

    @blueprint.arguments(NewNoteSchema)
    @blueprint.response(201, StaffNoteSchema)
    def post(self, data: dict[str, Any], workshop_id: int) -> Any:
        """Post a note as the facilitator."""
        workshop, actor = facilitator(workshop_id)
        with unit_of_work(workshop.id):
            note = services.post_note(actor, workshop, data["area"], data["text"], data["color"])
            return _staff_view(workshop, note)


@blueprint.route("/<id:note_id>")
class NoteItem(MethodView):
    @blueprint.arguments(NoteChangeSchema)
    @blueprint.response(200, StaffNoteSchema)
    def patch(self, data: dict[str, Any], workshop_id: int, note_id: int) -> Any:
        """Fix a note's text or hide it (moderation)."""
        workshop, actor = facilitator(workshop_id)
        with unit_of_work(workshop.id):
            note = services.get_note(actor, note_id)
            if data["text"] is not None:
                services.edit_note(actor, workshop, note_id, data["text"])
            if data["hidden"] is not None:
                services.set_hidden(actor, workshop, note_id, data["hidden"])
            return _staff_view(workshop, note)
