"""Joining a workshop without an account, and the signed identity that proves it later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, select

from ..database import inserted, utcnow
from ..errors import Conflict, PhaseClosed
from ..extensions import db
from ..text import look_alike_key
from ..workshops.codes import normalize_code
from ..workshops.models import Workshop
from .models import Participant

COOKIE_PREFIX = "fabrique_p"
COOKIE_MAX_AGE = 60 * 60 * 24 * 60  # two months: a Reset cycle, and its follow-up


def cookie_name(workshop_id: int) -> str:
    return f"{COOKIE_PREFIX}{workshop_id}"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="fabrique.participant")


class NicknameTaken(Conflict):
    default_message = _l("Someone in this workshop already goes by this name: choose another.")


class JoiningClosed(PhaseClosed):
    default_message = _l("The facilitator has closed joining for now.")


def join(workshop: Workshop, nickname: str | None) -> Participant:
    """A new participant of this workshop, while the facilitator lets newcomers in: one
    plain INSERT (a room of 2,000 phones joins in a minute; the unit of work's flush was
    a tenth of a sign-up)."""
    if not workshop.joining_open:
        raise JoiningClosed()
    key = _free_key(workshop.id, None, nickname)
    values = {
        "workshop_id": workshop.id,
        "secret": secrets.token_urlsafe(24),
        "nickname": nickname or None,
        "nickname_key": key,
        "created_at": utcnow(),
    }
    return inserted(db.session(), Participant, values)


def rename(participant: Participant, nickname: str | None) -> Participant:
    """Give the participant a nickname that reads like nobody else's in the workshop."""
    key = _free_key(participant.workshop_id, participant.id, nickname)
    participant.nickname, participant.nickname_key = nickname or None, key
    db.session.flush()
    return participant


def _free_key(workshop_id: int, participant_id: int | None, nickname: str | None) -> str | None:
    """The nickname's look-alike key (``look_alike_key``: not the same name with other
    case, width or invisible characters), if nobody else in the workshop has it. Two
    joins racing for one name on two processes meet the database's unique index: the
    edge turns its IntegrityError into ``NicknameTaken``."""
    key = look_alike_key(nickname or "") or None
    if key is None:
        return None
    query = select(Participant.id).where(
        Participant.workshop_id == workshop_id, Participant.nickname_key == key
    )
    if participant_id is not None:
        query = query.where(Participant.id != participant_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise NicknameTaken()
    return key


def keeps_seat(workshop: Workshop, participant: Participant | Seat) -> bool:
    """Closing joining keeps out whoever joins afterwards, not those already in."""
    closed = workshop.joining_closed_at
    return closed is None or participant.created_at <= closed


def invitation(code: str) -> str:
    """The token the QR code's link carries: whoever holds it read the code on the board
    and is not guessing, so the limit on failed lookups does not apply to them."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"fabrique.invitation:{code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode()


def is_invitation(raw_code: str, token: str | None) -> bool:
    code = normalize_code(raw_code)
    if not code or not token:
        return False
    return hmac.compare_digest(invitation(code).encode(), token.encode("utf-8", "replace"))


def identity_token(participant: Participant) -> str:
    """The cookie value that lets this browser act as this participant."""
    return _signer().dumps([participant.workshop_id, participant.id, participant.secret])


def _claim(workshop_id: int, token: str | None) -> tuple[int, str] | None:
    """The participant id and secret a cookie claims, if it is signed and for this
    workshop (the secret is still to be compared with the participant's)."""
    if not token:
        return None
    try:
        claimed_workshop, participant_id, secret = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if claimed_workshop != workshop_id or not isinstance(participant_id, int):
        return None
    return participant_id, str(secret)


def from_token(workshop_id: int, token: str | None) -> Participant | None:
    """The participant a cookie names, if it is genuine and for this workshop."""
    claim = _claim(workshop_id, token)
    if claim is None:
        return None
    participant = db.session.scalar(
        select(Participant).where(
            Participant.id == claim[0], Participant.workshop_id == workshop_id
        )
    )
    if participant is None or not secrets.compare_digest(participant.secret, claim[1]):
        return None
    return participant


class Seat(NamedTuple):
    """A participant as a socket's join needs it: who, and since when."""

    id: int
    created_at: datetime


def seat_of(workshop_id: int, token: str | None) -> Seat | None:
    """``from_token``, as a plain row: a mass join reads one per phone, and loading the
    participant as an object (the statement built again each time) cost 4% of it."""
    claim = _claim(workshop_id, token)
    if claim is None:
        return None
    row = db.session.execute(
        _SEAT, {"participant_id": claim[0], "workshop_id": workshop_id}
    ).one_or_none()
    if row is None or not secrets.compare_digest(row.secret, claim[1]):
        return None
    return Seat(row.id, row.created_at)


_PARTICIPANTS = Participant.__table__
_SEAT = select(_PARTICIPANTS.c.id, _PARTICIPANTS.c.secret, _PARTICIPANTS.c.created_at).where(
    _PARTICIPANTS.c.id == bindparam("participant_id"),
    _PARTICIPANTS.c.workshop_id == bindparam("workshop_id"),
)


def nicknames(workshop: Workshop) -> dict[int, str | None]:
    """Participants' nicknames by id, to show next to what they wrote; none at all when
    the workshop is anonymous."""
    if workshop.anonymous:
        return {}
    rows = db.session.execute(
        select(Participant.id, Participant.nickname).where(Participant.workshop_id == workshop.id)
    )
    return dict(rows.all())


def nicknames_of(participant_ids: list[int]) -> dict[int, str | None]:
    """These participants' nicknames by id, in one query (none for no one)."""
    if not participant_ids:
        return {}
    rows = db.session.execute(
        select(Participant.id, Participant.nickname).where(Participant.id.in_(participant_ids))
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
