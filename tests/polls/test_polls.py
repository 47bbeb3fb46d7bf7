"""Quick polls: a question with options, declared by a format's poll phase or asked live
by the facilitator. One answer per participant, changeable while the poll is open, within
its choice bounds; staff follow how many answered, the facilitator alone reads the counts;
everyone sees them once revealed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from facilitation.extensions import db
from facilitation.polls.models import Poll, PollAnswer

LATEST = {"since": 2**31 - 1}
QUALITIES_FR = [
    "Inclusif",
    "Frugal",
    "Démocratique",
    "Protecteur",
    "Innovant",
    "Capacitant",
    "Équitable",
]


@pytest.fixture
def workshop(create_workshop):
    return create_workshop("reset_day")


def stored() -> list[tuple[int, int, list[int]]]:
    rows = db.session.execute(
        select(PollAnswer.poll_id, PollAnswer.participant_id, PollAnswer.choices)
    )
    db.session.rollback()
    return sorted((poll, participant, list(choices)) for poll, participant, choices in rows)


def events_of(screen, type_: str) -> list[dict[str, Any]]:
    return [event["data"] for event in screen.events() if event["type"] == type_]


def ask(control, **fields: Any) -> int:
    """A live poll, asked by the facilitator: its id."""
    payload = {"question": "Quel jour ?", "options": ["Lundi", "Mardi", "Jeudi"], **fields}
    ack = control.send("poll.create", **payload)
    assert ack["ok"], ack
    return ack["data"]["poll"]["id"]


def answer(screen, poll_id: int, *choices: int, **extra: Any) -> dict[str, Any]:
    return screen.send("poll.answer", poll_id=poll_id, choices=list(choices), **extra)


def polls_seen(screen) -> list[dict[str, Any]]:
    return screen.emit("sync", LATEST)["snapshot"]["polls"]


# --- A poll declared by the format -------------------------------------------------------


def test_the_reset_day_asks_which_quality_matters_most_when_it_reaches_its_poll(
    workshop, screens, control, go_to
):
    phone = screens(workshop)
    assert polls_seen(phone) == []
    go_to("priority")
    (poll,) = polls_seen(phone)
    assert poll["phase"] == "priority"
    assert poll["question"]["fr"] == (
        "Laquelle des sept qualités compte le plus pour cette coalition ?"
    )
    assert [option["fr"] for option in poll["options"]] == QUALITIES_FR
    assert poll["options"][5] == {"fr": "Capacitant", "en": "Capacitating"}
    assert (poll["multiple"], poll["max_choices"]) == (False, 1)
    assert (poll["open"], poll["shown"], poll["revealed"], poll["results"]) == (
        True,
        True,
        False,
        None,
    )
    assert answer(phone, poll["id"], 2)["data"] == {
        "poll_answer": {"poll_id": poll["id"], "choices": [2]}
    }


def test_leaving_the_poll_phase_closes_its_poll_and_coming_back_opens_the_same_one(
    workshop, screens, control, go_to
):
    phone = screens(workshop)
    go_to("priority")
    (poll,) = polls_seen(phone)
    answer(phone, poll["id"], 1)
    go_to("qualities")
    (closed,) = polls_seen(phone)
    assert (closed["id"], closed["open"], closed["shown"]) == (poll["id"], False, False)
    ack = answer(phone, poll["id"], 3)
    assert ack["error"]["code"] == "phase"
    assert ack["error"]["message"] == "Ce sondage est fermé."  # the workshop's language
    go_to("priority")
    (again,) = polls_seen(phone)
    assert (again["id"], again["open"]) == (poll["id"], True)
    assert phone.emit("sync", LATEST)["snapshot"]["me"]["polls"] == {str(poll["id"]): [1]}


# --- A poll asked live -------------------------------------------------------------------


def test_the_facilitator_asks_a_poll_live_in_the_workshops_language_on_top_of_any_phase(
    workshop, screens, control
):
    phone = screens(workshop)
    phone.events()
    poll_id = ask(control, multiple=True, max_choices=2)
    (changed,) = events_of(phone, "poll.changed")
    poll = changed["poll"]
    assert poll["id"] == poll_id
    assert poll["phase"] is None
    assert poll["question"] == {"fr": "Quel jour ?"}
    assert poll["options"] == [{"fr": "Lundi"}, {"fr": "Mardi"}, {"fr": "Jeudi"}]
    assert (poll["multiple"], poll["max_choices"], poll["open"], poll["shown"]) == (
        True,
        2,
        True,
        True,
    )
    assert answer(phone, poll_id, 2, 0)["data"]["poll_answer"]["choices"] == [0, 2]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"options": ["Seule"]}, "options"),
        ({"options": [f"Option {n}" for n in range(11)]}, "options"),
        ({"options": ["Oui", "oui"]}, "options"),
        ({"options": ["Oui", ""]}, "options"),
        ({"question": ""}, "question"),
        ({"question": "x" * 301}, "question"),
        ({"multiple": "yes"}, "multiple"),
        ({"max_choices": 2}, "max_choices"),
        ({"multiple": True, "max_choices": 5}, "max_choices"),
    ],
)
def test_a_malformed_live_poll_is_invalid_and_creates_nothing(workshop, control, fields, field):
    payload = {"question": "Quel jour ?", "options": ["Lundi", "Mardi"], **fields}
    ack = control.send("poll.create", **payload)
    assert ack["error"]["code"] == "invalid", ack
    assert field in ack["error"]["fields"], ack
    assert db.session.scalars(select(Poll)).all() == []


def test_participants_and_boards_neither_ask_nor_steer_polls(workshop, screens, control):
    poll_id = ask(control)
    phone = screens(workshop)
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    for screen in (phone, board):
        assert screen.send("poll.create", question="Q ?", options=["a", "b"])["error"]["code"] == (
            "forbidden"
        )
        for name in ("poll.open", "poll.close", "poll.hide"):
            assert screen.send(name, poll_id=poll_id)["error"]["code"] == "forbidden"
        ack = screen.send("poll.reveal", poll_id=poll_id, revealed=True)
        assert ack["error"]["code"] == "forbidden"
        assert screen.emit("poll.counts", {"poll_id": poll_id})["error"]["code"] == "forbidden"


# --- Answers -----------------------------------------------------------------------------


def test_one_answer_per_participant_per_poll_the_last_one_counts(workshop, screens, control):
    poll_id = ask(control)
    phone, other = screens(workshop), screens(workshop, nickname="Bob")
    assert answer(phone, poll_id, 0)["ok"]
    assert answer(phone, poll_id, 2)["ok"]
    assert answer(other, poll_id, 2)["ok"]
    rows = stored()
    assert [(poll, choices) for poll, _, choices in rows] == [(poll_id, [2]), (poll_id, [2])]
    assert len({participant for _, participant, _ in rows}) == 2
    counts = control.emit("poll.counts", {"poll_id": poll_id})
    assert counts["ok"]
    assert counts["counts"] == [0, 0, 2]
    assert counts["answered"] == 2


@pytest.mark.parametrize(
    ("multiple", "max_choices", "choices", "accepted"),
    [
        (False, None, [1], True),
        (False, None, [0, 1], False),
        (True, None, [0, 1, 2], True),
        (True, 2, [0, 2], True),
        (True, 2, [0, 1, 2], False),
    ],
)
def test_a_poll_takes_as_many_choices_as_it_allows(
    workshop, screens, control, multiple, max_choices, choices, accepted
):
    fields: dict[str, Any] = {"multiple": multiple}
    if max_choices:
        fields["max_choices"] = max_choices
    poll_id = ask(control, **fields)
    ack = answer(screens(workshop), poll_id, *choices)
    assert ack["ok"] is accepted, ack
    if not accepted:
        assert ack["error"]["code"] == "invalid"
        message = ack["error"]["fields"]["choices"][0]
        expected = "Choisissez au plus 2 options." if multiple else "Choisissez une seule option."
        assert message == expected
    assert len(stored()) == (1 if accepted else 0)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"choices": []}, "choices"),
        ({"choices": [3]}, "choices"),
        ({"choices": [-1]}, "choices"),
        ({"choices": ["1"]}, "choices"),
        ({"choices": [1, 1]}, "choices"),
        ({"choices": 1}, "choices"),
        ({"poll_id": "1", "choices": [1]}, "poll_id"),
        ({"poll_id": 0, "choices": [1]}, "poll_id"),
    ],
)
def test_a_malformed_answer_is_invalid_and_changes_nothing(
    workshop, screens, control, payload, field
):
    poll_id = ask(control)
    ack = screens(workshop).send("poll.answer", **{"poll_id": poll_id, **payload})
    assert ack["error"]["code"] == "invalid", ack
    assert field in ack["error"]["fields"], ack
    assert stored() == []


def test_an_unknown_option_names_the_options_the_poll_has(workshop, screens, control):
    poll_id = ask(control)
    ack = answer(screens(workshop), poll_id, 7)
    assert "les options 0 à 2" in ack["error"]["fields"]["choices"][0]


def test_a_poll_of_another_workshop_is_not_found(workshop, create_workshop, screens, control):
    poll_id = ask(control)
    elsewhere = create_workshop("reset_day", title="Ailleurs")
    phone = screens(elsewhere)
    assert answer(phone, poll_id, 0)["error"]["code"] == "not_found"
    assert answer(phone, poll_id + 100, 0)["error"]["code"] == "not_found"
    assert stored() == []


def test_a_closed_poll_takes_no_answer_until_it_opens_again(workshop, screens, control):
    poll_id = ask(control)
    phone = screens(workshop)
    answer(phone, poll_id, 0)
    assert control.send("poll.close", poll_id=poll_id)["data"]["poll"]["open"] is False
    ack = answer(phone, poll_id, 1)
    assert ack["error"]["code"] == "phase"
    assert stored()[0][2] == [0]
    assert control.send("poll.open", poll_id=poll_id)["ok"]
    assert answer(phone, poll_id, 1)["ok"]
    assert stored()[0][2] == [1]


def test_staff_do_not_answer(workshop, screens, control):
    poll_id = ask(control)
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    for screen in (control, board):
        assert answer(screen, poll_id, 0)["error"]["code"] == "forbidden"
    assert stored() == []


def test_a_resent_answer_counts_once(workshop, screens, control):
    poll_id = ask(control)
    phone = screens(workshop)
    control.events()
    first = answer(phone, poll_id, 1, command_id="answer-1")
    resent = answer(phone, poll_id, 1, command_id="answer-1")
    assert first["ok"]
    assert resent["duplicate"]
    assert resent["data"] == first["data"]
    assert len(stored()) == 1
    assert events_of(control, "poll.counted") == [{"poll_id": poll_id, "answered": 1}]


def test_answers_wait_while_the_board_is_locked(workshop, screens, control):
    poll_id = ask(control)
    phone = screens(workshop)
    assert control.send("workshop.lock", locked=True)["ok"]
    assert answer(phone, poll_id, 0)["error"]["code"] == "phase"
    assert stored() == []
    assert control.send("workshop.lock", locked=False)["ok"]
    assert answer(phone, poll_id, 0)["ok"]


# --- Hidden until reveal -----------------------------------------------------------------


def test_before_the_reveal_phones_and_board_learn_nothing_of_what_was_chosen(
    workshop, screens, control
):
    poll_id = ask(control)
    phone, other = screens(workshop), screens(workshop, nickname="Bob")
    board = screens(workshop, "board", join=False)
    board.join(key=workshop.board_key)
    for screen in (phone, other, board, control):
        screen.events()
    answer(phone, poll_id, 0)
    answer(other, poll_id, 2)
    # The board and the control page learn how many answered, never what.
    for screen in (board, control):
        assert events_of(screen, "poll.counted")[-1] == {"poll_id": poll_id, "answered": 2}
        snapshot = screen.emit("sync", LATEST)["snapshot"]
        assert snapshot["poll_answered"] == {str(poll_id): 2}
        assert snapshot["polls"][0]["results"] is None
    for screen in (phone, other):
        assert screen.events() == []
        snapshot = screen.emit("sync", LATEST)["snapshot"]
        assert snapshot["poll_answered"] is None
        assert snapshot["polls"][0]["results"] is None
    counts = control.emit("poll.counts", {"poll_id": poll_id})
    assert (counts["counts"], counts["answered"]) == ([1, 0, 1], 2)


def test_revealed_counts_reach_every_screen_and_follow_later_answers(workshop, screens, control):
    poll_id = ask(control)
    phone, other = screens(workshop), screens(workshop, nickname="Bob")
    answer(phone, poll_id, 0)
    answer(other, poll_id, 0)
    phone.events()
    ack = control.send("poll.reveal", poll_id=poll_id, revealed=True)
    assert ack["data"]["poll"]["results"] == {"counts": [2, 0, 0], "answered": 2}
    (changed,) = events_of(phone, "poll.changed")
    assert changed["poll"]["revealed"] is True
    assert changed["poll"]["results"] == {"counts": [2, 0, 0], "answered": 2}
    answer(other, poll_id, 1)
    (later,) = events_of(phone, "poll.changed")
    assert later["poll"]["results"] == {"counts": [1, 1, 0], "answered": 2}
    assert polls_seen(phone)[0]["results"] == {"counts": [1, 1, 0], "answered": 2}


def test_hidden_again_the_counts_leave_every_screen(workshop, screens, control):
    poll_id = ask(control)
    phone = screens(workshop)
    answer(phone, poll_id, 2)
    control.send("poll.reveal", poll_id=poll_id, revealed=True)
    phone.events()
    assert control.send("poll.reveal", poll_id=poll_id, revealed=False)["ok"]
    (changed,) = events_of(phone, "poll.changed")
    assert changed["poll"]["results"] is None
    assert polls_seen(phone)[0]["results"] is None


def test_a_hidden_poll_leaves_the_screens_and_keeps_its_answers(workshop, screens, control):
    poll_id = ask(control)
    phone = screens(workshop)
    answer(phone, poll_id, 1)
    poll = control.send("poll.hide", poll_id=poll_id)["data"]["poll"]
    assert (poll["open"], poll["shown"]) == (False, False)
    assert polls_seen(phone)[0]["shown"] is False
    assert len(stored()) == 1


def test_ending_the_workshop_closes_its_polls_and_takes_them_off_the_screens(
    workshop, screens, control, go_to
):
    go_to("priority")
    (declared,) = polls_seen(control)
    live = ask(control)
    phone = screens(workshop)
    answer(phone, live, 2)
    assert control.send("workshop.end")["ok"]
    seen = {poll["id"]: (poll["open"], poll["shown"]) for poll in polls_seen(phone)}
    assert seen == {declared["id"]: (False, False), live: (False, False)}
    changed = {e["poll"]["id"] for e in events_of(phone, "poll.changed")}
    assert {declared["id"], live} <= changed
    assert answer(phone, live, 1)["error"]["code"] == "phase"
    assert len(stored()) == 1  # the answers stay, for the synthesis


def test_steering_a_poll_of_another_workshop_is_not_found(
    workshop, create_workshop, screens, facilitator, control
):
    poll_id = ask(control)
    elsewhere = create_workshop("reset_day", title="Ailleurs")
    other_control = screens(elsewhere, "control", user=facilitator)
    assert other_control.send("poll.close", poll_id=poll_id)["error"]["code"] == "not_found"
    assert other_control.emit("poll.counts", {"poll_id": poll_id})["error"]["code"] == ("not_found")
