"""A workshop of any shipped format holding one of every kind of record an archive
carries — participants, groups, notes (hidden, merged, deleted), votes, reactions, ratings (in
a format that rates), pledges, cards of
every kind with links, a proposal with members, a timeline and settings that name groups
— written straight into the tables, for tests of archives (not of live commands)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from facilitation.accounts.models import User
from facilitation.cards.models import Card
from facilitation.coalitions.models import Coalition, Member, Origin
from facilitation.database import unit_of_work, utcnow
from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.participants.models import Participant
from facilitation.pledges.models import Pledge
from facilitation.ratings.models import Rating, RatingReveal
from facilitation.reactions.models import Reaction
from facilitation.realtime import eventlog
from facilitation.realtime.protocol import Audience, EventType
from facilitation.rules import formats
from facilitation.votes.models import Vote
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop


def every_kind_of_record(owner: User, format_key: str) -> Workshop:
    fmt = formats()[format_key]
    areas = [area.key for area in fmt.areas]
    voting = next((phase.key for phase in fmt.phases if phase.vote), fmt.phases[0].key)
    with unit_of_work():
        workshop = workshops.create_workshop(owner, format_key, "Archivé 📦", "Et après ?", "fr")
    wid, now = workshop.id, utcnow()
    with unit_of_work(wid):
        people = [
            Participant(workshop_id=wid, secret=f"s{n}", nickname=name, nickname_key=key)
            for n, (name, key) in enumerate([("Léa", "léa"), ("Karim", "karim"), (None, None)])
        ]
        groups = [
            Group(workshop_id=wid, area=areas[0], title="Vélo", position=0, created_at=now),
            Group(workshop_id=wid, area=None, title="Partage 🤝", position=1, created_at=now),
        ]
        db.session.add_all(people + groups)
        db.session.flush()
        notes = [
            Note(
                workshop_id=wid,
                participant_id=people[i % 3].id,
                area=areas[i % len(areas)],
                text=f"Idée {i} — <b>pas du HTML</b>",
                group_id=groups[i % 2].id if i < 4 else None,
                position=i,
                created_at=now,
                updated_at=now,
                color="#ffd84d" if i == 1 else None,
            )
            for i in range(8)
        ]
        db.session.add_all(notes)
        db.session.flush()
        notes[5].hidden = True
        notes[6].merged_into_id = notes[0].id
        notes[7].deleted_at = now
        votes = [(people[0], f"note:{notes[0].id}", 2), (people[1], f"group:{groups[0].id}", 1)]
        for person, target, dots in votes:
            db.session.add(
                Vote(
                    workshop_id=wid,
                    participant_id=person.id,
                    target=target,
                    area=None,
                    phase=voting,
                    dots=dots,
                )
            )
        notes[0].dots, groups[0].dots = 2, 1
        answers = [(people[0], notes[0], 1), (people[1], notes[0], -1), (people[0], notes[5], 0)]
        db.session.add_all(
            Reaction(workshop_id=wid, participant_id=person.id, note_id=note.id, value=value)
            for person, note, value in answers
        )
        db.session.add(
            Pledge(
                workshop_id=wid,
                group_id=groups[0].id,
                participant_id=people[0].id,
                name="Léa",
                organisation="Vélo-cité",
                created_at=now,
            )
        )
        groups[0].pledges = 1
        strategy = Card(
            workshop_id=wid,
            kind="strategy",
            slot="SO",
            text="Un consortium",
            participant_id=people[1].id,
            links=[f"note:{notes[0].id}"],
            created_at=now,
        )
        db.session.add(strategy)
        db.session.flush()
        db.session.add_all(
            [
                Card(
                    workshop_id=wid,
                    kind="roadmap",
                    slot="now",
                    text="Réunir les élus",
                    links=[f"card:{strategy.id}", f"group:{groups[1].id}"],
                    created_at=now,
                ),
                Card(
                    workshop_id=wid,
                    kind="canvas",
                    slot="impact",
                    text="Mille trajets",
                    group_id=groups[0].id,
                    links=[],
                    created_at=now,
                    deleted_at=None,
                ),
            ]
        )
        proposal = Coalition(
            title="Vélo",
            diagnostic="Trop de voitures",
            impact="Mille trajets",
            status="proposed",
            themes=["mobilité"],
            qualities=["frugal"],
            actors=[{"name": "Mairie", "kind": "organisation", "role": ""}],
            path=[{"step": "Réunir", "when": "2027"}],
            indicators=["trajets"],
            created_by_id=owner.id,
            created_at=now,
            updated_at=now,
        )
        db.session.add(proposal)
        db.session.flush()
        db.session.add(Origin(coalition_id=proposal.id, workshop_id=wid, group_id=groups[0].id))
        db.session.add_all(
            [
                Member(
                    coalition_id=proposal.id,
                    name="Léa",
                    organisation="Vélo-cité",
                    participant_id=people[0].id,
                    via="workshop",
                    created_at=now,
                ),
                Member(
                    coalition_id=proposal.id,
                    name="Amina",
                    email="amina@example.org",
                    via="web",
                    created_at=now,
                ),
            ]
        )
        rate(
            wid,
            fmt,
            people,
            {
                "proposals": f"proposal:{proposal.id}",
                "notes": f"note:{notes[0].id}",
                "groups": f"group:{groups[0].id}",
            },
        )
        workshop = db.session.get(Workshop, wid)
        last = len(fmt.phases) - 1
        for index in range(1, last + 1):
            eventlog.append(
                wid,
                EventType.PHASE_CHANGED,
                Audience.ALL,
                {"phase_index": index},
                at=now + timedelta(minutes=10 * index),
            )
        workshop.phase_index, workshop.results_revealed = last, True
        workshop.settings = {
            "vote": {"budget": 5, "max_per_item": 2},
            "canvas_groups": [groups[1].id, groups[0].id],
            "board": {"mode": "stage", "focus": f"group:{groups[1].id}", "page": None},
            "timers": {"0": 120},
        }
        workshops.announce(workshop)
    return db.session.get(Workshop, wid)


def rate(wid: int, fmt: Any, people: list[Participant], items: dict[str, str]) -> None:
    """Three ratings in the format's first rating phase, revealed (none without one)."""
    phase = next((phase for phase in fmt.phases if phase.rate), None)
    if phase is None:
        return
    first, second = (c.key for c in phase.rate.criteria[:2])
    high = phase.rate.criteria[0].scale.high
    given = [(people[0], first, high), (people[1], first, high - 1), (people[0], second, high)]
    db.session.add_all(
        Rating(
            workshop_id=wid,
            participant_id=person.id,
            phase=phase.key,
            item=items[phase.rate.target],
            criterion=criterion,
            value=value,
        )
        for person, criterion, value in given
    )
    db.session.add(RatingReveal(workshop_id=wid, phase=phase.key, revealed=True))


def counts() -> tuple[int, ...]:
    """Workshops, notes, votes and coalitions in the database."""
    db.session.rollback()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Workshop, Note, Vote, Coalition)
    )


def imported_id(response: Any) -> int:
    """The workshop an import created (its answer sends to its control page)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/workshops/(\d+)/control", response.location).group(1))
