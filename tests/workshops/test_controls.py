"""The facilitator's controls: phases, timer, lock, spotlight, end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from facilitation.database import utcnow
from facilitation.extensions import db
from facilitation.workshops.services import get_workshop


def ends_at(ack) -> datetime:
    return datetime.fromisoformat(ack["data"]["workshop"]["timer_ends_at"])


def test_the_facilitator_moves_forward_and_back(workshop, control):
    assert control.send("phase.move", index=2)["data"] == {"phase_index": 2}
    assert control.send("phase.move", index=1)["data"] == {"phase_index": 1}


def test_there_is_no_phase_beyond_the_last(control):
    assert control.send("phase.move", index=6)["error"]["code"] == "invalid"


def test_every_screen_hears_of_a_phase_change(workshop, screens, control):
    phone = screens(workshop)
    control.send("phase.move", index=1)
    assert [(e["type"], e["data"]["phase_index"]) for e in phone.events()] == [("phase.changed", 1)]


def test_the_timer_end_is_kept_by_the_server(workshop, screens, control):
    ack = control.send("timer.start", seconds=300)
    late = screens(workshop)
    assert (
        late.join_ack["snapshot"]["workshop"]["timer_ends_at"]
        == (ack["data"]["workshop"]["timer_ends_at"])
    )


def test_a_paused_timer_keeps_the_time_left_and_resumes(control):
    control.send("timer.start", seconds=300)
    paused = control.send("timer.pause")["data"]["workshop"]
    assert paused["timer_ends_at"] is None
    assert 298 <= paused["timer_remaining"] <= 300
    assert control.send("timer.resume")["data"]["workshop"]["timer_remaining"] is None


def test_adding_time_pushes_the_end(control):
    first = ends_at(control.send("timer.start", seconds=60))
    later = ends_at(control.send("timer.add", seconds=60))
    assert 59 <= (later - first).total_seconds() <= 61


def timer_after_move(control, index: int) -> dict:
    control.send("phase.move", index=index)
    changed = [e for e in control.events() if e["type"] == "phase.changed"]
    return {key: changed[-1]["data"][key] for key in ("timer_ends_at", "timer_remaining")}


def test_a_timer_stays_with_its_phase(control):
    control.send("timer.start", seconds=300)
    assert timer_after_move(control, 1) == {"timer_ends_at": None, "timer_remaining": None}


def test_coming_back_to_a_phase_finds_its_timer_paused(control):
    control.send("timer.start", seconds=300)
    timer_after_move(control, 1)
    control.send("timer.start", seconds=60)
    back = timer_after_move(control, 0)
    assert back["timer_ends_at"] is None
    assert 298 <= back["timer_remaining"] <= 300
    assert 58 <= timer_after_move(control, 1)["timer_remaining"] <= 60


def test_a_timer_whose_time_is_up_is_not_kept(control, workshop):
    control.send("timer.start", seconds=60)
    db.session.refresh(workshop)
    workshop.timer_ends_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    timer_after_move(control, 1)
    assert timer_after_move(control, 0) == {"timer_ends_at": None, "timer_remaining": None}


def test_a_timer_cannot_be_resumed_when_not_paused(control):
    assert control.send("timer.resume")["error"]["code"] == "conflict"


def test_a_timer_needs_a_sensible_duration(control):
    assert control.send("timer.start", seconds=0)["error"]["code"] == "invalid"
    assert control.send("timer.start", seconds="60")["error"]["code"] == "invalid"


def test_a_locked_board_takes_no_notes(workshop, screens, control):
    control.send("workshop.lock", locked=True)
    ack = screens(workshop).send("note.post", area="ideas", text="Trop tard")
    assert ack["error"]["code"] == "phase"


def test_an_unlocked_board_takes_notes_again(workshop, screens, control):
    control.send("workshop.lock", locked=True)
    control.send("workshop.lock", locked=False)
    assert screens(workshop).send("note.post", area="ideas", text="Enfin")["ok"]


def test_the_spotlight_shows_one_note(workshop, screens, control):
    note = screens(workshop).send("note.post", area="ideas", text="Celle-ci")["data"]["note"]
    ack = control.send("spotlight", target=f"note:{note['id']}")
    assert ack["data"]["workshop"]["spotlight"] == f"note:{note['id']}"
    assert control.send("spotlight", target=None)["data"]["workshop"]["spotlight"] is None


def test_the_spotlight_refuses_what_is_not_there(control):
    assert control.send("spotlight", target="note:999")["error"]["code"] == "not_found"


def test_an_ended_workshop_takes_nothing_more(workshop, screens, control):
    phone = screens(workshop)
    control.send("workshop.end")
    assert phone.send("note.post", area="ideas", text="Après")["error"]["code"] == "phase"
    assert get_workshop(workshop.id).ended_at is not None


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("phase.move", {"index": 1}),
        ("timer.start", {"seconds": 60}),
        ("timer.add", {"seconds": 60}),
        ("timer.pause", {}),
        ("timer.resume", {}),
        ("timer.stop", {}),
        ("workshop.lock", {"locked": True}),
        ("spotlight", {"target": None}),
        ("board.view", {"mode": "join", "focus": None, "page": None}),
        ("workshop.end", {}),
        ("results.reveal", {"revealed": True}),
        ("vote.rules", {"budget": 9, "max_per_item": 9}),
        ("group.create", {"title": "Groupe"}),
        ("canvas.groups", {"group_ids": []}),
    ],
)
def test_a_participant_cannot_use_a_facilitator_action(workshop, screens, name, payload):
    phone = screens(workshop)
    before = get_workshop(workshop.id).seq
    ack = phone.send(name, **payload)
    assert ack["error"]["code"] == "forbidden"
    assert get_workshop(workshop.id).seq == before
