"""A room in two camps: both agree with some notes, each agrees with notes the other
disagrees with. Its members answer through the reactions service, as phones do."""

from __future__ import annotations

import secrets

from facilitation.auth import Actor, ActorKind
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.participants.models import Participant
from facilitation.reactions import services as reactions
from facilitation.workshops.services import get_workshop


def seat_two_camps(
    workshop_id: int, agreed: list[int], a_only: list[int], b_only: list[int], per_camp: int = 7
) -> list[int]:
    """``per_camp`` participants in each camp answer every note; returns their ids, camp A
    first."""
    ids = []
    for camp in ("A", "B"):
        for number in range(per_camp):
            with unit_of_work(workshop_id):
                participant = Participant(
                    workshop_id=workshop_id,
                    secret=secrets.token_hex(16),
                    nickname=f"{camp}{number}",
                    nickname_key=f"{camp.lower()}{number}",
                )
                db.session.add(participant)
                db.session.flush()
                actor = Actor(ActorKind.PARTICIPANT, workshop_id, participant.id)
                workshop = get_workshop(workshop_id)
                mine, theirs = (a_only, b_only) if camp == "A" else (b_only, a_only)
                for note in agreed + mine:
                    reactions.react(actor, workshop, note, 1)
                for note in theirs:
                    reactions.react(actor, workshop, note, -1)
            ids.append(participant.id)
    return ids
