"""The names of the live channel: every server→client event type, audiences and rooms.

docs/protocol.md documents each of them; keep the two in step.
"""

from __future__ import annotations

import enum


class EventType(enum.StrEnum):
    """Every change recorded in a workshop's event log (the ``type`` of a wire event)."""

    WORKSHOP_UPDATED = "workshop.updated"
    PHASE_CHANGED = "phase.changed"
    NOTE_POSTED = "note.posted"
    NOTE_UPDATED = "note.updated"
    NOTE_DELETED = "note.deleted"
    GROUP_SAVED = "group.saved"
    GROUP_DELETED = "group.deleted"
    VOTES_TALLIED = "votes.tallied"
    RESULTS_PUBLISHED = "results.published"
    VISIBILITY_CHANGED = "visibility.changed"
    CARD_SAVED = "card.saved"
    CARD_DELETED = "card.deleted"
    PROPOSAL_SAVED = "proposal.saved"
    PROPOSAL_JOINED = "proposal.joined"
    REACTIONS_COUNTED = "reactions.counted"  # staff only: a note's agree/disagree/pass counts
    OPINIONS_PUBLISHED = "opinions.published"
    RATINGS_COUNTED = "ratings.counted"  # staff only: how many rated an item on each criterion
    RATINGS_PUBLISHED = "ratings.published"
    POLL_CHANGED = "poll.changed"  # a poll as every screen sees it (counts once revealed)
    POLL_COUNTED = "poll.counted"  # staff only: how many answered a poll, not what
    DUPLICATE_FLAGGED = "assist.duplicate"  # staff only: a note says what others said


# Events after which a participant's view must be rebuilt (what they may see has changed).
RESHAPING = frozenset({EventType.PHASE_CHANGED, EventType.VISIBILITY_CHANGED})


class ServerMessage(enum.StrEnum):
    """Socket.IO message names the server emits."""

    EVENTS = "events"  # a batch of logged events, ordered by seq
    HEARTBEAT = "heartbeat"  # head sequence numbers and presence, every few seconds
    PRESENCE = "presence"  # connected participants, when it changes


class Audience(enum.StrEnum):
    """Who may receive an event."""

    ALL = "all"  # everyone in the workshop
    STAFF = "staff"  # facilitators and boards
    PARTICIPANT = "participant"  # staff and one participant (their own private note)


def workshop_room(workshop_id: int) -> str:
    return f"w{workshop_id}"


def staff_room(workshop_id: int) -> str:
    return f"w{workshop_id}:staff"


def participant_room(workshop_id: int, participant_id: int) -> str:
    return f"w{workshop_id}:p{participant_id}"


def rooms_for(workshop_id: int, audience: Audience, participant_id: int | None) -> list[str]:
    """The one place that turns an event's audience into Socket.IO rooms."""
    if audience is Audience.ALL:
        return [workshop_room(workshop_id)]
    if audience is Audience.STAFF or participant_id is None:
        return [staff_room(workshop_id)]
    return [staff_room(workshop_id), participant_room(workshop_id, participant_id)]
