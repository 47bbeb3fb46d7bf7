"""What a note's text becomes: joined emoji and the joiners of Persian or Hindi reach every
screen whole, text made only of invisible or blank-looking characters is refused as empty,
and the limit counts the characters people see (grapheme clusters)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitation.extensions import db
from facilitation.notes.models import Note

FAMILY = "👨\u200d👩\u200d👧\u200d👦"
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
JOINED = f"{FAMILY} 👩🏽\u200d💻 🏳\ufe0f\u200d🌈 {SCOTLAND}"


def stored_texts() -> list[str]:
    return list(db.session.scalars(select(Note.text)))


def test_joined_emoji_reach_the_board_whole(workshop, screens, facilitator):
    board = screens(workshop, "board", user=facilitator)
    ack = screens(workshop).send("note.post", area="ideas", text=JOINED)
    board.events()
    assert board.state.notes[ack["data"]["note"]["id"]]["text"] == JOINED
    assert stored_texts() == [JOINED]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("می\u200cخواهم", id="Persian"),
        pytest.param("क्\u200dष और क्\u200cष", id="Hindi"),
        pytest.param("അവന്\u200d", id="Malayalam"),
    ],
)
def test_the_joiners_of_persian_and_indic_scripts_are_kept(workshop, screens, text):
    ack = screens(workshop).send("note.post", area="ideas", text=text)
    assert ack["data"]["note"]["text"] == text
    assert stored_texts() == [text]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\u2061\u2062\u2063\u2064", id="invisible operators U+2061-2064"),
        pytest.param("".join(map(chr, range(0x206A, 0x2070))), id="U+206A-206F"),
        pytest.param("\U000e0041\U000e0042\U000e007f", id="tag characters"),
        pytest.param("\ufff9\ufffa\ufffb", id="interlinear annotation U+FFF9-FFFB"),
        pytest.param("\u3164", id="Hangul filler U+3164"),
        pytest.param("\u115f\u1160\uffa0", id="Hangul fillers U+115F U+1160 U+FFA0"),
        pytest.param("\u2800\u2800", id="braille pattern blank U+2800"),
    ],
)
def test_a_note_of_only_invisible_or_blank_looking_characters_is_refused(workshop, screens, text):
    ack = screens(workshop).send("note.post", area="ideas", text=text)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid"
    assert "text" in ack["error"]["fields"]
    assert db.session.scalar(select(func.count(Note.id))) == 0


def test_280_family_emoji_are_280_characters_and_fit_a_note(workshop, screens):
    ack = screens(workshop).send("note.post", area="ideas", text=FAMILY * 280)
    assert ack["ok"] is True, ack
    assert stored_texts() == [FAMILY * 280]


def test_281_family_emoji_are_over_the_limit_of_280_characters(workshop, screens):
    ack = screens(workshop).send("note.post", area="ideas", text=FAMILY * 281)
    assert ack["error"]["code"] == "invalid"
    assert "280" in ack["error"]["fields"]["text"][0]
    assert stored_texts() == []
