"""Writing user text into documents as text: Markdown escaping, CSV formula neutralising."""

from __future__ import annotations

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def markdown_text(value: object) -> str:
    """User text that Markdown renders literally: no links, emphasis, headings or HTML."""
    text = str(value if value is not None else "")
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def csv_cell(value: object) -> object:
    """Neutralise cells a spreadsheet would read as a formula (= + - @, tab, CR)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
