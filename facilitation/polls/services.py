"""Quick polls. A poll is a question with 2 to 10 options, one choice or several (at most
``max_choices``). A format declares one in a `poll` phase: the poll opens when the
workshop moves to that phase and closes when it leaves it. The facilitator also asks
polls live, typed in the workshop's language, opened at once; screens show every poll
that is ``shown`` above the current phase, whatever it is. Ending the workshop closes
every poll and takes it off the screens.

While a poll is open each participant gives one answer and may change it. Staff
screens follow how many answered; the facilitator alone reads the counts per option
(``counts``). Everyone sees the counts once the facilitator reveals them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth import Actor
from ..database import utcnow
from ..errors import InvalidInput, NotFound, PhaseClosed
from ..extensions import db
from ..formats import Phase
from ..realtime import eventlog
from ..realtime.protocol import Audience, EventType
from ..rules import end_follower, phase_follower, require_open
from ..workshops.models import Workshop
from .models import Poll, PollAnswer


def _poll(workshop: Workshop, poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.workshop_id != workshop.id:
        raise NotFound(_l("This poll does not exist."))
    return poll


def polls_of(workshop_id: int) -> list[Poll]:
    query = select(Poll).where(Poll.workshop_id == workshop_id).order_by(Poll.id)
    return list(db.session.scalars(query))


# --- Answers -----------------------------------------------------------------------------


def answer(actor: Actor, workshop: Workshop, poll_id: int, choices: list[int]) -> dict[str, Any]:
    """A participant's choice(s) in an open poll: a first answer, or a change."""
    actor.require_participant()
    require_open(workshop, actor)
    poll = _poll(workshop, poll_id)
    if not poll.open:
        raise PhaseClosed(_l("This poll is closed."))
    picked = sorted(set(choices))
    if len(picked) != len(choices):
        raise InvalidInput(fields={"choices": [str(_l("Choose each option once."))]})
    unknown = [choice for choice in picked if choice >= len(poll.options)]
    if unknown:
        message = _l(
            "Unknown option %(option)s: this poll has options 0 to %(last)s.",
            option=unknown[0],
            last=len(poll.options) - 1,
        )
        raise InvalidInput(fields={"choices": [str(message)]})
    if len(picked) > poll.choice_limit:
        message = (
            _l("Choose one option.")
            if poll.choice_limit == 1
            else _l("Choose at most %(n)s options.", n=poll.choice_limit)
        )
        raise InvalidInput(fields={"choices": [str(message)]})
    given = db.session.scalar(
        select(PollAnswer).where(
            PollAnswer.poll_id == poll.id, PollAnswer.participant_id == actor.participant_id
        )
    ) or PollAnswer(poll_id=poll.id, workshop_id=workshop.id, participant_id=actor.participant_id)
    given.choices, given.updated_at = picked, utcnow()
    db.session.add(given)
    db.session.flush()
    data = {"poll_id": poll.id, "answered": answered(poll.id)}
    eventlog.append(workshop.id, EventType.POLL_COUNTED, Audience.STAFF, data)
    if poll.revealed:
        publish(poll)
    return {"poll_answer": {"poll_id": poll.id, "choices": picked}}


def answered(poll_id: int) -> int:
    query = select(func.count()).select_from(PollAnswer).where(PollAnswer.poll_id == poll_id)
    return db.session.scalar(query) or 0


def tally(poll: Poll) -> dict[str, Any]:
    """How many chose each option (in the options' order) and how many answered."""
    counts = [0] * len(poll.options)
    rows = db.session.scalars(select(PollAnswer.choices).where(PollAnswer.poll_id == poll.id))
    number = 0
    for choices in rows:
        number += 1
        for choice in choices:
            if 0 <= choice < len(counts):
                counts[choice] += 1
    return {"counts": counts, "answered": number}


def counts(actor: Actor, workshop: Workshop, poll_id: int) -> dict[str, Any]:
    """The live counts of one poll, for the facilitator only (the board does not get them
    before the reveal)."""
    actor.require_facilitator()
    poll = _poll(workshop, poll_id)
    return {"poll_id": poll.id, **tally(poll)}


def answers_of(participant_ids: list[int]) -> dict[int, dict[str, list[int]]]:
    """Each participant's own choices by poll id, in one query for many participants."""
    rows = db.session.execute(
        select(PollAnswer.participant_id, PollAnswer.poll_id, PollAnswer.choices).where(
            PollAnswer.participant_id.in_(participant_ids)
        )
    )
    found: dict[int, dict[str, list[int]]] = {participant: {} for participant in participant_ids}
    for participant, poll, choices in rows:
        found[participant][str(poll)] = list(choices)
    return found


# --- What screens see --------------------------------------------------------------------


def payload(poll: Poll) -> dict[str, Any]:
    """A poll as every screen sees it: the counts only once revealed."""
    return {
        "id": poll.id,
        "phase": poll.phase,
        "question": poll.question,
        "options": poll.options,
        "multiple": poll.multiple,
        "max_choices": poll.choice_limit,
        "open": poll.open,
        "shown": poll.shown,
        "revealed": poll.revealed,
        "results": tally(poll) if poll.revealed else None,
    }


def public(workshop: Workshop) -> list[dict[str, Any]]:
    return [payload(poll) for poll in polls_of(workshop.id)]


def staff_view(workshop: Workshop) -> dict[str, Any]:
    """For the REST API: every poll with its counts, revealed or not."""
    return {
        "polls": [
            {**payload(poll), "tally": tally(poll)} | {"results": None}
            for poll in polls_of(workshop.id)
        ]
    }


def answered_counts(workshop: Workshop) -> dict[str, int]:
    """How many answered each poll, by poll id (staff screens)."""
    rows = db.session.execute(
        select(PollAnswer.poll_id, func.count())
        .where(PollAnswer.workshop_id == workshop.id)
        .group_by(PollAnswer.poll_id)
    )
    return {str(poll_id): int(number) for poll_id, number in rows}


def publish(poll: Poll) -> None:
    eventlog.append(poll.workshop_id, EventType.POLL_CHANGED, Audience.ALL, {"poll": payload(poll)})


# --- The facilitator's controls ----------------------------------------------------------


def create(
    actor: Actor,
    workshop: Workshop,
    question: str,
    options: list[str],
    multiple: bool,
    max_choices: int | None,
) -> dict[str, Any]:
    """A poll asked live, in the workshop's language: open and shown at once."""
    actor.require_facilitator()
    require_open(workshop, actor)
    language = workshop.language or "fr"
    poll = Poll(
        workshop_id=workshop.id,
        phase=None,
        question={language: question},
        options=[{language: option} for option in options],
        multiple=multiple,
        max_choices=max_choices if multiple else None,
        open=True,
        shown=True,
    )
    db.session.add(poll)
    db.session.flush()
    publish(poll)
    return {"poll": payload(poll)}


def _change(poll: Poll, **values: bool) -> None:
    if all(getattr(poll, name) == value for name, value in values.items()):
        return
    for name, value in values.items():
        setattr(poll, name, value)
    poll.changed_at = utcnow()
    db.session.flush()
    publish(poll)


def open_poll(actor: Actor, workshop: Workshop, poll_id: int) -> dict[str, Any]:
    """Open (or reopen) a poll: shown on every screen, answers accepted."""
    actor.require_facilitator()
    require_open(workshop, actor)
    poll = _poll(workshop, poll_id)
    _change(poll, open=True, shown=True)
    return {"poll": payload(poll)}


def close(actor: Actor, workshop: Workshop, poll_id: int) -> dict[str, Any]:
    """No more answers; the poll stays on screens, waiting for its reveal."""
    actor.require_facilitator()
    poll = _poll(workshop, poll_id)
    _change(poll, open=False)
    return {"poll": payload(poll)}


def hide(actor: Actor, workshop: Workshop, poll_id: int) -> dict[str, Any]:
    """Take a poll off the screens (closing it); its answers and reveal stay."""
    actor.require_facilitator()
    poll = _poll(workshop, poll_id)
    _change(poll, open=False, shown=False)
    return {"poll": payload(poll)}


def reveal(actor: Actor, workshop: Workshop, poll_id: int, revealed: bool) -> dict[str, Any]:
    """Show the counts to every screen (and the poll with them), or hide them again."""
    actor.require_facilitator()
    poll = _poll(workshop, poll_id)
    if revealed:
        _change(poll, revealed=True, shown=True)
    else:
        _change(poll, revealed=False)
    return {"poll": payload(poll)}


# --- Polls a format declares -------------------------------------------------------------


def declared(workshop: Workshop, phase: Phase) -> Poll:
    """The poll of a `poll` phase, made from the format the first time it is needed."""
    assert phase.poll is not None
    poll = db.session.scalar(
        select(Poll).where(Poll.workshop_id == workshop.id, Poll.phase == phase.key)
    )
    if poll is None:
        rules = phase.poll
        poll = Poll(
            workshop_id=workshop.id,
            phase=phase.key,
            question=rules.question.as_dict(),
            options=[option.as_dict() for option in rules.options],
            multiple=rules.multiple,
            max_choices=rules.max_choices if rules.multiple else None,
        )
        db.session.add(poll)
        db.session.flush()
    return poll


@phase_follower
def follow_phase(workshop: Workshop, left: Phase, entered: Phase) -> None:
    """A `poll` phase's poll opens as the workshop reaches it and closes as it leaves it."""
    if left.poll is not None:
        found = db.session.scalar(
            select(Poll).where(Poll.workshop_id == workshop.id, Poll.phase == left.key)
        )
        if found is not None:  # none when the workshop came to the phase without opening it
            _change(found, open=False, shown=False)
    if entered.poll is not None:
        _change(declared(workshop, entered), open=True, shown=True)


@end_follower
def follow_end(workshop: Workshop) -> None:
    """Ending the workshop closes its open polls and takes every poll off the screens
    (their answers and reveals stay: the synthesis)."""
    for poll in polls_of(workshop.id):
        _change(poll, open=False, shown=False)
