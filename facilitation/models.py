"""Imports every feature's models so that the metadata is complete (Alembic, tests)."""

from .accounts.models import User
from .assist.models import NoteVector
from .cards.models import Card
from .coalitions.models import Coalition, Member, Origin, Revision
from .groups.models import Group
from .notes.models import Note
from .participants.models import Participant
from .pledges.models import Pledge
from .polls.models import Poll, PollAnswer
from .ratings.models import ProposalRating, Rating, RatingReveal
from .reactions.models import OpinionMap, Reaction
from .realtime.models import Command, Event, Stream
from .votes.models import Vote
from .workshops.models import Workshop

__all__ = [
    "Card",
    "Coalition",
    "Command",
    "Event",
    "Group",
    "Member",
    "Note",
    "NoteVector",
    "OpinionMap",
    "Origin",
    "Participant",
    "Pledge",
    "Poll",
    "PollAnswer",
    "ProposalRating",
    "Rating",
    "RatingReveal",
    "Reaction",
    "Revision",
    "Stream",
    "User",
    "Vote",
    "Workshop",
]
