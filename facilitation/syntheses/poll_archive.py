"""The quick polls in the JSON archive (version 5): each poll — the poll phase that
declared it or none (asked live), its question and options as typed ({language: text}),
single or multiple choice and its bound, whether it was open, shown and revealed — with
every participant's answer (option indexes from 0).

On import each poll is checked: a phase the format has and that declares a poll (once),
2 to 10 options, a bound the options allow; each answer from a participant of the
archive, once per poll, with options the poll has, within its bound. Anything else
refuses the archive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..extensions import db
from ..formats import Format
from ..polls.models import Poll, PollAnswer
from ..workshops.models import Workshop

if TYPE_CHECKING:
    from .imports import Checker, Writer


def export(workshop: Workshop, participants: dict[int, str]) -> list[dict[str, Any]]:
    polls = db.session.scalars(
        select(Poll).where(Poll.workshop_id == workshop.id).order_by(Poll.id)
    ).all()
    answers: dict[int, list[PollAnswer]] = {poll.id: [] for poll in polls}
    rows = db.session.scalars(
        select(PollAnswer).where(PollAnswer.workshop_id == workshop.id).order_by(PollAnswer.id)
    )
    for row in rows:
        answers[row.poll_id].append(row)
    return [
        {
            "phase": poll.phase,
            "question": poll.question,
            "options": poll.options,
            "multiple": poll.multiple,
            "max_choices": poll.max_choices,
            "open": poll.open,
            "shown": poll.shown,
            "revealed": poll.revealed,
            "created_at": poll.created_at,
            "answers": [
                {
                    "participant": participants[answer.participant_id],
                    "choices": list(answer.choices),
                    "updated_at": answer.updated_at,
                }
                for answer in answers[poll.id]
            ],
        }
        for poll in polls
    ]


def check(checker: Checker, fmt: Format) -> None:
    """Each poll against the format, each answer against its poll (errors under their
    paths)."""
    declared = {phase.key for phase in fmt.phases if phase.poll}
    phases_seen: set[str] = set()
    for index, poll in enumerate(checker.a["polls"]):
        path = ("polls", index)
        phase = poll["phase"]
        if phase is not None:
            if phase not in declared:
                checker.fail((*path, "phase"), f"The format has no poll phase {phase!r}.")
            elif phase in phases_seen:
                checker.fail((*path, "phase"), f"The poll of {phase!r} is there twice.")
            phases_seen.add(phase)
        options = len(poll["options"])
        limit = (poll["max_choices"] or options) if poll["multiple"] else 1
        if poll["max_choices"] is not None and (
            not poll["multiple"] or poll["max_choices"] > options
        ):
            checker.fail(
                (*path, "max_choices"), "A bound for a multiple choice poll, at most its options."
            )
        who: set[str] = set()
        for number, answer in enumerate(poll["answers"]):
            where = (*path, "answers", number)
            checker.known((*where, "participant"), answer["participant"], "p")
            if answer["participant"] in who:
                checker.fail((*where, "participant"), "One answer per participant and poll.")
            who.add(answer["participant"])
            choices = answer["choices"]
            if len(set(choices)) != len(choices) or any(c >= options for c in choices):
                checker.fail(
                    (*where, "choices"), f"Options of this poll: 0 to {options - 1}, once each."
                )
            elif len(choices) > limit:
                checker.fail((*where, "choices"), f"At most {limit} choices in this poll.")


def write(writer: Writer) -> None:
    """The polls and their answers (in the last transaction, with the workshop's fields)."""
    for row in writer.a["polls"]:
        poll = Poll(
            workshop_id=writer.wid,
            phase=row["phase"],
            question=row["question"],
            options=row["options"],
            multiple=row["multiple"],
            max_choices=row["max_choices"] if row["multiple"] else None,
            open=row["open"],
            shown=row["shown"],
            revealed=row["revealed"],
            created_at=row["created_at"],
            changed_at=row["created_at"],
        )
        db.session.add(poll)
        db.session.flush()
        for answer in row["answers"]:
            db.session.add(
                PollAnswer(
                    poll_id=poll.id,
                    workshop_id=writer.wid,
                    participant_id=writer.ids[answer["participant"]],
                    choices=sorted(answer["choices"]),
                    updated_at=answer["updated_at"],
                )
            )
