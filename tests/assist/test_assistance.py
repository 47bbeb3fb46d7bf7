"""Grouping assistance: vectors computed after the ack, suggestions that stay
suggestions, duplicates flagged to the staff alone."""

from __future__ import annotations

from sqlalchemy import func, select

from facilitation.assist.models import NoteVector
from facilitation.assist.services import digest
from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.realtime.models import Event

from .conftest import eventually

MEETINGS = [
    "Trop de réunions sans ordre du jour",
    "Our meetings always overrun",
    "Des réunions plus courtes",
]
PARKING = [
    "Le parking est toujours plein",
    "There is never a parking space",
    "Plus de places de parking",
]


def post(screen, text: str, area: str = "ideas") -> int:
    ack = screen.send("note.post", area=area, text=text)
    assert ack["ok"], ack
    return ack["data"]["note"]["id"]


def logged(workshop) -> int:
    """The workshop's events but the duplicate flags (posting goes on in the background)."""
    db.session.rollback()
    query = select(func.count(Event.id)).where(
        Event.workshop_id == workshop.id, Event.type != "assist.duplicate"
    )
    return db.session.scalar(query)


def vector_of(note_id: int) -> NoteVector | None:
    return db.session.get(NoteVector, note_id)


def test_a_posted_note_is_acked_first_and_gets_its_vector_after(workshop, screens):
    phone = screens(workshop)
    note_id = post(phone, "Des jardins partagés")
    stored = eventually(lambda: vector_of(note_id))
    assert stored is not None
    assert stored.digest == digest("Des jardins partagés")
    assert len(stored.vector) == 2048


def test_an_edited_note_gets_the_vector_of_its_new_text(workshop, screens):
    phone = screens(workshop)
    note_id = post(phone, "Des jardins partagés")
    eventually(lambda: vector_of(note_id))
    assert phone.send("note.edit", id=note_id, text="Des vergers partagés")["ok"]
    assert eventually(
        lambda: (v := vector_of(note_id)) and v.digest == digest("Des vergers partagés")
    )


def test_a_duplicate_is_flagged_to_the_staff_and_reaches_no_phone(
    workshop, screens, control, facilitator
):
    board = screens(workshop, "board", user=facilitator)
    first, second = screens(workshop, nickname="Ada"), screens(workshop, nickname="Bob")
    original = post(first, "Trop de réunions sans ordre du jour")
    eventually(lambda: vector_of(original))
    copy = post(second, "Too many meetings without an agenda")

    def flagged():
        return [e for e in control.events() if e["type"] == "assist.duplicate"]

    events = eventually(flagged)
    assert [(e["data"]["id"], [d["id"] for d in e["data"]["of"]]) for e in events] == [
        (copy, [original])
    ]
    assert events[0]["audience"] == "staff"
    assert any(e["type"] == "assist.duplicate" for e in board.events())
    for phone in (first, second):
        assert all(e["type"] != "assist.duplicate" for e in phone.events())


def test_a_note_on_the_same_theme_that_says_something_else_is_not_flagged(
    workshop, screens, control
):
    phone = screens(workshop)
    first = post(phone, "Trop de réunions sans ordre du jour")
    eventually(lambda: vector_of(first))
    second = post(phone, "Une journée par semaine sans aucune réunion")
    eventually(lambda: vector_of(second))
    assert all(e["type"] != "assist.duplicate" for e in control.events())


def test_suggested_groups_leave_every_note_loose_and_log_nothing(workshop, screens, control):
    phone = screens(workshop)
    ids = [post(phone, text) for text in MEETINGS + PARKING]
    head = logged(workshop)
    ack = control.emit("assist.suggest", {"area": "ideas"})
    assert ack["ok"], ack
    groups = [set(group["notes"]) for group in ack["groups"]]
    assert set(ids[:3]) in groups or set(ids[3:]) in groups
    for group in ack["groups"]:
        assert group["area"] == "ideas"
        assert group["title"] == db.session.get(Note, group["notes"][0]).text
    assert logged(workshop) == head
    assert all(db.session.get(Note, i).group_id is None for i in ids)


def test_the_loose_notes_most_like_a_group_are_offered_first(workshop, screens, control):
    phone = screens(workshop)
    ids = [post(phone, text) for text in MEETINGS + PARKING]
    created = control.send("group.create", title="Réunions", area="ideas")
    assert created["ok"], created
    group = created["data"]["group"]["id"]
    assert control.send("note.place", id=ids[0], group_id=group, position=0)["ok"]
    ack = control.emit("assist.similar", {"group_id": group, "limit": 2})
    assert ack["ok"], ack
    assert {note["id"] for note in ack["notes"]} == set(ids[1:3])
    assert db.session.get(Note, ids[1]).group_id is None


def test_a_phone_cannot_ask_for_suggestions(workshop, screens):
    phone = screens(workshop)
    post(phone, "Des jardins partagés")
    assert phone.emit("assist.suggest", {})["error"]["code"] == "forbidden"
    assert phone.emit("assist.similar", {"group_id": 1})["error"]["code"] == "forbidden"


def test_a_malformed_or_foreign_group_is_refused(workshop, control):
    def refusal(name: str, payload: dict) -> str:
        return control.emit(name, payload)["error"]["code"]

    assert refusal("assist.similar", {"group_id": "1"}) == "invalid"
    assert refusal("assist.similar", {"group_id": 1, "limit": 500}) == "invalid"
    assert refusal("assist.suggest", {"area": ""}) == "invalid"
    assert refusal("assist.similar", {"group_id": 999}) == "not_found"


def test_notes_posted_together_are_checked_in_one_order_and_only_the_later_is_flagged(
    app, workshop, screens, control
):
    from facilitation.assist import hooks

    phone = screens(workshop)
    other = post(phone, "Le parking est toujours plein")
    eventually(lambda: vector_of(other))
    with app.app_context():
        app.config["NOTE_VECTORS"] = False  # the two are checked here, together
        first = post(phone, "Trop de réunions sans ordre du jour")
        second = post(phone, "Too many meetings without an agenda")
        hooks.check([first, second])
        app.config["NOTE_VECTORS"] = True
    flags = [e["data"] for e in control.events() if e["type"] == "assist.duplicate"]
    assert [(f["id"], [d["id"] for d in f["of"]]) for f in flags] == [(second, [first])]
    assert vector_of(first) is not None
    assert vector_of(second) is not None
