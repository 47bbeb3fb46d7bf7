"""User text, cleaned once at the boundary: NFC, no control, bidi-override or invisible
characters, trimmed, bounded. Rendering as text (never HTML) is the templates' and the
scripts' job; this keeps what is stored honest and readable on a projector."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

# Bidi embeddings, overrides and isolates can flip how a whole board line reads.
BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
# Invisible characters that let a note look empty or impersonate another.
INVISIBLES = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E}
BLANK_LINES = re.compile(r"\n{3,}")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _keep(char: str, multiline: bool) -> bool:
    code = ord(char)
    if char == "\n":
        return multiline
    if code in BIDI_CONTROLS or code in INVISIBLES:
        return False
    return unicodedata.category(char) not in {"Cc", "Cs", "Co", "Cn"} or char == "\t"


def clean_text(value: str, multiline: bool = True) -> str:
    """Normalise to NFC and drop what should never reach a screen."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = "".join(char for char in value if _keep(char, multiline))
    lines = [SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


class UserText(fields.String):
    """A string field that cleans user text and bounds its length after cleaning."""

    def __init__(
        self, *, max_length: int, allow_empty: bool = False, multiline: bool = True, **kwargs: Any
    ) -> None:
        # Documents the bounds in the OpenAPI document; the checks below run first.
        length = validate.Length(min=0 if allow_empty else 1, max=max_length)
        super().__init__(validate=length, **kwargs)
        self.max_length, self.allow_empty, self.multiline = max_length, allow_empty, multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(str(_l("Text expected.")))
        if len(value) > self.max_length * 4:
            raise ValidationError(str(_l("Too long: at most %(n)d characters.", n=self.max_length)))
        text = clean_text(value, self.multiline)
        if not text and not self.allow_empty:
            raise ValidationError(str(_l("Write something first.")))
        if len(text) > self.max_length:
            raise ValidationError(str(_l("Too long: at most %(n)d characters.", n=self.max_length)))
        return text
