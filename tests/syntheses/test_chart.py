"""The results bar chart of the ODT and DOCX syntheses: a PNG of the top fifteen, readable
once printed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from facilitation.syntheses import chart


def result(rank: int, dots: int, label: str = "Une idée", tied: bool = False) -> dict:
    return {"rank": rank, "tied": tied, "label": label, "dots": dots}


def picture(results: list[dict]) -> Image.Image:
    png = chart.ranked_bars(results)
    assert png is not None
    return Image.open(io.BytesIO(png))


def test_the_chart_is_a_png(tmp_path):
    with picture([result(1, 5)]) as image:
        assert image.format == "PNG"


def test_the_chart_shows_the_top_fifteen_results_only():
    results = [result(rank, 40 - rank) for rank in range(1, 31)]
    with picture(results) as image:
        assert image.size == (chart.WIDTH, chart.height(15))


def test_no_chart_is_drawn_when_nothing_was_voted():
    assert chart.ranked_bars([]) is None


def test_tied_ranks_read_with_an_equals_sign():
    assert chart.rank_label(result(3, 4, tied=True)) == "=3"
    assert chart.rank_label(result(1, 9)) == "1"


def test_a_long_label_is_cut_to_fit_its_column():
    label = "Une très longue note qui déborderait sur les barres si on la laissait faire " * 3
    cut = chart.fit(label, chart.font(), chart.LABEL_WIDTH)
    assert cut.endswith("…")
    assert chart.font().getlength(cut) <= chart.LABEL_WIDTH


def test_a_label_on_several_lines_is_drawn_on_one():
    assert chart.fit("Deux\nlignes", chart.font(), chart.LABEL_WIDTH) == "Deux lignes"


def test_labels_are_readable_printed_across_a_page():
    printed_dpi = chart.WIDTH / (17 / 2.54)  # 17 cm wide, as in the ODT and DOCX
    assert chart.FONT_SIZE / printed_dpi * 72 >= 8  # points


def test_the_chart_uses_pillows_own_font_without_dejavu(monkeypatch, tmp_path):
    monkeypatch.setattr(chart, "FONT_DIR", tmp_path)
    chart.font.cache_clear()
    try:
        with picture([result(1, 3, "Sans DejaVu")]) as image:
            assert image.size == (chart.WIDTH, chart.height(1))
    finally:
        chart.font.cache_clear()


@pytest.mark.parametrize("dots", [1, 1000])
def test_every_bar_stays_inside_the_picture(dots):
    with picture([result(1, 1000), result(2, dots, "Autre")]) as image:
        right = image.convert("RGB").crop((chart.WIDTH - 4, 0, chart.WIDTH, image.height))
        assert {colour for _, colour in right.getcolors()} <= {(255, 255, 255), chart.STRIPE}
