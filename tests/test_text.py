"""User text is cleaned by Unicode properties: emoji and the scripts that need joiners
keep them, every other invisible character goes, a text that only looks blank is empty,
and lengths count the characters people see (grapheme clusters)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.text import characters, clean_text, look_alike_key, shorten

ZWNJ, ZWJ = "\u200c", "\u200d"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"

# Text that must come out exactly as typed.
KEPT = [
    pytest.param(FAMILY, id="family (ZWJ sequence)"),
    pytest.param("👩🏽\u200d💻", id="technologist with a skin tone"),
    pytest.param("🏳\ufe0f\u200d🌈", id="rainbow flag (presentation selector, then ZWJ)"),
    pytest.param("❤\ufe0f\u200d🔥", id="heart on fire"),
    pytest.param("🧑🏻\u200d🤝\u200d🧑🏼", id="people holding hands, two skin tones"),
    pytest.param(SCOTLAND, id="Scotland (subdivision flag tag sequence)"),
    pytest.param("1\ufe0f\u20e3", id="keycap"),
    pytest.param("🇫🇷", id="regional indicator flag"),
    pytest.param("می\u200cخواهم", id="Persian: ZWNJ between joining letters"),
    pytest.param("کتاب\u200cها", id="Persian plural"),
    pytest.param("क्\u200dष", id="Hindi: ZWJ after a virama (half form)"),
    pytest.param("क्\u200cष", id="Hindi: ZWNJ after a virama (explicit virama)"),
    pytest.param("അവന്\u200d", id="Malayalam: chillu in its ZWJ encoding, word-final"),
    pytest.param("സോഫ്റ്റ്\u200cവെയർ", id="Malayalam: ZWNJ after a virama"),
    pytest.param("ශ්\u200dරී ලංකා", id="Sinhala: ZWJ after al-lakuna (rakaransaya)"),
    pytest.param("র\u200d্যাব", id="Bengali: ZWJ before a virama (ya-phala after ra)"),
    pytest.param("葛\U000e0100", id="ideographic variation sequence"),
    pytest.param("ᠨᠠ\u180eᠠ", id="Mongolian vowel separator before a final a"),
    pytest.param("⠓⠑⠇⠇⠕\u2800⠺⠕⠗⠇⠙", id="braille word space between braille words"),
    pytest.param("\u0600١٢٣", id="Arabic number sign (a format character that is drawn)"),
]

# Invisible characters outside the sequences that need them: dropped.
DROPPED = [
    pytest.param("Vé\u200dlo", "Vélo", id="ZWJ between Latin letters"),
    pytest.param("Auf\u200clage", "Auflage", id="ZWNJ between Latin letters"),
    pytest.param("\u200d👍\u200d", "👍", id="joiners at the edges of an emoji"),
    pytest.param("👍\u200d\u200d👍", "👍👍", id="two joiners in a row"),
    pytest.param("a \u200d👍", "a 👍", id="a joiner after a space"),
    pytest.param("a\U000e0041\U000e0042b", "ab", id="tag characters outside a flag"),
    pytest.param("🏴\U000e0041\U000e007f", "🏴", id="tags that spell no subdivision"),
    pytest.param("a \ufe0f", "a", id="a variation selector after a space"),
    pytest.param("x\ufe0f\ufe0f", "x", id="a presentation selector after a letter"),
    pytest.param("a\u2062b", "ab", id="invisible times"),
    pytest.param("a\u206ab", "ab", id="deprecated format character"),
    pytest.param("\ufff9a\ufffab\ufffb", "ab", id="interlinear annotation characters"),
    pytest.param("a\u034fb", "ab", id="combining grapheme joiner"),
    pytest.param("a\u3164b", "ab", id="Hangul filler between letters"),
    pytest.param("Vé\u00adlo\u2060 \ufeffpar\u200btagé", "Vélo partagé", id="soft hyphen, WJ, BOM"),
]

# Each class of character that draws nothing: a text of only these is empty.
BLANK = [
    pytest.param("\u2061\u2062\u2063\u2064", id="invisible mathematical operators"),
    pytest.param("".join(map(chr, range(0x206A, 0x2070))), id="deprecated format characters"),
    pytest.param("".join(map(chr, range(0xE0020, 0xE0080))), id="tag characters"),
    pytest.param("\U000e0001", id="language tag"),
    pytest.param("\ufff9\ufffa\ufffb", id="interlinear annotation characters"),
    pytest.param("\u3164\u3164", id="Hangul filler"),
    pytest.param("\u115f\u1160", id="Hangul choseong and jungseong fillers"),
    pytest.param("\uffa0", id="halfwidth Hangul filler"),
    pytest.param("\u2800\u2800\u2800", id="braille pattern blank"),
    pytest.param("\U0001d159", id="musical null notehead"),
    pytest.param("\U00016fe4", id="Khitan small script filler"),
    pytest.param("\u200b\u200c\u200d\u2060\ufeff\u00ad", id="zero-width characters"),
    pytest.param("\ufe0f\ufe0e\U000e0100\u180b", id="variation selectors alone"),
    pytest.param("\u17b4\u17b5\u180e\u034f", id="other default-ignorable characters"),
    pytest.param(" \u2800\u3164\u00a0\n\u2028\u3000\u2063 ", id="a mix of them and spaces"),
]


@pytest.mark.parametrize("text", KEPT)
def test_text_that_needs_joiners_or_selectors_is_kept_exactly(text):
    assert clean_text(text) == text


@pytest.mark.parametrize(("typed", "kept"), DROPPED)
def test_invisible_characters_outside_their_sequences_are_dropped(typed, kept):
    assert clean_text(typed) == kept


@pytest.mark.parametrize("text", BLANK)
def test_text_that_only_looks_blank_is_empty(text):
    assert clean_text(text) == ""


def test_blank_looking_characters_are_trimmed_at_the_edges_of_each_line():
    assert clean_text("\u2800 Vélo \u2800\n\u2800gare") == "Vélo\ngare"


def test_line_and_paragraph_separators_are_new_lines():
    assert clean_text("un\u2028deux\u2029trois\x85quatre") == "un\ndeux\ntrois\nquatre"


def test_a_single_line_field_turns_new_lines_into_spaces():
    assert clean_text("Léa\nMartin", multiline=False) == "Léa Martin"


def test_unassigned_characters_of_the_interpreters_unicode_but_emoji_of_later_ones_are_kept():
    pink_heart, phoenix = "\U0001fa77", "🐦\u200d🔥"  # Unicode 15 and 15.1
    assert clean_text(f"{pink_heart} {phoenix}") == f"{pink_heart} {phoenix}"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        pytest.param(FAMILY, 1, id="a family emoji"),
        pytest.param(SCOTLAND, 1, id="a subdivision flag"),
        pytest.param("e\u0301", 1, id="a letter and its accent"),
        pytest.param("क्षि", 1, id="a Devanagari conjunct with its vowel sign"),
        pytest.param("می\u200cخواهم", 7, id="Persian with a ZWNJ"),
        pytest.param("Vélo", 4, id="Latin letters"),
    ],
)
def test_characters_are_counted_as_people_see_them(text, count):
    assert characters(text) == count


def test_shortening_never_cuts_inside_a_character():
    assert shorten(FAMILY * 5, 3) == f"{FAMILY}{FAMILY}…"


@pytest.mark.parametrize(
    "other",
    [
        pytest.param("Ali\u2063ce", id="an invisible separator inside"),
        pytest.param("Alice\u200b", id="a zero-width space after"),
        pytest.param("ALICE", id="capitals"),
        pytest.param("Ａｌｉｃｅ", id="full-width letters"),
        pytest.param("Alice\u2800", id="a braille blank after"),
    ],
)
def test_names_that_differ_only_in_what_does_not_show_read_alike(other):
    assert look_alike_key(other) == look_alike_key("Alice")


# --- Properties ---------------------------------------------------------------------------

# Characters around which cleaning decides things, mixed with any others.
TRICKY = [
    *"\u200c\u200d\ufe0f\ufe0e\ufe00\u180e\u180b\u034f\u00ad\u200b\u2063\u2800\u3164",
    *" \n\t\u2028\u094d\u0d4d\u093c\u0301\u064eaकषনরیخر\u1820\u1828\u4e00\u0600\u2764",
    *["\U000e0067", "\U000e007f", "\U000e0030", "🏴", "👨", "🏽", "\U000e0100", "\U0001fc00"],
]
TEXTS = st.lists(st.one_of(st.sampled_from(TRICKY), st.characters()), max_size=40).map("".join)
INVISIBLE = regex.compile(r"[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cc}--[\n]]", regex.V1)
# What may remain of them: joiners, variation selectors, flag tags, the Mongolian vowel
# separator, prepended concatenation marks — each only inside its sequence.
SEQUENCE_PARTS = regex.compile(
    r"[\u200c\u200d\ufe00-\ufe0f\u180b-\u180f\U000e0030-\U000e0039\U000e0061-\U000e007a"
    r"\U000e007f\U000e0100-\U000e01ef\p{Prepended_Concatenation_Mark}]"
)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.booleans())
def test_cleaning_is_idempotent(text, multiline):
    once = clean_text(text, multiline)
    assert clean_text(once, multiline) == once


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_cleaning_never_leaves_a_joiner_at_an_edge(text):
    cleaned = clean_text(text)
    for match in regex.finditer(f"[{ZWNJ}{ZWJ}]", cleaned):
        assert match.start() > 0, (text, cleaned)
        assert not cleaned[match.start() - 1].isspace(), (text, cleaned)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_cleaning_leaves_no_invisible_character_but_parts_of_sequences(text):
    for char in INVISIBLE.findall(clean_text(text)):
        assert SEQUENCE_PARTS.fullmatch(char), (text, f"U+{ord(char):04X}")


ZERO_WIDTH = list("\u200c\u200d\ufe0f\ufe00\u180e\u034f\u00ad\u200b\u2063\u3164\U000e0041")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=20), st.integers(0, 20), st.sampled_from(ZERO_WIDTH))
def test_an_invisible_character_anywhere_does_not_change_a_names_look_alike_key(name, at, char):
    assert look_alike_key(name[:at] + char + name[at:]) == look_alike_key(name)
