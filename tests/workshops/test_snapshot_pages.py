"""A big workshop's snapshot comes in pages of bounded size that a screen assembles into
the database's state, whatever changes between the pages."""

from __future__ import annotations

from typing import Any

from facilitation.auth import Actor, ActorKind
from facilitation.database import unit_of_work
from facilitation.notes import services as notes
from facilitation.realtime.paging import PAGE_BYTES, size_of
from facilitation.workshops.services import get_workshop
from facilitation.workshops.snapshots import SECTIONS

from ..bulk import insert_notes
from ..realtime.test_resync import database_view
from ..sockets import assemble


def entity_bytes(page: dict[str, Any]) -> int:
    return sum(size_of(item) for name in SECTIONS for item in page[name])


def join_raw(screens, workshop, facilitator, role="board") -> tuple[Any, dict[str, Any]]:
    """A screen that sends ``join`` itself: the ack as it comes, its first page only."""
    screen = screens(workshop, role, user=facilitator, join=False)
    ack = screen.emit("join", {"code": workshop.code, "role": role})
    assert ack["ok"], ack
    return screen, ack["snapshot"]


def test_a_big_workshops_snapshot_comes_in_pages_no_bigger_than_the_bound(
    workshop, screens, facilitator
):
    ids = insert_notes(workshop.id, 1500)
    board, first = join_raw(screens, workshop, facilitator)
    pages, cursor = [first], first["next"]
    while cursor is not None:
        ack = board.page(cursor)
        pages.append(ack["page"])
        cursor = ack["next"]
    assert len(pages) >= 3
    assert all(entity_bytes(page) <= PAGE_BYTES for page in pages)
    assert [note["id"] for page in pages for note in page["notes"]] == ids


def test_pages_assemble_into_the_database_state_whatever_changes_between_them(
    workshop, screens, facilitator
):
    ids = insert_notes(workshop.id, 1200)
    control = screens(workshop, "control", user=facilitator)
    group = control.send("group.create", title="Mobilités", area=None)["data"]["group"]
    board, first = join_raw(screens, workshop, facilitator)
    sent = [note["id"] for note in first["notes"]]
    unsent = [ident for ident in ids if ident > sent[-1]]
    control.send("note.edit", id=sent[0], text="Corrigée après la première page")
    control.send("note.delete", id=sent[1])
    control.send("note.edit", id=unsent[0], text="Corrigée avant sa page")
    control.send("note.delete", id=unsent[1])
    control.send("note.post", area="ideas", text="Arrivée pendant le chargement")
    control.send("group.update", id=group["id"], title="Mobilités douces", position=None)
    board.state.load(assemble(first, board.page))
    board.events()  # those that arrived meanwhile, all after the snapshot's head
    assert board.state == database_view(workshop.id)


def test_a_phones_pages_hold_only_what_it_may_see(workshop, screens, facilitator):
    phone = screens(workshop, join=False)
    other = screens(workshop, join=False)
    insert_notes(workshop.id, 1200, authors=[phone.participant.id, other.participant.id])
    ack = phone.join()  # silent writing: a phone sees its own notes only
    assert len(ack["snapshot"]["notes"]) == 600
    assert all(note["mine"] for note in ack["snapshot"]["notes"])


def test_a_replay_too_big_for_one_page_becomes_a_snapshot(workshop, screens, facilitator):
    control = screens(workshop, "control", user=facilitator)
    since = control.state.seq
    actor = Actor(ActorKind.FACILITATOR, workshop.id, user_id=facilitator.id)
    with unit_of_work(workshop.id):
        for index in range(450):  # fewer events than a replay may hold, more bytes
            text = f"{index} " + "é" * 270
            notes.post_note(actor, get_workshop(workshop.id), "ideas", text, None)
    ack = control.emit("sync", {"since": since})
    assert "events" not in ack
    assert entity_bytes(ack["snapshot"]) <= PAGE_BYTES
    assert len(assemble(ack["snapshot"], control.page)["notes"]) == 450


def test_a_cursor_beyond_the_workshops_head_is_refused(workshop, screens, facilitator):
    board, first = join_raw(screens, workshop, facilitator)
    ack = board.page({"head": first["head"] + 1, "section": "notes", "after": 0})
    assert ack["error"]["code"] == "conflict"
