"""Socket handlers for notes: post, edit, delete; moderation and grouping, of one note
or of a selection in one command."""

from __future__ import annotations

from typing import Any

from ..auth import Actor
from ..realtime.commands import command
from ..workshops.services import get_workshop
from . import selection, services
from .models import Note
from .schemas import (
    EditNoteSchema,
    MergeNoteSchema,
    MergeNotesSchema,
    ModerateNoteSchema,
    ModerateNotesSchema,
    NoteRefSchema,
    PlaceNoteSchema,
    PlaceNotesSchema,
    PostNoteSchema,
)


@command(services.POST, PostNoteSchema(), grouped=True, new_row=Note)
def post_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    note = services.post_note(actor, workshop, data["area"], data["text"], data["color"])
    return {"note": services.last_payload(workshop, note) | {"mine": True}}


@command("note.edit", EditNoteSchema(), grouped=True)
def edit_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    note = services.edit_note(actor, workshop, data["id"], data["text"])
    return {"note": services.last_payload(workshop, note)}


@command("note.delete", NoteRefSchema())
def delete_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    services.delete_note(actor, workshop, data["id"])
    return {"id": data["id"]}


@command("note.moderate", ModerateNoteSchema())
def moderate_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    note = services.set_hidden(actor, workshop, data["id"], data["hidden"])
    return {"note": services.payload(workshop, note)}


@command("note.merge", MergeNoteSchema())
def merge_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    target = services.merge_notes(actor, workshop, data["id"], data["into"])
    return {"id": data["id"], "into": target.id}


@command("note.place", PlaceNoteSchema())
def place_note(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    note = services.place_note(actor, workshop, data["id"], data["group_id"], data["position"])
    return {"note": services.payload(workshop, note)}


@command("notes.place", PlaceNotesSchema())
def place_notes(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    moved = selection.place_notes(actor, workshop, data["ids"], data["group_id"])
    return {"ids": [note.id for note in moved], "group_id": data["group_id"]}


@command("notes.moderate", ModerateNotesSchema())
def moderate_notes(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    changed = selection.moderate_notes(actor, workshop, data["ids"], data["hidden"])
    return {"ids": [note.id for note in changed], "hidden": data["hidden"]}


@command("notes.merge", MergeNotesSchema())
def merge_notes(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    workshop = get_workshop(actor.workshop_id)
    target = selection.merge_notes(actor, workshop, data["ids"], data["into"])
    return {"ids": data["ids"], "into": target.id}
