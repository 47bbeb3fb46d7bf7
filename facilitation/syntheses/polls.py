"""The quick polls in the synthesis: each poll that was answered, its question, each
option with how many chose it and their share of those who answered — drawn as bars in
the HTML and PDF, a table in the ODT, DOCX and Markdown — and the raw answers' CSV, each
participant a number. Revealed or not: the synthesis is the staff's record, as the vote
results are."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..polls import services as polls
from ..polls.models import Poll, PollAnswer
from ..rules import format_of
from ..workshops.models import Workshop


def text_in(text: dict[str, str], locale: str) -> str:
    """A poll's text in the language asked, else the one it was typed in."""
    return text.get(locale) or text.get("fr") or next(iter(text.values()), "")


def percent(count: int, answered: int, locale: str) -> str:
    """The share of those who answered, as the language writes it ("67 %", "67%")."""
    share = round(100 * count / answered) if answered else 0
    return f"{share}\u00a0%" if locale.startswith("fr") else f"{share}%"


def summary(workshop: Workshop, locale: str) -> list[dict[str, Any]]:
    phases = {phase.key: phase for phase in format_of(workshop).phases}
    found = []
    for poll in polls.polls_of(workshop.id):
        tally = polls.tally(poll)
        answered = tally["answered"]
        if not answered:
            continue
        top = max(tally["counts"])
        phase = phases.get(poll.phase) if poll.phase else None
        found.append(
            {
                "id": poll.id,
                "question": text_in(poll.question, locale),
                "phase": phase.label.get(locale) if phase else None,
                "multiple": poll.multiple,
                "max_choices": poll.choice_limit,
                "revealed": poll.revealed,
                "answered": answered,
                "options": [
                    {
                        "label": text_in(option, locale),
                        "count": count,
                        "percent": percent(count, answered, locale),
                        "width": round(100 * count / answered, 1),
                        "top": bool(count) and count == top,
                    }
                    for option, count in zip(poll.options, tally["counts"], strict=True)
                ],
            }
        )
    return found


def csv_rows(workshop: Workshop, secret: str) -> list[list[Any]]:
    """Every choice: the poll and its question, a participant's number, the option's
    number (from 1) and label — no name; an answer of several choices is several rows.
    Participants are numbered 1, 2, … in an order drawn from the server's secret."""
    rows = db.session.execute(
        select(PollAnswer.poll_id, PollAnswer.participant_id, PollAnswer.choices).where(
            PollAnswer.workshop_id == workshop.id
        )
    ).all()
    asked = {
        poll.id: poll
        for poll in db.session.scalars(select(Poll).where(Poll.workshop_id == workshop.id))
    }

    def key(participant: int) -> str:
        message = f"{workshop.id}:{participant}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    numbers = {p: n for n, p in enumerate(sorted({r[1] for r in rows}, key=key), start=1)}
    found = []
    for poll_id, participant, choices in sorted(rows, key=lambda r: (r[0], numbers[r[1]])):
        poll = asked[poll_id]
        question = text_in(poll.question, workshop.language)
        for choice in choices:
            label = text_in(poll.options[choice], workshop.language)
            found.append([poll_id, question, numbers[participant], choice + 1, label])
    return found
