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


# --- Rating phases -----------------------------------------------------------------------

FIVE = ", ".join(f'{{ fr = "p{n}", en = "p{n}" }}' for n in range(5))
ABC = ", ".join(f'{{ fr = "{n}", en = "{n}" }}' for n in "abc")
RATING = f"""
[[phases]]
key = "rating"
kind = "rate"
label = {{ fr = "Notation", en = "Rating" }}

[phases.rate]
target = "notes"
scale = {{ from = -2, to = 2, labels = [{FIVE}] }}

[[phases.rate.criteria]]
key = "profound"
label = {{ fr = "Profond", en = "Profound" }}

[[phases.rate.criteria]]
key = "robust"
label = {{ fr = "Robuste", en = "Robust" }}
scale = {{ from = 1, to = 3, labels = [{ABC}] }}
"""


def with_rating(directory: Path, old: str = "", new: str = "") -> Path:
    text = (SHIPPED / "brainstorm.toml").read_text(encoding="utf-8") + RATING
    assert old in text
    return write(directory, "rating.toml", text.replace(old, new, 1))


def test_a_rating_phase_declares_its_criteria_each_on_its_scale(formats_dir):
    phase = load_format(with_rating(formats_dir)).phases[-1]
    assert phase.rate is not None
    assert phase.rate.target == "notes"
    profound, robust = phase.rate.criteria
    assert list(profound.scale.values) == [-2, -1, 0, 1, 2]  # the phase's scale
    assert list(robust.scale.values) == [1, 2, 3]  # its own
    assert robust.scale.label_of(3).get("en") == "c"


def test_the_reset_day_rates_its_proposals_through_the_seven_qualities_lens():
    (phase,) = (p for p in load_formats(SHIPPED)["reset_day"].phases if p.key == "qualities")
    assert phase.rate is not None
    assert (phase.rate.target, phase.rate.lens) == ("proposals", "reset_qualities")
    assert [c.label.get("fr") for c in phase.rate.criteria] == [
        "Inclusif", "Frugal", "Démocratique", "Protecteur", "Innovant", "Capacitant", "Équitable",
    ]  # fmt: skip
    assert all(c.description for c in phase.rate.criteria)


def test_a_rating_phase_without_rate_rules_is_named(formats_dir):
    text = (SHIPPED / "brainstorm.toml").read_text(encoding="utf-8")
    path = write(formats_dir, "rating.toml", text + RATING.partition("[phases.rate]")[0])
    with pytest.raises(FormatError, match=r"phases\[6\].rate: A rating phase needs rate rules"):
        load_format(path)


def test_a_scale_with_too_few_labels_says_how_many_it_needs(formats_dir):
    path = with_rating(formats_dir, f"labels = [{FIVE}]", 'labels = [{ fr = "a", en = "a" }]')
    message = r"phases\[6\].rate.scale.labels: The scale from -2 to 2 has 5 points: give 5 labels"
    with pytest.raises(FormatError, match=message):
        load_format(path)


def test_a_criterion_without_any_scale_is_named(formats_dir):
    path = with_rating(formats_dir, f"scale = {{ from = -2, to = 2, labels = [{FIVE}] }}\n")
    with pytest.raises(FormatError, match=r"phases\[6\].rate.criteria\[0\].scale: No scale"):
        load_format(path)


def test_an_unknown_lens_and_unknown_targets_are_named(formats_dir):
    lens = with_rating(formats_dir, 'target = "notes"', 'target = "notes"\nlens = "nine_virtues"')
    with pytest.raises(
        FormatError, match=r"phases\[6\].rate.lens: Must be one of: reset_qualities"
    ):
        load_format(lens)
    target = with_rating(formats_dir, 'target = "notes"', 'target = "people"')
    with pytest.raises(FormatError, match=r"phases\[6\].rate.target"):
        load_format(target)


def test_duplicate_criteria_are_named(formats_dir):
    path = with_rating(formats_dir, 'key = "robust"', 'key = "profound"')
    with pytest.raises(FormatError, match=r"rate.criteria\[1\].key: Duplicate key 'profound'"):
        load_format(path)


# --- Poll phases ---------------------------------------------------------------------------

POLL = """
[[phases]]
key = "poll"
kind = "poll"
label = { fr = "Sondage", en = "Poll" }

[phases.poll]
question = { fr = "Quel jour ?", en = "Which day?" }
multiple = true
max_choices = 2
options = [
  { fr = "Lundi", en = "Monday" },
  { fr = "Mardi", en = "Tuesday" },
  { fr = "Jeudi", en = "Thursday" },
]
"""


def with_poll(directory: Path, old: str = "", new: str = "") -> Path:
    text = (SHIPPED / "brainstorm.toml").read_text(encoding="utf-8") + POLL
    assert old in text
    return write(directory, "poll.toml", text.replace(old, new, 1))


def test_a_poll_phase_declares_its_question_and_options_in_both_languages(formats_dir):
    phase = load_format(with_poll(formats_dir)).phases[-1]
    assert phase.poll is not None
    assert phase.permits("poll")
    assert phase.poll.question.get("en") == "Which day?"
    assert [option.get("fr") for option in phase.poll.options] == ["Lundi", "Mardi", "Jeudi"]
    assert (phase.poll.multiple, phase.poll.max_choices) == (True, 2)


def test_the_reset_day_ends_with_a_poll_on_the_quality_that_matters_most():
    phase = load_formats(SHIPPED)["reset_day"].phases[-1]
    assert phase.poll is not None
    assert phase.poll.multiple is False
    assert [option.get("en") for option in phase.poll.options] == [
        "Inclusive", "Frugal", "Democratic", "Protective", "Innovative", "Capacitating",
        "Equitable",
    ]  # fmt: skip


def test_a_poll_phase_without_its_poll_is_named(formats_dir):
    text = (SHIPPED / "brainstorm.toml").read_text(encoding="utf-8")
    path = write(formats_dir, "poll.toml", text + POLL.partition("[phases.poll]")[0])
    with pytest.raises(FormatError, match=r"phases\[6\].poll: A poll phase needs its poll"):
        load_format(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '  { fr = "Mardi", en = "Tuesday" },\n  { fr = "Jeudi", en = "Thursday" },\n',
            "",
            r"phases\[6\].poll.options: Length must be between 2 and 10",
        ),
        ('fr = "Mardi"', 'fr = "lundi"', r"phases\[6\].poll.options\[1\]: Option 2 repeats"),
        ("max_choices = 2", "max_choices = 4", r"poll.max_choices: At most 3 choices"),
        ("multiple = true", "multiple = false", r"poll.max_choices: max_choices needs multiple"),
    ],
)
def test_a_malformed_poll_is_named(formats_dir, old, new, message):
    with pytest.raises(FormatError, match=message):
        load_format(with_poll(formats_dir, old, new))


def test_a_poll_phase_cannot_open_a_format(formats_dir):
    text = (SHIPPED / "brainstorm.toml").read_text(encoding="utf-8")
    head, _, phases = text.partition("[[phases]]")
    path = write(formats_dir, "poll_first.toml", head + POLL.lstrip() + "\n[[phases]]" + phases)
    with pytest.raises(FormatError, match=r"phases\[0\].poll: A poll phase cannot come first"):
        load_format(path)
