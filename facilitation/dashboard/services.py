"""Figures for the dashboard: per workshop, and for the coalition pipeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select

from ..accounts.models import User
from ..coalitions.models import Coalition, Origin
from ..extensions import db
from ..notes.models import Note
from ..participants.models import Participant
from ..votes.models import Vote
from ..workshops.services import readable_workshops


def _per_workshop(query: Any) -> dict[int, int]:
    return dict(db.session.execute(query).all())


def workshop_rows(user: User) -> list[dict[str, Any]]:
    """Each workshop with its participation and outcomes, newest first."""
    workshops = readable_workshops(user)
    participants = _per_workshop(
        select(Participant.workshop_id, func.count(Participant.id)).group_by(
            Participant.workshop_id
        )
    )
    notes = _per_workshop(
        select(Note.workshop_id, func.count(Note.id))
        .where(Note.deleted_at.is_(None), Note.merged_into_id.is_(None))
        .group_by(Note.workshop_id)
    )
    voters = _per_workshop(
        select(Vote.workshop_id, func.count(distinct(Vote.participant_id)))
        .where(Vote.dots > 0)
        .group_by(Vote.workshop_id)
    )
    proposals = _per_workshop(
        select(Origin.workshop_id, func.count(Origin.id)).group_by(Origin.workshop_id)
    )
    return [
        {
            "workshop": w,
            "participants": participants.get(w.id, 0),
            "notes": notes.get(w.id, 0),
            "voters": voters.get(w.id, 0),
            "proposals": proposals.get(w.id, 0),
        }
        for w in workshops
    ]


def pipeline_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(Coalition.status, func.count(Coalition.id)).group_by(Coalition.status)
    )
    return dict(rows.all())
