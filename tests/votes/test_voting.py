"""Dot voting: budgets and caps held by the server, tallies hidden until the reveal."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, event, func, select

from facilitation.auth import Actor, ActorKind
from facilitation.database import unit_of_work
from facilitation.errors import Conflict, FabriqueError
from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.votes import ledger
from facilitation.votes import services as votes
from facilitation.votes.models import Vote, VoteTotals
from facilitation.workshops.services import get_workshop

from ..statements import statements


@pytest.fixture
def ideas(workshop, screens, control, go_to):
    """Three notes, revealed, and the workshop in its voting phase (budget 5, cap 3)."""
    author = screens(workshop)
    ids = [author.send("note.post", area="ideas", text=t)["data"]["note"]["id"] for t in "ABC"]
    go_to("voting")
    return ids


def dots_of(participant_id: int) -> int:
    query = select(func.coalesce(func.sum(Vote.dots), 0)).where(
        Vote.participant_id == participant_id
    )
    return db.session.scalar(query)


def test_a_participant_puts_a_dot_on_a_note(workshop, screens, ideas):
    ack = screens(workshop).send("vote.cast", target=f"note:{ideas[0]}")
    assert ack["ok"]
    assert ack["data"]["mine"] == 1
    assert ack["data"]["used"] == {"": 1}
    assert db.session.get(Note, ideas[0]).dots == 1


def test_voting_outside_the_voting_phase_is_refused(workshop, screens, go_to, ideas):
    go_to("grouping")
    ack = screens(workshop).send("vote.cast", target=f"note:{ideas[0]}")
    assert ack["error"]["code"] == "phase"
    assert db.session.get(Note, ideas[0]).dots == 0


def test_no_more_dots_than_the_cap_on_one_item(workshop, screens, ideas):
    phone = screens(workshop)
    acks = [phone.send("vote.cast", target=f"note:{ideas[0]}") for _ in range(4)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "conflict"
    assert db.session.get(Note, ideas[0]).dots == 3


def test_no_more_dots_than_the_budget(workshop, screens, ideas):
    phone = screens(workshop)
    targets = [ideas[0]] * 3 + [ideas[1]] * 3
    acks = [phone.send("vote.cast", target=f"note:{t}") for t in targets]
    assert [ack["ok"] for ack in acks] == [True] * 5 + [False]
    assert dots_of(phone.participant.id) == 5


def test_a_dot_taken_back_can_be_spent_again(workshop, screens, ideas):
    phone = screens(workshop)
    for target in [ideas[0]] * 3 + [ideas[1]] * 2:
        phone.send("vote.cast", target=f"note:{target}")
    assert phone.send("vote.retract", target=f"note:{ideas[0]}")["data"]["mine"] == 2
    assert phone.send("vote.cast", target=f"note:{ideas[2]}")["ok"]
    assert dots_of(phone.participant.id) == 5


def test_taking_back_a_dot_never_put_is_refused(workshop, screens, ideas):
    ack = screens(workshop).send("vote.retract", target=f"note:{ideas[0]}")
    assert ack["error"]["code"] == "conflict"


def test_a_repeated_vote_command_counts_once(workshop, screens, ideas):
    phone = screens(workshop)
    payload = {"command_id": "vote-once-0001", "target": f"note:{ideas[0]}"}
    first, second = phone.send("vote.cast", dict(payload)), phone.send("vote.cast", dict(payload))
    assert second["duplicate"] is True
    assert first["data"] == second["data"]
    assert db.session.get(Note, ideas[0]).dots == 1


def test_twenty_concurrent_votes_never_exceed_the_budget(app, workshop, screens, ideas):
    participant_id, workshop_id = screens(workshop).participant.id, workshop.id

    def vote(index: int) -> bool:
        actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant_id)
        try:
            with app.app_context(), unit_of_work(workshop_id):
                votes.cast(actor, get_workshop(workshop_id), f"note:{ideas[index % 3]}", +1)
        except FabriqueError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        accepted = sum(pool.map(vote, range(20)))
    assert accepted == 5
    assert dots_of(participant_id) == 5
    assert sum(db.session.get(Note, note_id).dots for note_id in ideas) == 5


def test_a_facilitator_does_not_vote(control, ideas):
    assert control.send("vote.cast", target=f"note:{ideas[0]}")["error"]["code"] == "forbidden"


def test_a_board_does_not_vote(workshop, screens, facilitator, ideas):
    board = screens(workshop, "board", user=facilitator)
    assert board.send("vote.cast", target=f"note:{ideas[0]}")["error"]["code"] == "forbidden"


def test_a_note_of_another_workshop_gets_no_dot(workshop, create_workshop, screens, ideas):
    other = create_workshop()
    foreign = screens(other).send("note.post", area="ideas", text="Ailleurs")["data"]["note"]
    ack = screens(workshop).send("vote.cast", target=f"note:{foreign['id']}")
    assert ack["error"]["code"] == "not_found"
    assert db.session.get(Note, foreign["id"]).dots == 0


def test_a_hidden_note_gets_no_dot(workshop, screens, control, ideas):
    control.send("note.moderate", id=ideas[0], hidden=True)
    ack = screens(workshop).send("vote.cast", target=f"note:{ideas[0]}")
    assert ack["error"]["code"] == "not_found"


def test_participants_receive_no_tally_before_the_reveal(workshop, screens, facilitator, ideas):
    watcher, voter = screens(workshop), screens(workshop)
    board = screens(workshop, "board", user=facilitator)
    voter.send("vote.cast", target=f"note:{ideas[0]}")
    assert [e["type"] for e in watcher.events()] == []
    assert [e["type"] for e in voter.events()] == []
    assert [e["type"] for e in board.events()] == ["votes.tallied"]
    assert watcher.join()["snapshot"]["tallies"] is None


def test_the_revealed_results_rank_ties_as_ties(workshop, screens, control, ideas):
    first, second = screens(workshop), screens(workshop)
    for phone, target in ((first, 0), (first, 0), (second, 1), (second, 1), (second, 2)):
        phone.send("vote.cast", target=f"note:{ideas[target]}")
    watcher = screens(workshop)
    assert control.send("results.reveal", revealed=True)["ok"]
    published = next(e for e in watcher.events() if e["type"] == "results.published")
    ranking = [(r["label"], r["dots"], r["rank"], r["tied"]) for r in published["data"]["results"]]
    assert ranking == [("A", 2, 1, True), ("B", 2, 1, True), ("C", 1, 3, False)]
    assert published["data"]["voters"] == 2


def test_a_participant_cannot_reveal_the_results(workshop, screens, ideas):
    ack = screens(workshop).send("results.reveal", revealed=True)
    assert ack["error"]["code"] == "forbidden"
    assert get_workshop(workshop.id).results_revealed is False


def test_the_facilitator_can_change_the_budget(workshop, screens, control, ideas):
    assert control.send("vote.rules", budget=2, max_per_item=1)["ok"]
    phone = screens(workshop)
    acks = [phone.send("vote.cast", target=f"note:{t}") for t in ideas]
    assert [ack["ok"] for ack in acks] == [True, True, False]


def test_every_screen_learns_the_budget_in_force(workshop, screens, control, ideas):
    watcher = screens(workshop)
    control.send("vote.rules", budget=2, max_per_item=1)
    state = watcher.events()[-1]["data"]
    assert (state["vote_rules"]["budget"], state["vote_rules"]["max_per_item"]) == (2, 1)


def last_tally(board) -> tuple[int, int]:
    """The room's totals in the last tally the board received since it was last asked."""
    (tally,) = [event["data"] for event in board.events() if event["type"] == "votes.tallied"]
    return tally["total"], tally["voters"]


def test_each_tally_carries_the_rooms_totals_as_every_vote_sums_them(
    workshop, screens, facilitator, ideas
):
    """The room's dots out and how many participants have any are kept with each dot (one
    row in the turn), and always equal what summing every vote gives: through first
    dots, taken-back dots and a participant who takes back their last one."""
    board = screens(workshop, "board", user=facilitator)
    phones = [screens(workshop) for _ in range(3)]
    moves = [
        (0, "vote.cast", 0), (0, "vote.cast", 1), (1, "vote.cast", 0), (2, "vote.cast", 2),
        (1, "vote.retract", 0), (0, "vote.retract", 1), (1, "vote.cast", 1),
        (2, "vote.retract", 2), (2, "vote.cast", 0), (0, "vote.cast", 0),
    ]  # fmt: skip
    seen = []
    for phone, name, note in moves:
        assert phones[phone].send(name, target=f"note:{ideas[note]}")["ok"]
        db.session.rollback()
        seen.append(last_tally(board))
        summed = votes.totals(get_workshop(workshop.id))
        assert seen[-1] == (summed["total"], summed["voters"])
    assert seen == [
        (1, 1), (2, 1), (3, 2), (4, 3), (3, 2), (2, 2), (3, 3), (2, 2), (3, 3), (4, 3)
    ]  # fmt: skip


def test_totals_not_kept_yet_are_read_from_every_vote_then_kept(
    app, workshop, screens, facilitator, ideas
):
    """A workshop voted on before the totals were kept (or imported) has no row: its next
    dot reads them from its votes; the dots after move the row without reading them."""
    board = screens(workshop, "board", user=facilitator)
    first, second = screens(workshop), screens(workshop)
    assert first.send("vote.cast", target=f"note:{ideas[0]}")["ok"]
    assert second.send("vote.cast", target=f"note:{ideas[1]}")["ok"]
    db.session.execute(delete(VoteTotals).where(VoteTotals.workshop_id == workshop.id))
    db.session.commit()
    app.extensions.pop(ledger.TOTALS.name)  # as after the upgrade: processes start afresh
    board.events()
    assert first.send("vote.cast", target=f"note:{ideas[2]}")["ok"]
    assert last_tally(board) == (3, 2)
    with statements() as seen:
        assert second.send("vote.retract", target=f"note:{ideas[1]}")["ok"]
    assert last_tally(board) == (2, 1)
    assert not [s for s in seen if "count(distinct" in s.lower()]  # no vote summed


def test_a_transactions_dots_are_written_once_by_plain_statements_and_read_back_at_once(
    workshop, screens, ideas
):
    """The dots of one transaction are kept in its ledger and written by plain
    statements (not the unit of work's flush) once, as it commits: a statement per kind
    of change, whatever the number of dots. Until then the transaction reads its own
    dots: each is checked against what the ones before it moved, the note the session
    holds has its count, and an ORM query sees them written."""
    phone = screens(workshop)
    assert phone.send("vote.cast", target=f"note:{ideas[2]}")["ok"]  # the room's totals kept
    participant_id, workshop_id = phone.participant.id, workshop.id
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=participant_id)
    first, second = f"note:{ideas[0]}", f"note:{ideas[1]}"

    flushes: list[object] = []
    session = db.session()
    event.listen(session, "after_flush", lambda *_: flushes.append(_))
    with statements() as seen, unit_of_work(workshop_id):
        acks = [
            votes.cast(actor, get_workshop(workshop_id), target, delta)
            for target, delta in ((first, +1), (first, +1), (second, +1), (first, -1))
        ]
        written_while_casting = [s for s in seen if s.startswith(("INSERT", "UPDATE"))]
        held = db.session.get(Note, ideas[0])
        assert not db.session.is_modified(held)
        assert held.dots == 1
        for _ in range(2):  # the budget of 5 spent, the dots not written yet counted
            votes.cast(actor, get_workshop(workshop_id), second, +1)
        with pytest.raises(Conflict):  # one dot on it, under the cap: no dots left
            votes.cast(actor, get_workshop(workshop_id), first, +1)
        db.session.rollback()
    assert flushes == []
    assert [ack["mine"] for ack in acks] == [1, 2, 1, 1]
    assert [ack["used"] for ack in acks] == [{"": n} for n in (2, 3, 4, 3)]

    with statements() as seen, unit_of_work(workshop_id):
        for target, delta in ((first, +1), (first, +1), (second, +1), (first, -1)):
            votes.cast(actor, get_workshop(workshop_id), target, delta)
        while_casting = [s for s in seen if s.startswith(("INSERT", "UPDATE"))]
        assert dots_of(participant_id) == 3  # an ORM query writes the ledger first
    writes = [s.split("(")[0].split(" SET")[0] for s in seen if s.startswith(("INSERT", "UPDATE"))]
    assert [s.split(" SET")[0] for s in while_casting] == ["UPDATE vote_totals"]
    assert written_while_casting == while_casting
    assert writes.count("INSERT INTO votes ") == 1
    assert writes.count("UPDATE votes") == 0
    assert writes.count("UPDATE notes") == 1
    assert writes.count("UPDATE vote_totals") == 2
    db.session.expunge_all()
    assert [db.session.get(Note, note).dots for note in ideas] == [1, 1, 1]
    assert db.session.get(VoteTotals, workshop_id).dots == 3
    stored = db.session.execute(
        select(Vote.target, Vote.dots).where(Vote.participant_id == participant_id)
    )
    assert dict(stored.all()) == {first: 1, second: 1, f"note:{ideas[2]}": 1}


def test_a_dot_reads_its_note_as_a_plain_row_and_refuses_one_gone_or_elsewhere(
    workshop, screens, control, ideas, create_workshop
):
    """The dot's target is read by one plain statement, not loaded through the ORM (its
    largest share of a dot's time); what the ORM's load refused is refused still."""
    phone = screens(workshop)
    loads: list[object] = []

    def loaded(target, _context) -> None:
        loads.append(target)

    event.listen(Note, "load", loaded)
    try:
        assert phone.send("vote.cast", target=f"note:{ideas[0]}")["ok"]
    finally:
        event.remove(Note, "load", loaded)
    assert loads == []

    assert control.send("note.delete", id=ideas[1])["ok"]
    assert control.send("note.merge", id=ideas[2], into=ideas[0])["ok"]
    elsewhere = screens(create_workshop()).send("note.post", area="ideas", text="Ailleurs")
    for gone in (ideas[1], ideas[2], elsewhere["data"]["note"]["id"], 10**9):
        refused = phone.send("vote.cast", target=f"note:{gone}")
        assert refused["error"]["code"] == "not_found", gone
    db.session.rollback()
    assert db.session.get(Note, ideas[0]).dots == 1


def reads_of_votes(seen: list[str]) -> list[str]:
    def totals_read(statement: str) -> bool:  # moved and read at once, by its own statement
        return statement.startswith("UPDATE vote_totals") and "RETURNING" in statement

    return [s for s in seen if "FROM votes" in s or totals_read(s)]


def test_a_voters_dots_and_the_rooms_totals_are_read_once_while_nothing_else_changes(
    workshop, screens, control, facilitator, ideas
):
    """The process keeps each voter's votes and the room's totals as a dot's transaction
    left them: the next dots read neither while the workshop is as that one left it, and
    every tally still equals what summing every vote gives. Any other change since (here
    the facilitator's) reads them again."""
    board = screens(workshop, "board", user=facilitator)
    phone, other = screens(workshop), screens(workshop)
    assert phone.send("vote.cast", target=f"note:{ideas[0]}")["ok"]  # the totals' row made
    assert other.send("vote.cast", target=f"note:{ideas[1]}")["ok"]
    assert phone.send("vote.cast", target=f"note:{ideas[0]}")["ok"]

    with statements() as seen:
        acks = [
            other.send("vote.retract", target=f"note:{ideas[1]}"),
            phone.send("vote.cast", target=f"note:{ideas[2]}"),
            phone.send("vote.cast", target=f"note:{ideas[0]}"),
        ]
    assert [ack["data"]["mine"] for ack in acks] == [0, 1, 3]
    assert reads_of_votes(seen) == []
    db.session.rollback()
    summed = votes.totals(get_workshop(workshop.id))
    tallies = [event["data"] for event in board.events() if event["type"] == "votes.tallied"]
    assert (tallies[-1]["total"], tallies[-1]["voters"]) == (summed["total"], summed["voters"])
    assert (summed["total"], summed["voters"]) == (4, 1)

    assert control.send("note.moderate", id=ideas[1], hidden=True)["ok"]
    with statements() as seen:
        assert phone.send("vote.retract", target=f"note:{ideas[2]}")["ok"]
    assert len(reads_of_votes(seen)) == 2  # the voter's votes, the room's totals


def notes_read(seen: list[str]) -> list[str]:
    return [s for s in seen if "FROM notes" in s]


def test_the_notes_dots_went_on_are_read_once_while_nothing_else_changes(
    workshop, screens, control, facilitator, ideas
):
    """The process keeps the notes a dot's transaction put dots on, as it left them: the
    next dots on them read no note while the workshop is as that one left it, and each
    tally still counts every dot. A note hidden since is read again, and refused."""
    board = screens(workshop, "board", user=facilitator)
    phone, other = screens(workshop), screens(workshop)
    assert phone.send("vote.cast", target=f"note:{ideas[2]}")["ok"]  # the totals' row made
    assert phone.send("vote.cast", target=f"note:{ideas[0]}")["ok"]
    assert other.send("vote.cast", target=f"note:{ideas[1]}")["ok"]

    with statements() as seen:
        acks = [
            other.send("vote.cast", target=f"note:{ideas[0]}"),
            phone.send("vote.cast", target=f"note:{ideas[0]}"),
            other.send("vote.retract", target=f"note:{ideas[1]}"),
        ]
    assert [ack["data"]["mine"] for ack in acks] == [1, 2, 0]
    assert notes_read(seen) == []
    tallies = [e["data"] for e in board.events() if e["type"] == "votes.tallied"]
    assert [(t["target"], t["dots"]) for t in tallies[-3:]] == [
        (f"note:{ideas[0]}", 2),
        (f"note:{ideas[0]}", 3),
        (f"note:{ideas[1]}", 0),
    ]
    db.session.rollback()
    assert [db.session.get(Note, i).dots for i in ideas[:2]] == [3, 0]

    assert control.send("note.moderate", id=ideas[1], hidden=True)["ok"]
    with statements() as seen:
        refused = other.send("vote.cast", target=f"note:{ideas[1]}")
    assert refused["error"]["code"] == "not_found"
    assert len(notes_read(seen)) == 1


def test_a_note_voted_on_through_another_process_is_read_again_here(
    app, workshop, screens, facilitator, ideas
):
    """A note's dots moved by another process are counted here: what this process kept
    of the note is worth nothing once another changed the workshop."""
    board = screens(workshop, "board", user=facilitator)
    phone = screens(workshop)
    assert phone.send("vote.cast", target=f"note:{ideas[1]}")["ok"]  # the totals' row made
    assert phone.send("vote.cast", target=f"note:{ideas[0]}")["ok"]  # kept here: 1 dot
    other = screens(workshop)
    voter, workshop_id = other.participant.id, workshop.id
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=voter)
    kept_here = app.extensions.pop(ledger.NOTES.name)
    with app.app_context(), unit_of_work(workshop_id):  # another process: its own knowledge
        votes.cast(actor, get_workshop(workshop_id), f"note:{ideas[0]}", +1)
    app.extensions[ledger.NOTES.name] = kept_here

    assert phone.send("vote.cast", target=f"note:{ideas[0]}")["ok"]

    tallies = [e["data"] for e in board.events() if e["type"] == "votes.tallied"]
    assert tallies[-1]["dots"] == 3
    db.session.rollback()
    assert db.session.get(Note, ideas[0]).dots == 3


def test_the_notes_kept_are_the_latest_of_the_workshops_voted_in_last(
    app, workshop, screens, facilitator, create_workshop, ideas, monkeypatch
):
    """The rows a process keeps are bounded: the latest notes dots went on in a workshop
    (``KNOWN_NOTES``), for the workshops voted in last (``KNOWN_WORKSHOPS``)."""
    monkeypatch.setattr(ledger, "KNOWN_NOTES", 2)
    monkeypatch.setattr(ledger.NOTES, "workshops", 1)
    phone = screens(workshop)
    for note_id in (ideas[2], ideas[0], ideas[1], ideas[2]):  # the first makes the totals
        assert phone.send("vote.cast", target=f"note:{note_id}")["ok"]
    kept = app.extensions[ledger.NOTES.name]
    assert list(kept) == [workshop.id]
    assert list(kept[workshop.id][1]) == [ideas[1], ideas[2]]  # the latest two

    other = create_workshop()
    control = screens(other, "control", user=facilitator)
    author, voter = screens(other), screens(other)
    note = author.send("note.post", area="ideas", text="Ailleurs")["data"]["note"]["id"]
    phases = [phase["key"] for phase in control.join_ack["snapshot"]["format"]["phases"]]
    assert control.send("phase.move", index=phases.index("voting"))["ok"]
    for _ in range(2):  # the first makes the totals
        assert voter.send("vote.cast", target=f"note:{note}")["ok"]
    assert list(kept) == [other.id]
    assert list(kept[other.id][1]) == [note]


def test_a_voters_dots_put_through_another_process_count_here(
    app, workshop, screens, ideas, monkeypatch
):
    """What one process keeps is worth nothing once another changed the workshop: the
    dots a voter put through another process count against the budget here."""
    phone = screens(workshop)
    for target in (ideas[0], ideas[0], ideas[1]):
        assert phone.send("vote.cast", target=f"note:{target}")["ok"]  # kept here: 3 of 5
    voter, workshop_id = phone.participant.id, workshop.id
    actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant_id=voter)
    kept_here = {kind.name: app.extensions.pop(kind.name) for kind in (ledger.VOTES, ledger.TOTALS)}
    with app.app_context(), unit_of_work(workshop_id):  # another process: its own knowledge
        for _ in range(2):
            votes.cast(actor, get_workshop(workshop_id), f"note:{ideas[2]}", +1)
    app.extensions.update(kept_here)

    ack = phone.send("vote.cast", target=f"note:{ideas[1]}")

    assert ack["error"]["code"] == "conflict", ack  # no dots left
    db.session.rollback()
    assert dots_of(voter) == 5
    assert votes.totals(get_workshop(workshop_id)) == {"total": 5, "voters": 1}
