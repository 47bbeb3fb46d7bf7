"""Who is acting: the actor every service receives, resolved by the web and socket edges."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .errors import Forbidden


class ActorKind(enum.StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    BOARD = "board"


@dataclass(frozen=True)
class Actor:
    """One person or screen acting in one workshop."""

    kind: ActorKind
    workshop_id: int
    participant_id: int | None = None
    user_id: int | None = None
    # A staff screen's sign-in (its account's session token when it joined): the sign-in
    # ends with a new token. Not part of who acts: equal actors may hold different ones.
    session: str | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """A stable key for idempotency records and rate limits."""
        if self.kind is ActorKind.PARTICIPANT:
            return f"p:{self.participant_id}"
        return f"{self.kind.value[0]}:{self.user_id or 0}:{self.workshop_id}"

    @property
    def is_staff(self) -> bool:
        return self.kind in (ActorKind.FACILITATOR, ActorKind.BOARD)

    @property
    def is_facilitator(self) -> bool:
        return self.kind is ActorKind.FACILITATOR

    def require_facilitator(self) -> None:
        if not self.is_facilitator:
            raise Forbidden()

    def require_participant(self) -> None:
        if self.kind is not ActorKind.PARTICIPANT:
            raise Forbidden()
