"""The ratings in the JSON archive (version 4): every participant's value for an item on a
criterion of a rating phase, and which rating phases' results were revealed.

An item is named as the archive names it: a note or group by its reference ("n3",
"g2"), a proposal by its place in the archive's proposals ("proposal:1", the first). On
import each is checked against the format — a rating phase it has, a criterion of that
phase, a value on that criterion's scale, an item of the kind the phase rates — and one
value per participant, phase, item and criterion; anything else refuses the archive."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..extensions import db
from ..formats import Format
from ..ratings.models import Rating, RatingReveal
from ..workshops.models import Workshop

if TYPE_CHECKING:
    from .imports import Checker, Writer

PROPOSAL = re.compile(r"^proposal:([0-9]{1,7})$")


def export(
    workshop: Workshop, refs: dict[str, dict[int, str]], proposals: list[int]
) -> list[dict[str, Any]]:
    """The ratings, items by their archive names (``proposals``: the exported proposals'
    ids, in the archive's order); an item no longer in the archive is left out."""
    place = {coalition: f"proposal:{index}" for index, coalition in enumerate(proposals, 1)}
    names = {"note": refs["note"], "group": refs["group"], "proposal": place}
    rows = db.session.scalars(
        select(Rating).where(Rating.workshop_id == workshop.id).order_by(Rating.id)
    )
    out = []
    for rating in rows:
        kind, _, ident = rating.item.partition(":")
        item = names[kind].get(int(ident))
        if item is not None:
            out.append(
                {
                    "participant": refs["participant"][rating.participant_id],
                    "phase": rating.phase,
                    "item": item,
                    "criterion": rating.criterion,
                    "value": rating.value,
                    "updated_at": rating.updated_at,
                }
            )
    return out


def revealed(workshop: Workshop) -> list[str]:
    query = select(RatingReveal.phase).where(
        RatingReveal.workshop_id == workshop.id, RatingReveal.revealed.is_(True)
    )
    return sorted(db.session.scalars(query))


def check(checker: Checker, fmt: Format) -> None:
    """Each rating against the format and the archive's rows (errors under their paths)."""
    rules = {phase.key: phase.rate for phase in fmt.phases if phase.rate}
    proposals = len(checker.a["proposals"])
    for index, key in enumerate(checker.a["workshop"]["ratings_revealed"]):
        if key not in rules:
            checker.fail(("workshop", "ratings_revealed", index), f"{key!r} is not a rating phase.")
    seen: set[tuple[str, str, str, str]] = set()
    for index, row in enumerate(checker.a["ratings"]):
        path = ("ratings", index)
        checker.known((*path, "participant"), row["participant"], "p")
        phase = rules.get(row["phase"])
        if phase is None:
            checker.fail((*path, "phase"), f"The format has no rating phase {row['phase']!r}.")
            continue
        criterion = phase.criterion(row["criterion"])
        if criterion is None:
            checker.fail((*path, "criterion"), f"The phase rates no {row['criterion']!r}.")
        elif row["value"] not in criterion.scale.values:
            scale = criterion.scale
            checker.fail((*path, "value"), f"Off the scale ({scale.low} to {scale.high}).")
        _item(checker, (*path, "item"), row["item"], phase.target, proposals)
        key = (row["participant"], row["phase"], row["item"], row["criterion"])
        if key in seen:
            checker.fail((*path, "criterion"), "One value per participant, item and criterion.")
        seen.add(key)


def _item(checker: Checker, path: tuple[Any, ...], item: str, target: str, proposals: int) -> None:
    found = PROPOSAL.match(item)
    if target == "proposals":
        if not found or not 1 <= int(found.group(1)) <= proposals:
            checker.fail(path, f"Not one of the archive's {proposals} proposals: {item!r}.")
        return
    checker.known(path, item, target[0])  # "n" for notes, "g" for groups


def write(writer: Writer) -> None:
    """The ratings and reveals, once the proposals are copied (in the last transaction)."""
    ratings = writer.a["ratings"]
    for row in ratings:
        found = PROPOSAL.match(row["item"])
        if found:
            item = f"proposal:{writer.coalitions[int(found.group(1)) - 1]}"
        else:
            item = writer.target(row["item"])
        db.session.add(
            Rating(
                workshop_id=writer.wid,
                participant_id=writer.ids[row["participant"]],
                phase=row["phase"],
                item=item,
                criterion=row["criterion"],
                value=row["value"],
                updated_at=row["updated_at"],
            )
        )
    for key in writer.a["workshop"]["ratings_revealed"]:
        db.session.add(RatingReveal(workshop_id=writer.wid, phase=key, revealed=True))
