"""The ratings in the synthesis: for each rating phase that was answered, each item rated
and, per criterion, how many answered, the median, the spread between the quartiles and
the distribution over the scale; a radar for several criteria — drawn as SVG in the HTML
and PDF, as a PNG in the ODT and DOCX. Counts and medians only, never who rated what."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlalchemy import select

from ..coalitions.models import Coalition
from ..extensions import db
from ..formats import Phase
from ..groups.models import Group
from ..notes.models import Note
from ..ratings import chart as radar
from ..ratings import services as ratings
from ..ratings.models import Rating
from ..workshops.models import Workshop


def summary(workshop: Workshop, locale: str) -> list[dict[str, Any]]:
    """Every rating phase with answers, in the format's order (revealed or not: the
    synthesis is the staff's record, as the vote results are)."""
    found = []
    for phase in ratings.rating_phases(workshop):
        results = ratings.results(workshop, phase)
        if results["items"]:
            found.append(_phase(workshop, phase, results, locale))
    return found


def _phase(workshop: Workshop, phase: Phase, results: dict[str, Any], locale: str) -> dict:
    assert phase.rate is not None
    criteria = [
        {
            "key": c.key,
            "label": c.label.get(locale),
            "description": c.description.get(locale) if c.description else "",
            "points": [
                {"value": value, "label": c.scale.label_of(value).get(locale)}
                for value in c.scale.values
            ],
            "signed": c.scale.low < 0,
        }
        for c in phase.rate.criteria
    ]
    labels = item_labels(workshop, [entry["item"] for entry in results["items"]])
    items = []
    for entry in results["items"]:
        stats = [{**c, **entry["criteria"][c["key"]]} for c in criteria]
        for stat in stats:
            stat["spread"] = _spread(stat)
        items.append(
            {
                "item": entry["item"],
                "label": labels.get(entry["item"], entry["item"]),
                "criteria": stats,
                "raters": max((stat["n"] for stat in stats), default=0),
                "radar": radar.drawing(phase.rate.criteria, entry["criteria"], locale)
                if len(criteria) >= 3
                else None,
            }
        )
    scales = {tuple((p["value"], p["label"]) for p in c["points"]) for c in criteria}
    return {
        "key": phase.key,
        "label": phase.label.get(locale),
        "scale": criteria[0]["points"] if len(scales) == 1 else None,  # shared by every one
        "target": phase.rate.target,
        "participants": results["participants"],
        "criteria": criteria,
        "items": items,
    }


def beside_canvases(cards: dict[str, Any], rated: list[dict[str, Any]]) -> dict[str, Any]:
    """Each canvas (a project's sheet) with its item's medians in every rating phase that
    rated it, so that a project's answers and its ratings are read together."""
    for canvas in cards["canvas"]:
        canvas["ratings"] = [
            {
                "phase": phase["label"],
                "raters": item["raters"],
                "medians": [(c["label"], c["median"]) for c in item["criteria"]],
            }
            for phase in rated
            for item in phase["items"]
            if item["item"] == canvas.get("item")
        ]
    return cards


def _spread(stat: dict[str, Any]) -> float | None:
    if stat["q1"] is None:
        return None
    return round(stat["q3"] - stat["q1"], 2)


def item_labels(workshop: Workshop, items: list[str]) -> dict[str, str]:
    """What each rated item is called: a proposal's or group's title, a note's text."""
    ids: dict[str, set[int]] = {"proposal": set(), "note": set(), "group": set()}
    for item in items:
        kind, _, ident = item.partition(":")
        ids[kind].add(int(ident))
    labels: dict[str, str] = {}
    queries = (
        (
            "proposal",
            select(Coalition.id, Coalition.title).where(Coalition.id.in_(ids["proposal"])),
        ),
        ("note", select(Note.id, Note.text).where(Note.id.in_(ids["note"]))),
        ("group", select(Group.id, Group.title).where(Group.id.in_(ids["group"]))),
    )
    for kind, query in queries:
        if ids[kind]:
            labels.update({f"{kind}:{ident}": text for ident, text in db.session.execute(query)})
    return labels


# --- The raw answers ---------------------------------------------------------------------


def csv_rows(workshop: Workshop, secret: str) -> list[list[Any]]:
    """Every rating: the phase, the item and what it is called, the criterion, a
    participant's number and the value — no name. Participants are numbered 1, 2, … in an
    order drawn from the server's secret, so that a number says nothing of who it is."""
    rows = db.session.execute(
        select(
            Rating.phase, Rating.item, Rating.criterion, Rating.participant_id, Rating.value
        ).where(Rating.workshop_id == workshop.id)
    ).all()

    def key(participant: int) -> str:
        message = f"{workshop.id}:{participant}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    numbers = {p: n for n, p in enumerate(sorted({r[3] for r in rows}, key=key), start=1)}
    labels = item_labels(workshop, sorted({r[1] for r in rows}))
    order = {phase.key: i for i, phase in enumerate(ratings.rating_phases(workshop))}
    ordered = sorted(
        rows,
        key=lambda r: (order.get(r[0], 99), int(r[1].partition(":")[2]), r[2], numbers[r[3]]),
    )
    return [
        [phase, item, labels.get(item, ""), criterion, numbers[person], value]
        for phase, item, criterion, person, value in ordered
    ]
