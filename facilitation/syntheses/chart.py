"""The ranked vote results as a bar chart (PNG) for the ODT and DOCX syntheses.

Drawn at 1600 px wide so that it stays sharp printed 16 cm wide (about 250 dpi); text is
about 9 pt at that size. DejaVu Sans (Debian's fonts-dejavu-core) when present, else
Pillow's own font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

TOP = 15
WIDTH = 1600
ROW = 76
PADDING = 16
FONT_SIZE = 32
RANK_WIDTH = 110
LABEL_WIDTH = 860
BAR_X = PADDING + RANK_WIDTH + LABEL_WIDTH + 24
BAR_MAX = WIDTH - BAR_X - 110
BAR_HEIGHT = 44
BAR = (11, 92, 173)  # the HTML synthesis's bar colour
INK = (27, 31, 36)
STRIPE = (244, 242, 237)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(bold: bool = False) -> Font:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), FONT_SIZE)
    return ImageFont.load_default(size=FONT_SIZE)


def rank_label(result: dict[str, Any]) -> str:
    """'3', or '=3' for items sharing their rank, as in the results table."""
    return f"{'=' if result['tied'] else ''}{result['rank']}"


def fit(text: str, face: Font, width: float) -> str:
    """One line of text cut (with '…') to fit the width."""
    line = re.sub(r"\s+", " ", text).strip()
    if face.getlength(line) <= width:
        return line
    while line and face.getlength(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _write(draw: ImageDraw.ImageDraw, x: float, middle: float, text: str, face: Font) -> None:
    """Text centred on a line (without `anchor`, which Pillow's bitmap font lacks)."""
    _, top, _, bottom = face.getbbox("Ag")
    draw.text((x, middle - (bottom + top) / 2), text, font=face, fill=INK)


def height(count: int) -> int:
    return count * ROW + 2 * PADDING


def ranked_bars(results: Sequence[dict[str, Any]], top: int = TOP) -> bytes | None:
    """The first `top` results as a horizontal bar chart, or None when nothing was voted."""
    shown = list(results[:top])
    if not shown:
        return None
    most = max(result["dots"] for result in shown) or 1
    image = Image.new("RGB", (WIDTH, height(len(shown))), "white")
    draw = ImageDraw.Draw(image)
    regular, bold = font(), font(bold=True)
    for index, result in enumerate(shown):
        top_y = PADDING + index * ROW
        middle = top_y + ROW / 2
        if index % 2 == 0:
            draw.rectangle((0, top_y, WIDTH, top_y + ROW - 1), fill=STRIPE)
        _write(draw, PADDING, middle, rank_label(result), bold)
        label = fit(str(result["label"] or ""), regular, LABEL_WIDTH)
        _write(draw, PADDING + RANK_WIDTH, middle, label, regular)
        length = max(4, round(result["dots"] / most * BAR_MAX))
        bar_top = middle - BAR_HEIGHT / 2
        draw.rounded_rectangle(
            (BAR_X, bar_top, BAR_X + length, bar_top + BAR_HEIGHT), radius=6, fill=BAR
        )
        _write(draw, BAR_X + length + 14, middle, str(result["dots"]), bold)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(254, 254))
    return buffer.getvalue()
