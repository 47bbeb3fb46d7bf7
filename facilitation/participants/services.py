"""Joining a workshop without an account, and the signed identity that proves it later."""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..extensions import db
from ..workshops.models import Workshop
from .models import Participant

COOKIE_PREFIX = "fabrique_p"
COOKIE_MAX_AGE = 60 * 60 * 24 * 60  # two months: a Reset cycle, and its follow-up


def cookie_name(workshop_id: int) -> str:
    return f"{COOKIE_PREFIX}{workshop_id}"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="fabrique.participant")


def join(workshop: Workshop, nickname: str | None) -> Participant:
    """A new participant of this workshop."""
    participant = Participant(
        workshop_id=workshop.id, secret=secrets.token_urlsafe(24), nickname=nickname or None
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def rename(participant: Participant, nickname: str | None) -> Participant:
    participant.nickname = nickname or None
    return participant


def identity_token(participant: Participant) -> str:
    """The cookie value that lets this browser act as this participant."""
    return _signer().dumps([participant.workshop_id, participant.id, participant.secret])


def from_token(workshop_id: int, token: str | None) -> Participant | None:
    """The participant a cookie names, if it is genuine and for this workshop."""
    if not token:
        return None
    try:
        claimed_workshop, participant_id, secret = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if claimed_workshop != workshop_id or not isinstance(participant_id, int):
        return None
    participant = db.session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.workshop_id == workshop_id
        )
    )
    if participant is None or not secrets.compare_digest(participant.secret, str(secret)):
        return None
    return participant


def nicknames(workshop: Workshop) -> dict[int, str | None]:
    """Participants' nicknames by id, to show next to what they wrote; none at all when
    the workshop is anonymous."""
    if workshop.anonymous:
        return {}
    rows = db.session.execute(
        select(Participant.id, Participant.nickname).where(Participant.workshop_id == workshop.id)
    )
    return dict(rows.all())


def author_of(
    workshop: Workshop, participant_id: int | None, names: dict[int, str | None] | None = None
) -> str | None:
    """The nickname shown next to a contribution (None in anonymous workshops). ``names``,
    from ``nicknames``, spares a query per item when many are shown at once."""
    if workshop.anonymous or participant_id is None:
        return None
    if names is not None:
        return names.get(participant_id)
    participant = db.session.get(Participant, participant_id)
    return participant.nickname if participant else None
