"""The revealed opinion map in the synthesis: the groups and their sizes, what brings them
together, what divides them, what sets each apart, and the map itself — drawn as SVG in
the HTML and PDF, as a PNG in the ODT and DOCX. Anonymous as on the board: dots and
counts, no names. Nothing when the facilitator never revealed the map (or hid it again)."""

from __future__ import annotations

import hashlib
import hmac
import io
import math
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import distinct, func, select

from ..extensions import db
from ..notes.models import Note
from ..reactions import services as reactions
from ..reactions.models import Reaction
from ..workshops.models import Workshop
from . import chart

# Group colours that read on white paper, and the letters that name the groups (A, B, …),
# in the board's order.
COLOURS = ["#b58900", "#1f6fb2", "#c2452d", "#2e8540", "#7d4cb3"]
MAP_SIZE = 360
DOT = 6
PNG_SCALE = 4  # 1440 px square: sharp printed 12 cm wide


def letter(index: int) -> str:
    return chr(65 + index)


def summary(workshop: Workshop) -> dict[str, Any] | None:
    """What the synthesis says of the opinion map, or None while it is not revealed."""
    found = reactions.published(workshop)
    if found is None:
        return None
    answered = {
        "answered": db.session.scalar(
            select(func.count(distinct(Reaction.participant_id))).where(
                Reaction.workshop_id == workshop.id
            )
        )
        or 0,
        "answers": db.session.scalar(
            select(func.count(Reaction.id)).where(Reaction.workshop_id == workshop.id)
        )
        or 0,
    }
    if not found["enough"]:
        return {"enough": False, "reason": found["reason"], **answered}
    groups = [
        {
            "letter": letter(i),
            "colour": COLOURS[i % len(COLOURS)],
            "members": group["members"],
            "representative": [
                {"text": rep["text"], "side": rep["side"]} for rep in group["representative"]
            ],
        }
        for i, group in enumerate(found["groups"])
    ]
    return {
        "enough": True,
        "clear": found["clear"],
        "placed": found["participants"],
        **answered,
        "groups": groups,
        "consensus": [_rated(entry) for entry in found["consensus"]],
        "divisive": [_rated(entry) for entry in found["divisive"]] if found["clear"] else [],
        "map": drawing(found["dots"], len(groups)),
    }


def _rated(entry: dict[str, Any]) -> dict[str, Any]:
    """A note with each group's share of agrees, in whole percent (None: nobody saw it)."""
    rates = [
        {
            "letter": letter(i),
            "colour": COLOURS[i % len(COLOURS)],
            "percent": None if rate is None else round(100 * rate),
        }
        for i, rate in enumerate(entry["agree_rates"])
    ]
    return {"text": entry["text"], "rates": rates}


def drawing(dots: list[dict[str, Any]], groups: int, size: int = MAP_SIZE) -> dict[str, Any]:
    """The map scaled to a square: spots (people who answered alike share one, its area in
    proportion to their number) and each group's letter above its highest spot."""
    if not dots:
        return {"size": size, "spots": [], "letters": []}
    xs, ys = [d["x"] for d in dots], [d["y"] for d in dots]
    span = max(1e-9, max(xs) - min(xs), max(ys) - min(ys))
    pad = DOT * 6
    scale = (size - 2 * pad) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    spots: dict[tuple[int, int, int], dict[str, Any]] = {}
    for dot in dots:
        x, y = size / 2 + (dot["x"] - cx) * scale, size / 2 - (dot["y"] - cy) * scale
        key = (dot["group"], round(x / DOT), round(y / DOT))
        spot = spots.setdefault(key, {"x": x, "y": y, "group": dot["group"], "count": 0})
        spot["count"] += 1
    placed = []
    for spot in spots.values():
        colour = COLOURS[spot["group"] % len(COLOURS)]
        radius = DOT * math.sqrt(spot["count"])
        placed.append({**spot, "r": round(radius, 1), "colour": colour})
    letters = []
    for index in range(groups):
        own = [s for s in placed if s["group"] == index]
        if not own:
            continue
        x = sum(s["x"] * s["count"] for s in own) / sum(s["count"] for s in own)
        top = min(s["y"] - s["r"] for s in own)
        letters.append(
            {
                "letter": letter(index),
                "colour": COLOURS[index % len(COLOURS)],
                "x": round(min(size - 3 * DOT, max(3 * DOT, x)), 1),
                "y": round(max(4 * DOT, top - DOT), 1),
            }
        )
    rounded = [{**s, "x": round(s["x"], 1), "y": round(s["y"], 1)} for s in placed]
    return {"size": size, "spots": rounded, "letters": letters}


@cache
def _letter_font(size: int) -> chart.Font:
    path = chart.FONT_DIR / "DejaVuSans-Bold.ttf"
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def png(drawn: dict[str, Any]) -> bytes:
    """The map as a PNG (ODT, DOCX): the same drawing as the SVG, four times larger."""
    k, size = PNG_SCALE, drawn["size"] * PNG_SCALE
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    middle = size / 2
    draw.line((middle, DOT * 3 * k, middle, size - DOT * 3 * k), fill=(213, 210, 202), width=k)
    draw.line((DOT * 3 * k, middle, size - DOT * 3 * k, middle), fill=(213, 210, 202), width=k)
    for spot in drawn["spots"]:
        x, y, r = spot["x"] * k, spot["y"] * k, spot["r"] * k
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=spot["colour"], outline=(27, 31, 36), width=k
        )
    face = _letter_font(round(30 * k))
    for mark in drawn["letters"]:
        x, y = mark["x"] * k, mark["y"] * k
        box = face.getbbox(mark["letter"])
        draw.text(
            (x - (box[2] + box[0]) / 2, y - box[3]),
            mark["letter"],
            font=face,
            fill=mark["colour"],
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(300, 300))
    return buffer.getvalue()


def csv_rows(workshop: Workshop, secret: str) -> list[list[Any]]:
    """Every answer: the note, its text, a participant's number and the answer — no name.
    Participants are numbered 1, 2, … in an order drawn from the server's secret, not in
    the order they joined, so that a number says nothing of who it is."""
    rows = db.session.execute(
        select(Reaction.note_id, Note.area, Note.text, Reaction.participant_id, Reaction.value)
        .join(Note, Note.id == Reaction.note_id)
        .where(Reaction.workshop_id == workshop.id)
    ).all()

    def key(participant: int) -> str:
        message = f"{workshop.id}:{participant}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    numbers = {p: n for n, p in enumerate(sorted({r[3] for r in rows}, key=key), start=1)}
    ordered = sorted(rows, key=lambda r: (r[0], numbers[r[3]]))
    return [
        [note, area, text, numbers[person], reactions.VALUES[value]]
        for note, area, text, person, value in ordered
    ]
