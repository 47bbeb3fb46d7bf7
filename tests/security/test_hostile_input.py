"""Hostile input, over the live channel and HTTP: every refusal names its reason and leaves
the database exactly as it was; text that is accepted is stored and sent as text — the
very characters typed, cleaned of what should never reach a screen, never turned to HTML.

See also tests/notes/test_bad_payloads.py (a list payload, text as a number, extra
``role`` and ``workshop_id`` fields, commands before joining on note.post, a forged
cookie) and tests/workshops/test_controls.py (participants using facilitator actions).
"""

from __future__ import annotations

import io
import json

import pytest
from itsdangerous import URLSafeSerializer

from facilitation.auth import Actor, ActorKind
from facilitation.cards.models import Card
from facilitation.database import unit_of_work
from facilitation.extensions import db, socketio
from facilitation.groups.models import Group
from facilitation.notes import services as notes
from facilitation.notes.models import Note
from facilitation.participants import services as participants
from facilitation.participants.models import Participant
from facilitation.realtime.runtime import runtime
from facilitation.syntheses import jsonio
from facilitation.votes.models import Vote
from facilitation.workshops.models import Workshop

from ..conftest import PASSWORD
from ..sockets import Screen, command_id, login
from .conftest import ask, csrf_of, error_of, socket_for, unchanged

MEGABYTE = 1024 * 1024


@pytest.fixture
def phone(workshop, screens):
    """A joined phone, in the brainstorm's silent writing (posting is open)."""
    return screens(workshop)


@pytest.fixture
def voting(workshop, phone, control):
    """Two notes of the phone's, and the workshop in its voting phase."""
    ids = [phone.send("note.post", area="ideas", text=t)["data"]["note"]["id"] for t in "AB"]
    control.send("phase.move", index=3)
    return ids


def posted(phone, text: str) -> str:
    """Post a note; the text the database kept."""
    ack = phone.send("note.post", area="ideas", text=text)
    assert ack["ok"], ack
    return db.session.get(Note, ack["data"]["note"]["id"]).text


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


# --- Sizes --------------------------------------------------------------------------------


def test_a_note_of_ten_thousand_characters_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="x" * 10_000)
    assert error_of(ack) == "invalid"
    assert "text" in ack["error"]["fields"]


def test_a_one_megabyte_text_field_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="é" * MEGABYTE)
    assert error_of(ack) == "invalid"
    assert "text" in ack["error"]["fields"]


def test_a_one_megabyte_area_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="i" * MEGABYTE, text="Une idée")
    assert error_of(ack) == "invalid"
    assert "area" in ack["error"]["fields"]


def test_ten_thousand_card_links_are_refused(control, voting):
    links = [f"note:{voting[0]}"] * 10_000
    with unchanged():
        ack = control.send("card.add", kind="strategy", slot="SO", text="x", links=links)
    assert error_of(ack) == "invalid"
    assert "links" in ack["error"]["fields"]


def test_a_deeply_nested_object_in_place_of_text_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text=nested(200))
    assert error_of(ack) == "invalid"
    assert "text" in ack["error"]["fields"]


def test_a_deeply_nested_extra_field_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="ok", extra=nested(200))
    assert error_of(ack) == "invalid"
    assert "extra" in ack["error"]["fields"]


# --- Markup is text -------------------------------------------------------------------------


def test_script_markup_is_stored_and_sent_as_the_very_characters_typed(phone, control):
    text = "<script>alert('x')</script> & <b>gras</b> &amp;"
    ack = phone.send("note.post", area="ideas", text=text)
    [event] = control.events()
    stored = db.session.get(Note, ack["data"]["note"]["id"]).text
    assert stored == ack["data"]["note"]["text"] == event["data"]["text"] == text


def test_a_javascript_url_is_stored_and_sent_as_plain_text(phone, control):
    text = 'javascript:alert(document.cookie)//"><img src=x onerror=alert(1)>'
    ack = phone.send("note.post", area="ideas", text=text)
    [event] = control.events()
    stored = db.session.get(Note, ack["data"]["note"]["id"]).text
    assert stored == event["data"]["text"] == text


def test_a_group_title_with_markup_is_stored_as_text(control):
    title = "<img src=x onerror=alert(1)> Mobilité"
    ack = control.send("group.create", title=title)
    assert db.session.get(Group, ack["data"]["group"]["id"]).title == title
    assert control.events()[0]["data"]["title"] == title


def test_a_card_with_markup_is_stored_as_text(control):
    text = '<a href="javascript:alert(1)">Consortium</a>'
    ack = control.send("card.add", kind="strategy", slot="SO", text=text)
    assert ack["ok"], ack
    assert db.session.get(Card, ack["data"]["card"]["id"]).text == text


# --- Cleaning -------------------------------------------------------------------------------


def test_nul_and_control_characters_are_stripped(phone):
    assert posted(phone, "Vé\x00lo\x07 par\x1btagé\x7f\x85") == "Vélo partagé"


def test_bidi_overrides_and_isolates_are_stripped(phone):
    assert posted(phone, "\u202eabc\u202c \u2066def\u2069\u200f") == "abc def"


def test_zero_width_characters_are_stripped(phone):
    assert posted(phone, "Vé\u200blo\u200d par\ufefftagé\u2060") == "Vélo partagé"


def test_a_note_of_zero_width_characters_only_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="\u200b\u200c\u200d\ufeff\u2060")
    assert error_of(ack) == "invalid"


def test_text_is_normalised_to_nfc(phone):
    assert posted(phone, "Cafe\u0301 re\u0301unis") == "Caf\u00e9 r\u00e9unis"


def test_a_note_of_unicode_spaces_only_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="\u00a0\u3000\u2003\u202f\n\n")
    assert error_of(ack) == "invalid"


def test_lone_surrogates_are_stripped(phone):
    assert posted(phone, "Vélo\ud800 partagé\udfff") == "Vélo partagé"


def test_a_note_of_lone_surrogates_only_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="\udfff\udc00\ud800")
    assert error_of(ack) == "invalid"


# --- Malformed packets ------------------------------------------------------------------------


def test_a_payload_that_is_a_string_is_refused(phone):
    with unchanged():
        ack = ask(phone.sio, "note.post", '{"area": "ideas", "text": "x"}')
    assert error_of(ack) == "invalid"


def test_a_payload_that_is_a_list_is_refused_by_a_control_command(control):
    with unchanged():
        ack = ask(control.sio, "phase.move", [{"command_id": command_id(), "index": 1}])
    assert error_of(ack) == "invalid"


def test_a_payload_that_is_a_number_is_refused(phone):
    with unchanged():
        ack = ask(phone.sio, "note.post", 42)
    assert error_of(ack) == "invalid"


def test_a_null_payload_is_refused(phone):
    with unchanged():
        ack = ask(phone.sio, "note.post", None)
    assert error_of(ack) == "invalid"


def test_a_missing_payload_is_refused(phone):
    with unchanged():
        ack = ask(phone.sio, "note.post")
    assert error_of(ack) == "invalid"


# --- Wrong types ------------------------------------------------------------------------------


def test_edited_text_given_as_a_number_is_refused(phone):
    note = phone.send("note.post", area="ideas", text="Vélo")["data"]["note"]
    with unchanged():
        ack = phone.send("note.edit", id=note["id"], text=12345)
    assert error_of(ack) == "invalid"
    assert "text" in ack["error"]["fields"]


def test_an_id_as_a_string_is_refused(phone):
    note = phone.send("note.post", area="ideas", text="Vélo")["data"]["note"]
    with unchanged():
        ack = phone.send("note.delete", id=str(note["id"]))
    assert error_of(ack) == "invalid"


def test_an_id_as_a_float_is_refused(phone):
    note = phone.send("note.post", area="ideas", text="Vélo")["data"]["note"]
    with unchanged():
        ack = phone.send("note.delete", id=float(note["id"]))
    assert error_of(ack) == "invalid"


def test_an_id_as_a_boolean_is_refused(phone):
    phone.send("note.post", area="ideas", text="Vélo")  # its id may well be 1, like True
    with unchanged():
        ack = phone.send("note.delete", id=True)
    assert error_of(ack) == "invalid"


def test_an_id_beyond_any_database_column_is_refused(phone):
    with unchanged():
        ack = phone.send("note.delete", id=2**63)
    assert error_of(ack) == "invalid"


def test_a_negative_id_is_refused(phone):
    with unchanged():
        ack = phone.send("note.delete", id=-1)
    assert error_of(ack) == "invalid"


# --- Extra fields claiming what the server decides -------------------------------------------


def test_a_note_claiming_another_participant_is_refused(phone, workshop):
    other = participants.join(workshop, "Autre")
    db.session.commit()
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="x", participant_id=other.id)
    assert error_of(ack) == "invalid"
    assert "participant_id" in ack["error"]["fields"]


def test_a_note_claiming_an_author_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="x", author="L'animatrice")
    assert error_of(ack) == "invalid"


def test_a_note_claiming_dots_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="x", dots=99)
    assert error_of(ack) == "invalid"


def test_an_edit_claiming_to_unhide_is_refused(phone):
    note = phone.send("note.post", area="ideas", text="Vélo")["data"]["note"]
    with unchanged():
        ack = phone.send("note.edit", id=note["id"], text="Vélo !", hidden=False)
    assert error_of(ack) == "invalid"


def test_a_vote_claiming_several_dots_at_once_is_refused(phone, voting):
    with unchanged():
        ack = phone.send("vote.cast", target=f"note:{voting[0]}", dots=5)
    assert error_of(ack) == "invalid"


def test_a_colour_that_is_a_javascript_url_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="x", color="javascript:alert(1)")
    assert error_of(ack) == "invalid"
    assert "color" in ack["error"]["fields"]


def test_a_colour_with_css_after_it_is_refused(phone):
    with unchanged():
        ack = phone.send("note.post", area="ideas", text="x", color="#ffffff;background:url(x)")
    assert error_of(ack) == "invalid"


# --- Join codes -------------------------------------------------------------------------------


def test_unknown_and_malformed_codes_get_the_same_socket_answer(app, workshop):
    sio = socket_for(app)
    with unchanged():
        answers = [
            ask(sio, "join", {"code": code, "role": "phone"})
            for code in ("ZZZZ-ZZZZ", "' OR 1=1 --", "%", workshop.code[:7], "\ud800" * 8)
        ]
    assert {error_of(ack) for ack in answers} == {"not_authenticated"}
    assert len({ack["error"]["message"] for ack in answers}) == 1


def test_unknown_and_malformed_codes_get_the_same_page(client):
    with unchanged():
        pages = [client.get(f"/j/{code}") for code in ("ZZZZZZZZ", "'%20OR%201=1", "%00", "x")]
    assert {page.status_code for page in pages} == {404}
    assert len({page.get_data(as_text=True) for page in pages}) == 1


# --- Votes ------------------------------------------------------------------------------------


def test_votes_beyond_the_budget_are_refused(phone, control, voting):
    control.send("vote.rules", budget=2, max_per_item=2)
    assert [phone.send("vote.cast", target=f"note:{voting[0]}")["ok"] for _ in "ab"] == [1, 1]
    with unchanged():
        ack = phone.send("vote.cast", target=f"note:{voting[1]}")
    assert error_of(ack) == "conflict"


def test_a_vote_for_another_workshops_note_is_refused(phone, voting, create_workshop):
    other = create_workshop()
    actor = Actor(ActorKind.FACILITATOR, other.id, user_id=other.created_by_id)
    with unit_of_work(other.id):
        foreign = notes.post_note(actor, other, "ideas", "Ailleurs", None)
    with unchanged():
        ack = phone.send("vote.cast", target=f"note:{foreign.id}")
    assert error_of(ack) == "not_found"


def test_a_replayed_vote_puts_one_dot(phone, voting):
    payload = {"command_id": command_id(), "target": f"note:{voting[0]}"}
    first = phone.send("vote.cast", payload)
    with unchanged():
        again = [phone.send("vote.cast", dict(payload)) for _ in range(3)]
    assert first["duplicate"] is False
    assert [ack["duplicate"] for ack in again] == [True] * 3
    assert db.session.get(Note, voting[0]).dots == 1
    assert db.session.query(Vote).one().dots == 1


# --- Identity ---------------------------------------------------------------------------------


def test_a_vote_before_joining_is_refused(workshop, screens, voting):
    stranger = screens(workshop, join=False)
    with unchanged():
        ack = stranger.send("vote.cast", target=f"note:{voting[0]}")
    assert error_of(ack) == "not_authenticated"


def test_a_facilitator_control_before_joining_is_refused(workshop, screens, facilitator):
    control = screens(workshop, "control", user=facilitator, join=False)
    with unchanged():
        ack = control.send("phase.move", index=2)
    assert error_of(ack) == "not_authenticated"


def test_a_phone_cannot_join_another_workshops_room_with_its_code(phone, create_workshop, screens):
    other = create_workshop("swot")  # ideation: every note goes to the whole room
    with unchanged():
        ack = ask(phone.sio, "join", {"code": other.code, "role": "phone"})
    assert error_of(ack) == "not_authenticated"
    assert screens(other).send("note.post", area="strengths", text="Chez B")["ok"]
    assert phone.events() == []


def test_a_cookie_of_workshop_a_under_workshop_bs_name_is_refused(app, workshop, create_workshop):
    other = create_workshop()
    mine = participants.join(workshop, "Léa")
    db.session.commit()
    http = app.test_client()
    http.set_cookie(participants.cookie_name(other.id), participants.identity_token(mine))
    with unchanged():
        ack = ask(socket_for(app, http), "join", {"code": other.code, "role": "phone"})
    assert error_of(ack) == "not_authenticated"


def test_a_cookie_signed_with_another_key_is_refused_even_with_the_right_secret(app, workshop):
    mine = participants.join(workshop, "Léa")
    db.session.commit()
    forger = URLSafeSerializer("not-the-server-key-but-long-enough", salt="fabrique.participant")
    http = app.test_client()
    http.set_cookie(
        participants.cookie_name(workshop.id),
        forger.dumps([workshop.id, mine.id, mine.secret]),
    )
    with unchanged():
        ack = ask(socket_for(app, http), "join", {"code": workshop.code, "role": "phone"})
    assert error_of(ack) == "not_authenticated"


@pytest.mark.parametrize("forgery", ["wrong secret", "another workshop's participant"])
def test_a_cookie_signed_by_the_server_naming_someone_else_is_refused(
    app, workshop, create_workshop, forgery
):
    """The signature holds, but the participant it names is not this browser's (a secret
    guessed) or not in this workshop (a cookie carried from another workshop's)."""
    other = create_workshop("swot")
    mine = participants.join(workshop if forgery == "wrong secret" else other, "Léa")
    db.session.commit()
    secret = "a-guessed-secret" if forgery == "wrong secret" else mine.secret
    signer = URLSafeSerializer(app.config["SECRET_KEY"], salt="fabrique.participant")
    http = app.test_client()
    http.set_cookie(
        participants.cookie_name(workshop.id), signer.dumps([workshop.id, mine.id, secret])
    )
    with unchanged():
        ack = ask(socket_for(app, http), "join", {"code": workshop.code, "role": "phone"})
    assert error_of(ack) == "not_authenticated"


def test_a_board_key_with_non_ascii_characters_is_refused_not_a_server_error(app, workshop):
    sio = socket_for(app)
    with unchanged():
        ack = ask(sio, "join", {"code": workshop.code, "role": "board", "key": "clé-é\ud800"})
    assert error_of(ack) == "not_authenticated"


def test_a_fake_disconnect_event_does_not_take_a_phone_out_of_the_workshop(phone, workshop):
    with unchanged():
        phone.sio.emit("disconnect", "transport close", callback=True)
    assert runtime().participant_count(workshop.id) == 1
    assert phone.send("note.post", area="ideas", text="Toujours là")["ok"]


# --- Flood ------------------------------------------------------------------------------------


def test_a_flood_from_one_phone_is_rate_limited_while_others_are_answered(make_app, workshop):
    limited = make_app(SOCKET_COMMAND_LIMITS="5/minute")  # a second can pass on a busy machine
    flooder, neighbour = (Screen.open(limited, socketio, workshop) for _ in range(2))
    try:
        allowed = [flooder.send("note.post", area="ideas", text=f"n{i}") for i in range(5)]
        with unchanged():
            flood = [flooder.send("note.post", area="ideas", text=f"m{i}") for i in range(10)]
        answered = neighbour.send("note.post", area="ideas", text="Bonjour")
    finally:
        flooder.close()
        neighbour.close()
    assert [error_of(ack) for ack in allowed] == [None] * 5
    assert {error_of(ack) for ack in flood} == {"rate_limited"}
    assert answered["ok"]


# --- Facilitator values out of range ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("timer.start", {"seconds": 4 * 3600 + 1}),
        ("timer.start", {"seconds": 2**31}),
        ("timer.start", {"seconds": -60}),
        ("timer.start", {"seconds": 60.5}),
        ("timer.add", {"seconds": 0}),
        ("timer.add", {"seconds": 10**12}),
        ("phase.move", {"index": -1}),
        ("phase.move", {"index": 29}),
        ("phase.move", {"index": 30}),
        ("vote.rules", {"budget": 0, "max_per_item": 1}),
        ("vote.rules", {"budget": 101, "max_per_item": 1}),
        ("vote.rules", {"budget": 3, "max_per_item": 4}),
    ],
    ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()),
)
def test_a_control_value_out_of_range_is_refused(control, name, payload):
    with unchanged():
        ack = control.send(name, **payload)
    assert error_of(ack) == "invalid"


# --- HTTP -----------------------------------------------------------------------------------------


def test_a_body_over_one_megabyte_is_refused_before_joining(client, workshop):
    token = csrf_of(client, f"/j/{workshop.code}")
    with unchanged():
        response = client.post(
            f"/j/{workshop.code}", data={"csrf_token": token, "nickname": "x" * (MEGABYTE + 1)}
        )
    assert response.status_code == 413


def test_a_json_body_over_one_megabyte_is_refused_by_the_api(client, workshop, facilitator):
    login(client, facilitator)
    with unchanged():
        response = client.post(
            f"/api/workshops/{workshop.id}/notes/",
            json={"area": "ideas", "text": "x" * (MEGABYTE + 1)},
        )
    assert response.status_code == 413


def test_a_nickname_with_control_characters_is_cleaned(post_form, workshop):
    response = post_form(f"/j/{workshop.code}", {"nickname": " Lé\x00a\u202e\u200b\x1b "})
    assert response.status_code == 302
    assert db.session.query(Participant).one().nickname == "Léa"


def test_a_nickname_is_bounded_after_nfc_normalisation(post_form, workshop):
    post_form(f"/j/{workshop.code}", {"nickname": "e\u0301" * 40})
    assert db.session.query(Participant).one().nickname == "\u00e9" * 40


def test_a_nickname_over_forty_characters_is_refused(post_form, workshop):
    with unchanged():
        response = post_form(f"/j/{workshop.code}", {"nickname": "\u00e9" * 41})
    assert response.status_code == 422


def test_a_board_link_with_a_nul_character_is_not_found(client, workshop):
    with unchanged():
        pages = [client.get(f"/b/{key}") for key in ("%00", f"{workshop.board_key}%00")]
    assert [page.status_code for page in pages] == [404, 404]


def test_signing_in_with_a_nul_in_the_address_is_refused(client, facilitator):
    token = csrf_of(client, "/login")
    with unchanged():
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": f"\x00{facilitator.email}", "password": PASSWORD},
        )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example",
        "/\\evil.example",
        "https://evil.example",
    ],
    ids=["double-slash", "tab", "newline", "backslash", "absolute"],
)
def test_signing_in_never_redirects_to_another_site(client, facilitator, target):
    form = {"email": facilitator.email, "password": PASSWORD, "next": target}
    with unchanged():
        response = client.post("/login", data={"csrf_token": csrf_of(client, "/login"), **form})
    location = response.headers["Location"]
    assert response.status_code == 302
    assert not location.startswith("//"), location
    assert location.startswith("/"), location
    assert "evil.example" not in location


def test_an_imported_archive_is_cleaned_like_typed_text(client, workshop, facilitator):
    login(client, facilitator)
    archive = jsonio.export(workshop)
    archive["workshop"]["title"] = "Atelier\x00 \u202eimporté"
    body = io.BytesIO(json.dumps(archive).encode())
    token = csrf_of(client, "/workshops/")
    client.post("/workshops/import", data={"csrf_token": token, "archive": (body, "a.json")})
    imported = db.session.query(Workshop).filter(Workshop.id != workshop.id).one()
    assert imported.title == "Atelier importé"


def test_a_phone_refused_elsewhere_hears_nothing_more_from_its_own_workshop(
    phone, control, create_workshop
):
    """A join first leaves the rooms the socket was in, even when it is refused."""
    other = create_workshop("swot")
    phone.events()
    with unchanged():
        ack = ask(phone.sio, "join", {"code": other.code, "role": "phone"})
    assert error_of(ack) == "not_authenticated"
    assert control.send("phase.move", index=1)["ok"]  # an event for every screen of A
    assert phone.events() == []
    again = ask(phone.sio, "join", {"code": phone.code, "role": "phone"})
    assert again["ok"], again
    assert control.send("phase.move", index=2)["ok"]
    assert [event["type"] for event in phone.events()] == ["phase.changed"]
