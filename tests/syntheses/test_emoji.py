"""Emoji in the PDF synthesis are drawn with Debian's colour emoji font
(fonts-noto-color-emoji, installed by .ci/services), a joined sequence as one picture,
never as empty boxes."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

RAINBOW = "🏳\ufe0f\u200d🌈"  # white flag, emoji presentation, ZWJ, rainbow
WORD = re.compile(
    r'<page width="(?P<width>[\d.]+)"|'
    r'<word xMin="(?P<x0>[\d.]+)" yMin="(?P<y0>[\d.]+)" xMax="(?P<x1>[\d.]+)" '
    r'yMax="(?P<y1>[\d.]+)">(?P<text>[^<]*)</word>'
)
DPI = 144


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, check=True, text=True, timeout=60).stdout


@pytest.fixture
def pdf(create_workshop, screens, download, tmp_path) -> Path:
    """The PDF synthesis of a brainstorm with one note: a word and a joined emoji."""
    workshop = create_workshop("brainstorm")
    screens(workshop).send("note.post", area="ideas", text=f"Fiertés {RAINBOW}")
    path = tmp_path / "synthesis.pdf"
    path.write_bytes(download(workshop, "pdf").get_data())
    return path


def where(pdf: Path, text: str) -> tuple[int, tuple[float, float, float, float]]:
    """The page (from 1) and the box, in points, of the first word that is this text."""
    page = 0
    for match in WORD.finditer(run("pdftotext", "-bbox", str(pdf), "-")):
        if match["width"]:
            page += 1
        elif html.unescape(match["text"]) == text:
            return page, (
                float(match["x0"]),
                float(match["y0"]),
                float(match["x1"]),
                float(match["y1"]),
            )
    raise AssertionError(f"{text!r} is not a word of the PDF's text")


def vivid_hues(image: Image.Image) -> set[int]:
    """Hues (in twelve sectors) of the strongly coloured pixels: greys, black and white
    have none."""
    data = image.convert("RGB").convert("HSV").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return {h * 12 // 256 for h, s, v in pixels if s > 120 and v > 90}


def test_the_pdf_embeds_a_colour_emoji_font(pdf):
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    emoji = [line for line in fonts if "Color-Emoji" in line]
    assert emoji, fonts
    assert all(" yes " in line for line in emoji), emoji  # embedded, not referenced


def test_a_joined_emoji_is_one_colour_picture_in_the_pdf(pdf, tmp_path):
    page, (x0, y0, x1, y1) = where(pdf, RAINBOW)  # one word: the sequence, whole
    size = x1 - x0  # the emoji font's boxes are as wide as the picture, not as tall
    run(
        "pdftoppm",
        "-r",
        str(DPI),
        "-f",
        str(page),
        "-l",
        str(page),
        "-png",
        str(pdf),
        str(tmp_path / "page"),
    )
    image = Image.open(next(tmp_path.glob("page*.png")))
    scale = DPI / 72
    box = (x0, min(y0, y1 - size), x1, max(y1, y0 + size))
    picture = image.crop(tuple(round(v * scale) for v in box))
    assert len(vivid_hues(picture)) >= 4  # a rainbow, not an empty box or a black outline


def test_digits_are_drawn_with_the_text_font_not_the_emoji_font(
    create_workshop, screens, download, tmp_path
):
    """Digits can begin a keycap emoji: the emoji font once drew them all, spaced out."""
    workshop = create_workshop("brainstorm")
    screens(workshop).send("note.post", area="ideas", text="Idée n°16 : 2030 arbres")
    path = tmp_path / "digits.pdf"
    path.write_bytes(download(workshop, "pdf").get_data())
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts
    assert not [line for line in fonts if "Emoji" in line], fonts
