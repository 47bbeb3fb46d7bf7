"""The ratings in the synthesis: for each rating phase that was answered, each item rated
and, per criterion, how many answered, the median, the spread between the quartiles and
the distribution over the scale; a radar for several criteria — drawn as SVG in the HTML
and PDF, as a PNG in the ODT and DOCX. Counts and medians only, never who rated what."""

from __future__ import annotations

import hashlib
import hmac
import io
import math
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from ..coalitions.models import Coalition
from ..extensions import db
from ..formats import Phase
from ..groups.models import Group
from ..notes.models import Note
from ..ratings import services as ratings
from ..ratings.models import Rating
from ..workshops.models import Workshop
from . import chart

RADIUS = 100
SIDE = 140  # room for the labels beside the chart ("Démocratique 3")
TOP = 36  # and above and below it
PNG_SCALE = 5  # 2200 px wide: sharp printed 12 cm wide
INK, GRID, FILL = (27, 31, 36), (201, 196, 184), (11, 92, 173)


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
                "radar": drawing(phase, entry["criteria"], locale) if len(criteria) >= 3 else None,
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


# --- The radar ---------------------------------------------------------------------------


def _point(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (SIDE + RADIUS + radius * math.cos(angle), TOP + RADIUS + radius * math.sin(angle))


def _share(value: float | None, low: int, high: int) -> float:
    return 0.0 if value is None else (value - low) / max(1, high - low)


def drawing(phase: Phase, stats: dict[str, dict[str, Any]], locale: str) -> dict[str, Any]:
    """The radar as coordinates: grid rings, axes, the spread band (third quartile shape
    with the first quartile's cut out), the medians, and each criterion's label."""
    assert phase.rate is not None
    criteria = phase.rate.criteria
    n = len(criteria)
    levels = max(1, criteria[0].scale.high - criteria[0].scale.low)

    def shape(field: str) -> list[tuple[float, float]]:
        return [
            _point(i, n, RADIUS * _share(stats[c.key][field], c.scale.low, c.scale.high))
            for i, c in enumerate(criteria)
        ]

    def points(shape: list[tuple[float, float]]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in shape)

    labels = []
    for i, c in enumerate(criteria):
        x, y = _point(i, n, RADIUS + 12)
        dx = x - SIDE - RADIUS
        anchor = "middle" if abs(dx) < 8 else "start" if dx > 0 else "end"
        median = stats[c.key]["median"]
        dy = y - TOP - RADIUS
        labels.append(
            {
                "x": round(x, 1),
                "y": round(y + (10 if dy > 8 else -3 if dy < -8 else 4), 1),
                "anchor": anchor,
                "text": c.label.get(locale),
                "value": "" if median is None else _number(median),
            }
        )
    rings = [
        points([_point(i, n, RADIUS * level / levels) for i in range(n)])
        for level in range(1, levels + 1)
    ]
    return {
        "width": 2 * (SIDE + RADIUS),
        "height": 2 * (TOP + RADIUS),
        "rings": rings,
        "axes": [
            {"x": round(x, 1), "y": round(y, 1)}
            for x, y in (_point(i, n, RADIUS) for i in range(n))
        ],
        "centre": {"x": SIDE + RADIUS, "y": TOP + RADIUS},
        "q1": shape("q1"),
        "q3": shape("q3"),
        "spread": f"{_path(points(shape('q3')))} {_path(points(shape('q1')))}",
        "median": points(shape("median")),
        "dots": [{"x": round(x, 1), "y": round(y, 1)} for x, y in shape("median")],
        "labels": labels,
    }


def _path(points: str) -> str:
    return f"M{points.replace(' ', 'L')}Z"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def png(drawn: dict[str, Any]) -> bytes:
    """The radar as a PNG (ODT, DOCX): the SVG's drawing, five times larger."""
    k = PNG_SCALE
    width, height = drawn["width"] * k, drawn["height"] * k
    image = Image.new("RGB", (width, height), "white")
    base = ImageDraw.Draw(image)
    scaled = lambda shape: [(x * k, y * k) for x, y in shape]  # noqa: E731
    for ring in drawn["rings"]:
        shape = [tuple(float(c) * k for c in pair.split(",")) for pair in ring.split(" ")]
        base.polygon(shape, outline=GRID, width=k)
    centre = (drawn["centre"]["x"] * k, drawn["centre"]["y"] * k)
    for axis in drawn["axes"]:
        base.line((centre, (axis["x"] * k, axis["y"] * k)), fill=GRID, width=k)
    band = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    layer = ImageDraw.Draw(band)
    layer.polygon(scaled(drawn["q3"]), fill=(*FILL, 46))
    layer.polygon(scaled(drawn["q1"]), fill=(0, 0, 0, 0))
    median = [tuple(float(c) * k for c in pair.split(",")) for pair in drawn["median"].split(" ")]
    layer.polygon(median, fill=(*FILL, 90))
    image.paste(band, (0, 0), band)
    draw = ImageDraw.Draw(image)
    draw.line([*median, median[0]], fill=FILL, width=3 * k, joint="curve")
    for dot in drawn["dots"]:
        x, y, r = dot["x"] * k, dot["y"] * k, 3.5 * k
        draw.ellipse((x - r, y - r, x + r, y + r), fill=FILL)
    bold = _font(13 * k)
    for label in drawn["labels"]:
        text = f"{label['text']} {label['value']}".strip()
        length = bold.getlength(text)
        x = label["x"] * k - {"start": 0, "middle": length / 2, "end": length}[label["anchor"]]
        top = label["y"] * k - 11 * k  # the SVG's y is the baseline
        draw.text((x, top), label["text"], font=bold, fill=INK)
        if label["value"]:
            offset = bold.getlength(label["text"] + " ")
            draw.text((x + offset, top), label["value"], font=bold, fill=FILL)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(300, 300))
    return buffer.getvalue()


@cache
def _font(size: int) -> chart.Font:
    path = chart.FONT_DIR / "DejaVuSans-Bold.ttf"
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


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
