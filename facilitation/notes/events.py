"""Socket handlers for notes: post, edit, delete."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import services
from .schemas import EditNoteSchema, NoteRefSchema, PostNoteSchema


@command("note.post", PostNoteSchema())
def post_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    note = services.post_note(actor, workshop, data["area"], data["text"], data["color"])
    return {"note": services.payload(workshop, note) | {"mine": True}}


@command("note.edit", EditNoteSchema())
def edit_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    note = services.edit_note(actor, workshop, data["id"], data["text"])
    return {"note": services.payload(workshop, note)}


@command("note.delete", NoteRefSchema())
def delete_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    services.delete_note(actor, workshop, data["id"])
    return {"id": data["id"]}
