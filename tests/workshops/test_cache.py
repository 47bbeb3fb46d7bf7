"""A command reads its workshop from the process's own copy while the workshop's row is
unchanged, and never once it changed, whichever process changed it."""

from __future__ import annotations

from facilitation.extensions import db
from facilitation.realtime import eventlog
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Workshop

from ..conftest import csrf_token
from ..statements import statements

VOTING = 3  # the brainstorm's dot voting: nobody posts notes any more


def reads_the_workshop(seen: list[str]) -> bool:
    return any("FROM workshops" in statement for statement in seen)


def test_a_note_posted_in_a_workshop_already_read_does_not_read_it_again(workshop, screens):
    phone = screens(workshop)
    assert phone.send("note.post", area="ideas", text="La première")["ok"]

    with statements() as seen:
        ack = phone.send("note.post", area="ideas", text="La deuxième")

    assert ack["ok"], ack
    assert not reads_the_workshop(seen)


def test_a_phase_moved_elsewhere_stops_the_next_note_here(workshop, screens, app):
    """What the copy knows is only trusted against the database: a change made by any
    session (another process's, or a page's: here a session of its own) moves the
    version the next command's turn reads."""
    phone = screens(workshop)
    assert phone.send("note.post", area="ideas", text="Avant le vote")["ok"]  # kept here
    with app.app_context():  # a session of its own
        eventlog.take_turn(workshop.id)
        db.session.get(Workshop, workshop.id).phase_index = VOTING
        db.session.commit()

    with statements() as seen:
        ack = phone.send("note.post", area="ideas", text="Pendant le vote")

    assert not ack["ok"], ack
    assert reads_the_workshop(seen)


def test_a_workshop_changed_by_a_command_here_is_read_anew_by_the_next(workshop, screens, control):
    phone = screens(workshop)
    assert phone.send("note.post", area="ideas", text="Avant le vote")["ok"]
    assert control.send("phase.move", index=VOTING)["ok"]

    ack = phone.send("note.post", area="ideas", text="Pendant le vote")

    assert not ack["ok"], ack
    assert ack["error"]["code"] == "phase"


def test_a_new_workshop_given_a_removed_one_s_id_is_never_read_from_its_copy(
    create_workshop, screens
):
    removed = create_workshop("brainstorm")
    phone = screens(removed)
    assert phone.send("note.post", area="ideas", text="Une idée")["ok"]  # kept here
    removed_id = removed.id
    phone.close()
    db.session.delete(db.session.get(Workshop, removed_id))
    db.session.commit()

    swot = create_workshop("swot")  # SQLite gives the highest id again once it is free
    ack = screens(swot).send("note.post", area="strengths", text="Une force")

    assert ack["ok"], ack
    assert workshops.get_workshop(swot.id).format_key == "swot"


def test_a_copy_taken_is_the_row_as_read_and_what_a_session_does_to_it_stays_there(
    workshop, screens
):
    """Each turn gets an object of its own, unchanged, with every column the row has:
    settings changed in place by one (then rolled back) are not what the next one gets."""
    phone = screens(workshop)
    assert phone.send("note.post", area="ideas", text="La première")["ok"]  # kept
    settings, workshop_id = dict(workshop.settings), workshop.id
    db.session.rollback()
    db.session.expunge_all()  # this session's own object would be used instead

    eventlog.take_turn(workshop_id)
    with statements() as seen:
        copy = workshops.get_workshop(workshop_id)
    assert not reads_the_workshop(seen)
    assert not db.session.is_modified(copy)
    row = db.session.execute(
        Workshop.__table__.select().where(Workshop.__table__.c.id == workshop_id)
    ).one()
    for column in Workshop.__table__.columns:
        assert getattr(copy, column.key) == getattr(row, column.name), column.key
    copy.settings["taken"] = "in place"
    db.session.rollback()
    db.session.expunge_all()

    eventlog.take_turn(workshop_id)
    again = workshops.get_workshop(workshop_id)
    assert again is not copy
    assert again.settings == settings
    db.session.rollback()


def test_a_phone_joining_by_code_finds_the_workshop_in_the_copy(workshop, screens):
    """Every phone of a room looks its code up as it joins (the page, the form, the
    socket): the lookup reads the code's row id and version, and the copy holds the rest."""
    screens(workshop)  # a first phone: the workshop read and kept
    phone = screens(workshop, join=False)

    with statements() as seen:
        assert "snapshot" in phone.join()

    assert not [statement for statement in seen if "workshops.title" in statement]


def test_a_phone_s_sign_up_reads_the_workshop_from_the_copy_in_its_turn(
    workshop, screens, client, post_form
):
    """The join form looks the code up, then takes the workshop's turn (joining still
    open?), which forgets what the session read: the copy fills it again, no row read."""
    screens(workshop)  # a first phone: the workshop read and kept
    page = f"/j/{workshop.code}"
    token = csrf_token(client, page)
    db.session.rollback()
    db.session.expunge_all()  # as a server's request begins: nothing read yet

    with statements() as seen:
        answer = client.post(page, data={"csrf_token": token, "nickname": "Léa"})

    assert answer.status_code == 302, answer.text
    assert not [statement for statement in seen if "workshops.title" in statement]
    assert [statement for statement in seen if "INSERT INTO participants" in statement]
