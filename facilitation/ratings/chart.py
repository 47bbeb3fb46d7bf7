"""A radar of ratings, drawn by our own small code: one axis per criterion, rings for the
points of the scale, each criterion's median filled and the band between its first and
third quartiles around it — as coordinates for an inline SVG (the synthesis, a proposal's
page; templates/ratings/_radar.html) and as a PNG for the ODT and DOCX. The screens draw
the same with static/js/radar.js."""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ..formats import Criterion
from ..i18n import decimal

RADIUS = 100
SIDE = 140  # room for the labels beside the chart ("Démocratique 3")
TOP = 36  # and above and below it
PNG_SCALE = 5  # 2400 px wide: sharp printed 12 cm wide
INK, GRID, FILL = (27, 31, 36), (201, 196, 184), (11, 92, 173)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _point(index: int, count: int, radius: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (SIDE + RADIUS + radius * math.cos(angle), TOP + RADIUS + radius * math.sin(angle))


def _share(value: float | None, low: int, high: int) -> float:
    return 0.0 if value is None else (value - low) / max(1, high - low)


def drawing(
    criteria: tuple[Criterion, ...], stats: dict[str, dict[str, Any]], locale: str
) -> dict[str, Any]:
    """The radar as coordinates: grid rings, axes, the spread band (third quartile shape
    with the first quartile's cut out), the medians, and each criterion's label; ``stats``
    per criterion key: median, q1, q3 (None where nobody answered)."""
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
                "value": "" if median is None else decimal(median, locale, 1),
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
def _font(size: int) -> Font:
    path = FONT_DIR / "DejaVuSans-Bold.ttf"
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)
