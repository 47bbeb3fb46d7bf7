"""User text, cleaned once at the boundary and bounded in user-perceived characters.

Cleaning goes by Unicode properties, not by a list of code points, so that characters
added to Unicode later are handled as their kind is:

* controls, format characters (``Cf``, bidi controls included), default-ignorable code
  points, surrogates, private use and unassigned code points are dropped — except inside
  the sequences that need them (``SEQUENCES`` below: joiners in emoji and in scripts that
  use them, emoji flag tags, variation selectors after a base they can vary);
* line breaks become ``\\n`` (or a space in a single-line field), runs of other white
  space one space, and lines lose white space and blank-looking characters (``BLANK``)
  at both ends: a text made only of them is empty;
* lengths count extended grapheme clusters (UAX #29): a family emoji is one character.

Properties come from the ``regex`` package's Unicode database, newer than the
interpreter's (Python 3.11 knows Unicode 14; phones type emoji of later versions).
Rendering as text (never HTML) is the templates' and the scripts' job.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import regex
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

# Longest recommended emoji (a kiss with two skin tones) is 10 code points: a text of
# `n` characters is stored in at most `n * CODE_POINTS_PER_CHARACTER` code points, which
# bounds what a pile of combining marks on one letter can cost.
CODE_POINTS_PER_CHARACTER = 10

# Blank-looking characters that are real characters of their systems (a braille word
# space, a musical placeholder, a Khitan block filler): kept between visible text, dropped
# at the edges of a line like spaces, so a text made only of them is empty.
BLANK = r"\u2800\U0001D159\U00016FE4"

# Classes used by the sequences. None of them contains a dropped character, so a sequence
# kept once is still valid (and kept) when the text is cleaned again.
_CLASSES = {
    "LETTER": r"[\p{L}--\p{Default_Ignorable_Code_Point}]",
    "MARK": r"[\p{M}--\p{Default_Ignorable_Code_Point}]",
    "VIRAMA": r"\p{Canonical_Combining_Class=Virama}",
    "PICTO": r"[\p{Extended_Pictographic}--\p{Cn}]",
    "EMOJI": r"[\p{Emoji}--\p{Cn}]",
    "EMOD": r"\p{Emoji_Modifier}",
    "BASE": rf"[\p{{L}}\p{{N}}\p{{P}}\p{{S}}--[\p{{Default_Ignorable_Code_Point}}\p{{Cn}}{BLANK}]]",
    "HAN": r"[\p{Ideographic}--\p{Cn}]",
    "MONGOLIAN": r"[\p{Script=Mongolian}&&\p{L}]",
    "JOINS_LEFT": r"[\p{Joining_Type=Dual_Joining}\p{Joining_Type=Left_Joining}]",
    "JOINS_RIGHT": r"[\p{Joining_Type=Dual_Joining}\p{Joining_Type=Right_Joining}]",
    "TRANSPARENT": r"[\p{Joining_Type=Transparent}--\p{Default_Ignorable_Code_Point}\p{Cf}]",
}
ZWNJ, ZWJ = "\u200c", "\u200d"

# The only places where a dropped character is kept: (name, pattern). Repetitions are
# bounded so that each look-behind stays short; real clusters carry a mark or two.
SEQUENCES = [
    # UTS #51 emoji ZWJ sequence, element by element: a pictograph, optionally with its
    # skin tone or emoji presentation selector, joined to the next pictograph (UAX #29
    # GB11: the whole sequence is one character). 👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈
    ("emoji joiner", rf"(?<=PICTO[EMOD\ufe0f]?){ZWJ}(?=PICTO)"),
    # UTS #51 flag tag sequence: 🏴, a Unicode subdivision id (CLDR: a region of two
    # letters or three digits, then one to four letters or digits) in tag characters,
    # then CANCEL TAG. 🏴󠁧󠁢󠁳󠁣󠁴󠁿
    (
        "subdivision flag",
        r"(?<=\U0001F3F4)(?:[\U000E0061-\U000E007A]{2}|[\U000E0030-\U000E0039]{3})"
        r"[\U000E0030-\U000E0039\U000E0061-\U000E007A]{1,4}\U000E007F",
    ),
    # UAX #31 A1: ZWNJ breaking a cursive connection (Persian می‌خواهم): after a letter
    # that joins on its left, before one that joins on its right, marks allowed between.
    (
        "cursive non-joiner",
        rf"(?<=JOINS_LEFT TRANSPARENT{{0,4}}){ZWNJ}(?=TRANSPARENT{{0,4}}JOINS_RIGHT)",
    ),
    # UAX #31 A2 and B: ZWNJ or ZWJ right after a virama that follows a letter, choosing
    # how a conjunct shows (Hindi क्‍ष, Malayalam chillu ന്‍, Sinhala ශ්‍රී).
    ("conjunct joiner", rf"(?<=LETTER MARK{{0,4}}VIRAMA MARK{{0,4}})[{ZWNJ}{ZWJ}]"),
    # The Unicode Standard §12.2: ZWJ between a letter and a virama (Bengali ra + ya-phala
    # র‍্য, Devanagari eyelash ra in its older encoding).
    ("joiner before a virama", rf"(?<=LETTER MARK{{0,4}}){ZWJ}(?=VIRAMA)"),
    # Variation selectors right after a base they may select a glyph for: emoji or text
    # presentation (❤️, 1️⃣), standardised variants, ideographic variants, Mongolian free
    # variation selectors; and the Mongolian vowel separator before a final a or e.
    ("emoji presentation", r"(?<=EMOJI)[\ufe0e\ufe0f]"),
    ("standardised variant", r"(?<=BASE)[\ufe00-\ufe0d]"),
    ("ideographic variant", r"(?<=HAN)[\U000E0100-\U000E01EF]"),
    ("Mongolian variant", r"(?<=MONGOLIAN)[\u180b-\u180d\u180f]"),
    ("Mongolian vowel separator", r"(?<=MONGOLIAN)\u180e(?=[\u1820\u1821])"),
]

# Never shown: controls (but new lines and tabs, tidied below), format characters, default
# ignorables, surrogates, private use, unassigned. Prepended concatenation marks (Arabic
# number sign ؀, end of ayah ۝) are format characters that are drawn: kept.
DROPPED = (
    r"[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\p{Co}\p{Cn}"
    r"--[\n\t\p{Prepended_Concatenation_Mark}]]"
)


def _compile(pattern: str) -> regex.Pattern[str]:
    """A pattern with the classes above spelled out (spaces are only for reading)."""
    names = regex.compile(r"\b(?:" + "|".join(_CLASSES) + r")\b")
    spelled = names.sub(lambda match: _CLASSES[match[0]], pattern)
    return regex.compile(spelled.replace(" ", ""), regex.V1)


# Every sequence starts with a dropped character: the look-ahead skips the others fast.
_CLEAN = _compile(
    f"(?={DROPPED})(?:(?P<kept>" + "|".join(pattern for _, pattern in SEQUENCES) + f")|{DROPPED})"
)
_LINE_BREAKS = regex.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACES = regex.compile(r"[\p{White_Space}--\n]+", regex.V1)
_EDGES = regex.compile(rf"^[ {BLANK}]+|[ {BLANK}]+$", regex.M)  # after _SPACES
_BLANK_LINES = regex.compile(r"\n{3,}")
_GRAPHEME = regex.compile(r"\X")
_INVISIBLE = regex.compile(
    r"[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\p{Co}\p{Cn}--\p{White_Space}]", regex.V1
)
_BLANKS = regex.compile(rf"[\p{{White_Space}}{BLANK}]+")


def clean_text(value: str, multiline: bool = True) -> str:
    """NFC, without what should never reach a screen, with tidy spaces and lines."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", value))
    text = _CLEAN.sub(lambda match: match["kept"] or "", text)
    text = unicodedata.normalize("NFC", text)  # a dropped character may have parted a pair
    if not multiline:
        text = text.replace("\n", " ")
    text = _EDGES.sub("", _SPACES.sub(" ", text))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def characters(text: str) -> int:
    """User-perceived characters (extended grapheme clusters), as people count them."""
    return len(_GRAPHEME.findall(text))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with "…" when cut; never inside a cluster."""
    clusters = _GRAPHEME.findall(text)
    if len(clusters) <= limit:
        return text
    return "".join(clusters[: limit - 1]).rstrip() + "…"


def look_alike_key(text: str) -> str:
    """Texts with the same key read alike: compatibility forms folded (NFKC), case folded,
    every invisible character gone (joiners and variation selectors too), blank runs one
    space. Confusable letters of different scripts (Cyrillic а, Latin a) are not folded."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = unicodedata.normalize("NFKC", text.casefold())
    return _BLANKS.sub(" ", _INVISIBLE.sub("", text)).strip()


class UserText(fields.String):
    """A string field that cleans user text and bounds its length, in characters as
    people count them (grapheme clusters), after cleaning."""

    def __init__(
        self, *, max_length: int, allow_empty: bool = False, multiline: bool = True, **kwargs: Any
    ) -> None:
        # The OpenAPI document gets the bound in code points (JSON Schema's unit) and the
        # limit in characters as an extension; the checks below run first.
        stored = max_length * CODE_POINTS_PER_CHARACTER
        length = validate.Length(min=0 if allow_empty else 1, max=stored)
        metadata = {"x-max-characters": max_length, **kwargs.pop("metadata", {})}
        super().__init__(validate=length, metadata=metadata, **kwargs)
        self.max_length, self.allow_empty, self.multiline = max_length, allow_empty, multiline

    def _too_long(self) -> ValidationError:
        return ValidationError(str(_l("Too long: at most %(n)d characters.", n=self.max_length)))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(str(_l("Text expected.")))
        stored = self.max_length * CODE_POINTS_PER_CHARACTER
        if len(value) > 2 * stored:  # before the work of cleaning it
            raise self._too_long()
        text = clean_text(value, self.multiline)
        if not text and not self.allow_empty:
            raise ValidationError(str(_l("Write something first.")))
        # Code points bound characters from above: most texts need no counting.
        if len(text) > self.max_length and (
            len(text) > stored or characters(text) > self.max_length
        ):
            raise self._too_long()
        return text
