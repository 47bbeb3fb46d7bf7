"""A format written only as a file runs end to end: its own areas, phases and rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facilitation.extensions import socketio
from facilitation.workshops import services as workshops

from ..sockets import Screen

FIXTURE = Path(__file__).parent / "fixtures" / "retro_test.toml"


@pytest.fixture
def retro(make_app, facilitator, tmp_path):
    shutil.copy(FIXTURE, tmp_path / "retro_test.toml")
    app = make_app(FORMATS_DIR=str(tmp_path))
    with app.app_context():
        workshop = workshops.create_workshop(facilitator, "retro_test", "Sprint 12", "", "fr")
        workshops.db.session.commit()
        control = Screen.open(app, socketio, workshop, "control", user=facilitator)
        yield app, workshop, control


def phone(retro, nickname="Sam"):
    app, workshop, _ = retro
    return Screen.open(app, socketio, workshop, "phone", nickname=nickname)


def test_the_first_phase_of_the_file_takes_no_notes(retro):
    ack = phone(retro).send("note.post", area="try", text="Trop tôt")
    assert ack["error"]["code"] == "phase"


def test_a_phase_opens_only_the_areas_the_file_names(retro):
    _, _, control = retro
    control.send("phase.move", index=1)
    author = phone(retro)
    assert author.send("note.post", area="try", text="Binômes")["ok"]
    assert author.send("note.post", area="keep", text="Les démos")["error"]["code"] == "invalid"


def test_the_files_vote_rules_hold_per_area(retro):
    _, _, control = retro
    control.send("phase.move", index=1)
    author = phone(retro)
    ids = [author.send("note.post", area="try", text=t)["data"]["note"]["id"] for t in "XYZ"]
    control.send("phase.move", index=2)
    voter = phone(retro, "Alex")
    acks = [voter.send("vote.cast", target=f"note:{note_id}") for note_id in ids]
    assert [ack["ok"] for ack in acks] == [True, True, False]


def test_nicknames_show_when_the_file_says_so(retro):
    _, _, control = retro
    control.send("phase.move", index=1)
    note = phone(retro, "Camille").send("note.post", area="try", text="Pair")["data"]["note"]
    assert note["author"] == "Camille"
