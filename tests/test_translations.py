"""The UI is French and English: every string a person may see has its French."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("facilitation/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.md", "jinja2"),
]


def _source_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = extract_from_dir(ROOT, METHODS, keywords=keywords)
    return {message[0] if isinstance(message, tuple) else message for _, _, message, *_ in found}


def test_every_string_of_the_ui_has_its_french_translation() -> None:
    with open(ROOT / "facilitation/translations/fr/LC_MESSAGES/messages.po", "rb") as po:
        french = read_po(po)
    untranslated = []
    for message in sorted(_source_messages()):
        entry = french.get(message)
        text = entry.string if entry is not None else ""
        if not (all(text) if isinstance(text, tuple) else text):
            untranslated.append(message)
    assert untranslated == []
