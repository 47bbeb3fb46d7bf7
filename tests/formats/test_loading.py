"""Formats are data: checked once at start-up, with errors that name the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facilitation import ROOT, create_app
from facilitation.formats import FormatError, load_format, load_formats

SHIPPED = ROOT / "workshops"


@pytest.fixture
def formats_dir(tmp_path: Path) -> Path:
    shutil.copy(SHIPPED / "brainstorm.toml", tmp_path / "brainstorm.toml")
    return tmp_path


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def broken_copy(directory: Path, old: str, new: str, name: str = "broken.toml") -> Path:
    text = (SHIPPED / "brainstorm.toml").read_text(encoding="utf-8")
    assert old in text
    return write(directory, name, text.replace(old, new, 1))


def test_every_shipped_format_loads():
    registry = load_formats(SHIPPED)
    assert {"brainstorm", "swot", "reset_day"} <= set(registry)


def test_the_swot_has_four_quadrants_in_both_languages():
    swot = load_formats(SHIPPED)["swot"]
    assert [area.label.get("fr") for area in swot.areas] == [
        "Forces",
        "Faiblesses",
        "Opportunités",
        "Menaces",
    ]
    assert [area.label.get("en") for area in swot.areas] == [
        "Strengths",
        "Weaknesses",
        "Opportunities",
        "Threats",
    ]


def test_an_unknown_phase_kind_is_named_with_its_file_and_field(formats_dir):
    path = broken_copy(formats_dir, 'kind = "reveal"', 'kind = "revelation"')
    with pytest.raises(FormatError) as error:
        load_format(path)
    assert str(error.value).startswith("broken.toml: phases[1].kind:")


def test_a_missing_label_is_named(formats_dir):
    path = broken_copy(formats_dir, 'label = { fr = "Idées", en = "Ideas" }\n', "")
    with pytest.raises(FormatError, match=r"broken.toml: areas\[0\].label: Missing"):
        load_format(path)


def test_a_voting_phase_without_rules_is_named(formats_dir):
    path = broken_copy(formats_dir, "vote = { budget = 5, max_per_item = 3 }\n", "")
    with pytest.raises(FormatError, match=r"phases\[3\].vote: A voting phase needs vote rules"):
        load_format(path)


def test_a_phase_naming_an_unknown_area_is_named(formats_dir):
    path = broken_copy(formats_dir, 'kind = "reveal"', 'kind = "reveal"\nareas = ["nowhere"]')
    with pytest.raises(FormatError, match=r"phases\[1\].areas: Unknown area 'nowhere'"):
        load_format(path)


def test_duplicate_phase_keys_are_named(formats_dir):
    path = broken_copy(formats_dir, 'key = "reveal"', 'key = "silent_writing"')
    with pytest.raises(FormatError, match=r"phases\[1\].key: Duplicate key 'silent_writing'"):
        load_format(path)


def test_a_toml_syntax_error_is_named(formats_dir):
    path = write(formats_dir, "syntax.toml", 'title = { fr = "oops" ')
    with pytest.raises(FormatError, match=r"^syntax.toml: \(syntax\):"):
        load_format(path)


def test_an_invalid_format_file_stops_start_up_naming_the_file_and_field(formats_dir):
    broken_copy(formats_dir, "budget = 5", 'budget = "five"', name="workshop_x.toml")
    with pytest.raises(FormatError, match=r"workshop_x.toml: phases\[3\].vote.budget:"):
        create_app({"FORMATS_DIR": str(formats_dir), "SECRET_KEY": "k" * 40})


def test_a_new_format_needs_no_code(formats_dir):
    write(
        formats_dir,
        "retro_mini.toml",
        """
title = { fr = "Rétro", en = "Retro" }
description = { fr = "d", en = "d" }
question_label = { fr = "Sprint", en = "Sprint" }
[[areas]]
key = "keep"
label = { fr = "À garder", en = "Keep" }
color = "#7bd389"
[[phases]]
key = "write"
kind = "ideation"
label = { fr = "Écrire", en = "Write" }
""",
    )
    app = create_app({"FORMATS_DIR": str(formats_dir), "SECRET_KEY": "k" * 40})
    assert "retro_mini" in app.extensions["fabrique.formats"]
