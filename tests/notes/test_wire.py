"""A note on the wire is exactly what its schema says: the hand-written dump (kept for
speed) never drifts from NoteSchema."""

from __future__ import annotations

from sqlalchemy import select

from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.notes.schemas import NoteSchema, wire


def test_every_kind_of_note_is_dumped_as_its_schema_dumps_it(workshop, screens, control):
    phone = screens(workshop)
    posted = [
        phone.send("note.post", area="ideas", text=text)["data"]["note"]["id"]
        for text in ("Simple", "Jaune 🟡", "<b>masquée</b>")
    ]
    assert control.send("note.moderate", id=posted[2], hidden=True)["ok"]
    group = control.send("group.create", title="Vélo")
    assert group["ok"], group
    assert control.send("note.place", id=posted[0], group_id=group["data"]["group"]["id"])["ok"]
    db.session.expire_all()
    notes = db.session.scalars(select(Note).order_by(Note.id)).all()
    assert [note.id for note in notes] == posted
    assert notes[0].group_id is not None
    assert notes[2].hidden
    schema = NoteSchema()
    for note in notes:
        assert wire(note) == schema.dump(note)
    unsaved = Note(workshop_id=workshop.id, area="ideas", text="Pas encore")
    assert wire(unsaved) == schema.dump(unsaved)  # nothing set yet: None, as the schema says
