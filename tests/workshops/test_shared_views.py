"""A phase change costs one build of what every participant sees, not one per phone."""

from __future__ import annotations

import gzip
import json
import threading
import time

import pytest
from flask import request, request_started

from facilitation.workshops import shared, snapshots
from facilitation.workshops.snapshots import RESHAPING, SECTIONS

from ..statements import statements

PHONES = 40


def builds() -> int:
    return shared.views().started


def resync(phone, since: int) -> dict:
    """What a phone does after a phase change: a sync from where it was (a snapshot)."""
    ack = phone.emit("sync", {"since": since})
    assert ack["ok"], ack
    assert "snapshot" in ack, "a phase change answers a phone's sync with a snapshot"
    return ack["snapshot"]


@pytest.fixture
def room(workshop, screens, control):
    """Forty phones that each wrote a note in silent writing, one of them hidden."""
    phones = [screens(workshop, nickname=f"P{n}") for n in range(PHONES)]
    notes = [
        phone.send("note.post", area="ideas", text=f"Idée {n}")["data"]["note"]["id"]
        for n, phone in enumerate(phones)
    ]
    assert control.send("note.moderate", id=notes[0], hidden=True)["ok"]
    return phones, notes


def test_forty_phones_resyncing_after_a_phase_change_share_one_build(room, control):
    phones, notes = room
    positions = [phone.join_ack["snapshot"]["public_head"] for phone in phones]
    assert control.send("phase.move", index=1)["ok"]  # reveal: everyone's notes
    for phone in phones:
        assert any(event["type"] in RESHAPING for event in phone.events())
    before = builds()
    snapshots = [resync(phone, since) for phone, since in zip(phones, positions, strict=True)]
    assert builds() == before + 1
    for n, snapshot in enumerate(snapshots):
        mine = [note["id"] for note in snapshot["notes"] if note["mine"]]
        assert mine == [notes[n]]  # each phone still gets its own, marked as its own
    seen_by_first = {note["id"] for note in snapshots[0]["notes"]}
    seen_by_second = {note["id"] for note in snapshots[1]["notes"]}
    assert seen_by_first == set(notes)  # its hidden note: its author still reads it
    assert seen_by_second == set(notes[1:])  # the others do not


def test_the_shared_part_is_built_again_once_everyone_may_see_something_new(room, control):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    first = resync(phones[1], 0)
    before = builds()
    assert control.send("group.create", title="Vélo")["ok"]  # for everyone: public_head moves
    again = resync(phones[1], 0)
    assert builds() == before + 1
    assert [group["title"] for group in again["groups"]] == ["Vélo"]
    assert again["notes"] == first["notes"]


def test_a_note_in_silent_writing_does_not_rebuild_it_yet_reaches_its_author(workshop, screens):
    phones = [screens(workshop, nickname=f"S{n}") for n in range(3)]
    assert phones[0].emit("sync", {"since": 0})["ok"]
    before = builds()
    note = phones[1].send("note.post", area="ideas", text="Pour moi seul")["data"]["note"]
    answers = [phone.emit("sync", {"since": 0}) for phone in phones]
    assert builds() == before  # only its author and the staff may see it: nothing shared moved
    own = [[n["id"] for n in answer.get("snapshot", {}).get("notes", [])] for answer in answers]
    replayed = [
        [e["data"]["id"] for e in answer.get("events", []) if e["type"].startswith("note.")]
        for answer in answers
    ]
    assert note["id"] in own[1] + replayed[1]
    assert note["id"] not in own[0] + replayed[0] + own[2] + replayed[2]


def fetching(phone, since: int) -> dict:
    """What live.js does after a phase change: a sync that lets it fetch the room's body."""
    ack = phone.emit("sync", {"since": since, "fetch": True})
    assert ack["ok"], ack
    return ack["snapshot"]


def body(client, path: str) -> dict:
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, response.data
    assert response.headers["Content-Encoding"] == "gzip"
    return json.loads(gzip.decompress(response.data))


def assembled(client, snapshot: dict) -> dict[str, list]:
    """The body with the phone's own items in place by id, as live.js assembles it."""
    common = body(client, snapshot["common"])
    sections = {}
    for name in SECTIONS:
        items = {item["id"]: item for item in common[name]}
        items.update({item["id"]: item for item in snapshot["own"].get(name, [])})
        sections[name] = [items[key] for key in sorted(items)]
    return sections


def test_phones_that_fetch_share_one_body_and_keep_their_own_notes(room, control, client):
    phones, notes = room
    positions = [phone.join_ack["snapshot"]["public_head"] for phone in phones]
    assert control.send("phase.move", index=1)["ok"]
    before = builds()
    snapshots = [fetching(phone, since) for phone, since in zip(phones, positions, strict=True)]
    assert builds() == before + 1
    assert {snapshot["common"] for snapshot in snapshots} == {snapshots[0]["common"]}
    assert all("notes" not in snapshot for snapshot in snapshots)  # nothing common on the socket
    paged = [resync(phone, 0) for phone in phones[:2]]  # the same phones, without fetching
    for n in (0, 1):
        mine = assembled(client, snapshots[n])
        assert mine["notes"] == paged[n]["notes"]
        assert [note["id"] for note in mine["notes"] if note["mine"]] == [notes[n]]
    common = body(client, snapshots[0]["common"])
    assert notes[0] not in {note["id"] for note in common["notes"]}  # hidden: not for the room
    assert common["public_head"] == snapshots[0]["public_head"]
    assert common["workshop"]["phase_index"] == 1


def test_a_body_asked_for_without_gzip_is_plain_json(room, control, client):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    path = fetching(phones[1], 0)["common"]
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert len(response.json["notes"]) == PHONES - 1


def test_an_address_with_a_wrong_signature_is_not_found(room, control, client):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    path = fetching(phones[1], 0)["common"]
    head, _, signature = path.rpartition("/")
    assert client.get(f"{head}/{'0' * 32}.json").status_code == 404
    assert client.get(f"{head}/{signature[:-6]}.json").status_code == 404
    workshop_id = phones[1].workshop_id
    elsewhere = path.replace(f"/live/{workshop_id}/", f"/live/{workshop_id + 1}/")
    assert client.get(elsewhere).status_code == 404
    assert client.get(path).status_code == 200


@pytest.fixture
def through_flask(app):
    """How many requests Flask itself handled while the test ran."""
    handled: list[str] = []

    def count(sender, **_):
        handled.append(request.path)

    request_started.connect(count, app)
    yield handled
    request_started.disconnect(count, app)


def test_a_body_fetched_again_is_answered_before_flask_with_the_same_bytes_and_headers(
    room, control, client, through_flask
):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    path = fetching(phones[1], 0)["common"]
    gzipped = {"Accept-Encoding": "gzip", "X-Request-Id": "ab" * 16}
    first, second = (client.get(path, headers=gzipped) for _ in range(2))
    third = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert through_flask == [path]  # the first one only
    assert first.data == second.data == third.data
    assert len(json.loads(gzip.decompress(third.data))["notes"]) == PHONES - 1
    assert dict(second.headers) == dict(first.headers)  # the request id given, kept
    assert second.headers["X-Request-Id"] == "ab" * 16
    assert third.headers["X-Request-Id"] not in (first.headers["X-Request-Id"], "")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "Vary"):
        assert third.headers[name] == first.headers[name]


def named_by_the_change(phone) -> str:
    """The body's address the phase change's event names (docs/protocol.md)."""
    (view,) = [
        event["view"]
        for message in phone.received("events")
        for event in message["args"][0]["events"]
        if "view" in event
    ]
    return view["body"]


@pytest.mark.parametrize("named", ["by a sync (read)", "by the change (not read yet)"])
def test_fetches_arriving_while_the_first_answer_is_on_its_way_wait_for_it_outside_flask(
    room, control, app, through_flask, named
):
    """The whole room fetches the new phase's body within a second: while its first
    answer goes through Flask (the body being read), the other fetches wait for it and
    take its bytes and headers, rather than each going through Flask."""
    phones, _ = room
    phones[1].received()
    assert control.send("phase.move", index=1)["ok"]
    if named.startswith("by a sync"):
        path = fetching(phones[1], 0)["common"]
    else:
        path = named_by_the_change(phones[1])
        assert shared.views().find(phones[1].workshop_id, int(path.split("/")[3])) is None
    release = threading.Event()

    def hold(sender, **_):
        if request.path == path:
            release.wait(10)

    answers = []

    def fetch() -> None:
        answers.append(app.test_client().get(path, headers={"Accept-Encoding": "gzip"}))

    fetchers = [threading.Thread(target=fetch) for _ in range(6)]
    request_started.connect(hold, app)
    try:
        for fetcher in fetchers:
            fetcher.start()
        time.sleep(0.3)  # all six asked: one in Flask, held; five waiting, or in Flask too
        in_flask = list(through_flask)
        release.set()
        for fetcher in fetchers:
            fetcher.join(10)
    finally:
        request_started.disconnect(hold, app)
    assert in_flask == through_flask == [path]
    assert [answer.status_code for answer in answers] == [200] * 6
    assert len({answer.data for answer in answers}) == 1
    assert len(json.loads(gzip.decompress(answers[0].data))["notes"]) == PHONES - 1


def test_fetches_of_a_wrong_address_at_once_are_each_refused(room, control, app):
    """Waiting for a first answer never turns a guess into a hang: six fetches at once
    of an address with a wrong signature are each refused."""
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    head, _, signature = fetching(phones[1], 0)["common"].rpartition("/")
    wrong = f"{head}/{'0' * 32 if not signature.startswith('0' * 32) else '1' * 32}.json"
    answers = []

    def fetch() -> None:
        answers.append(app.test_client().get(wrong, headers={"Accept-Encoding": "gzip"}))

    fetchers = [threading.Thread(target=fetch) for _ in range(6)]
    for fetcher in fetchers:
        fetcher.start()
    for fetcher in fetchers:
        fetcher.join(10)
    assert [answer.status_code for answer in answers] == [404] * 6


def test_a_body_asked_for_while_it_is_built_is_encoded_once(monkeypatch):
    gate, encoded = threading.Event(), []

    def read(_workshop, _after, _limit):
        gate.wait(5)  # a database whose reads let other requests run meanwhile
        return [{"id": 1, "text": "Idée"}]

    def dumps(document, original=shared.dumps, **options):
        encoded.append(document)
        return original(document, **options)

    monkeypatch.setattr(shared, "dumps", dumps)
    part = shared.CommonPart(("ABCDEF", 3), 3, {}, {"notes": shared.Collection(read)})
    askers = [threading.Thread(target=part.whole, args=(None,)) for _ in range(4)]
    for asker in askers:
        asker.start()
    time.sleep(0.2)
    gate.set()
    for asker in askers:
        asker.join(5)
    assert len(encoded) == 1
    assert json.loads(gzip.decompress(part.body))["notes"] == [{"id": 1, "text": "Idée"}]


def test_a_kept_body_is_not_given_for_a_wrong_signature_nor_without_gzip(
    room, control, client, through_flask
):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    path = fetching(phones[1], 0)["common"]
    body(client, path)
    body(client, path)
    head, _, signature = path.rpartition("/")
    wrong = f"{head}/{signature[:-6]}{'0' * 6 if signature[-6:] != '0' * 6 else '1' * 6}"
    assert client.get(wrong, headers={"Accept-Encoding": "gzip"}).status_code == 404
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert len(plain.json["notes"]) == PHONES - 1
    assert through_flask == [path, wrong, path]  # the wrong and the plain went through Flask


def test_only_the_headers_about_the_body_are_kept_for_other_requests():
    part = shared.CommonPart(("ABCDEF", 3), 3, {}, {})
    answered: list[tuple[str, list[tuple[str, str]]]] = []

    def start(status, headers):
        shared.keep(part, status, headers)
        answered.append((status, headers))

    headers = [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
        ("Set-Cookie", "session=one-phone-only"),
        ("X-Request-Id", "f" * 32),
        ("X-RateLimit-Remaining", "9"),
        ("Content-Security-Policy", "default-src 'self'"),
    ]
    start("200 OK", headers)
    assert answered == [("200 OK", headers)]  # this request's answer is unchanged
    assert part.headers == [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
        ("Content-Security-Policy", "default-src 'self'"),
    ]
    other = shared.CommonPart(("ABCDEF", 4), 4, {}, {})
    shared.keep(other, "409 CONFLICT", headers)
    assert other.headers is None  # only a body answered whole is kept


def test_a_body_is_kept_a_moment_after_the_room_moves_on(room, control, client):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    path = fetching(phones[1], 0)["common"]
    assert control.send("group.create", title="Vélo")["ok"]  # public_head moves
    newer = fetching(phones[2], 0)["common"]
    assert newer != path
    assert body(client, path)["groups"] == []  # the part its snapshot named, as it was
    assert [group["title"] for group in body(client, newer)["groups"]] == ["Vélo"]


def test_a_body_no_process_holds_is_read_again_or_refused_once_the_room_moved_on(
    room, control, client
):
    """What another process sees (it never held the part): the body is read again while
    the workshop is where the snapshot was, and refused as a conflict once it moved on —
    the phone then asks for a new snapshot."""
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    path = fetching(phones[1], 0)["common"]
    expected = body(client, path)
    shared.views().parts.clear()
    shared.views().before.clear()
    assert body(client, path) == expected
    assert control.send("group.create", title="Vélo")["ok"]
    shared.views().parts.clear()
    shared.views().before.clear()
    assert client.get(path).status_code == 409


def test_staff_screens_and_unfetching_phones_get_their_snapshot_in_pages(room, control):
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    staff = control.emit("sync", {"since": 999_999, "fetch": True})["snapshot"]  # ahead: a snapshot
    assert "common" not in staff
    assert len(staff["notes"]) == PHONES
    assert "common" not in resync(phones[1], 0)


def test_a_fetch_flag_that_is_not_a_boolean_is_refused(room):
    phones, _ = room
    ack = phones[1].emit("sync", {"since": 0, "fetch": "yes"})
    assert not ack["ok"]
    assert ack["error"]["code"] == "invalid"


def reads_during(action) -> list[str]:
    with statements() as seen:
        action()
    return seen


def test_a_phones_sync_after_a_phase_change_reads_the_stream_once_and_the_workshop_at_most_once(
    room, control
):
    """The stream's position in one statement, with the workshop row's version: the first
    phone reads the workshop (and the process keeps it at that version), the next ones
    take the process's copy. What a phone read stays as read when its transaction ends
    before its own part's batch (the body's address needs no second read)."""
    phones, _ = room
    assert control.send("phase.move", index=1)["ok"]
    first = reads_during(lambda: fetching(phones[1], 0))
    second = reads_during(lambda: fetching(phones[2], 0))
    assert len([s for s in first if "FROM workshops" in s]) == 1, first
    assert len([s for s in second if "FROM workshops" in s]) == 0, second
    assert len([s for s in second if "FROM event_streams" in s]) == 1, second
    assert control.send("timer.start", seconds=60)["ok"]  # the workshop's row changes
    third = reads_during(lambda: phones[3].emit("sync", {"since": 0, "fetch": True}))
    assert len([s for s in third if "FROM workshops" in s]) == 1, third  # the copy is old


def test_phones_resyncing_together_read_their_own_things_together_each_its_own(
    create_workshop, screens, facilitator, monkeypatch
):
    """After a phase change the whole room asks at once: each phone's own notes and dots
    are read in a few statements for all of them, and each phone gets its own, not a
    neighbour's (its notes under its own nickname, its dots and what it has left)."""
    workshop = create_workshop(anonymous=False)
    control = screens(workshop, "control", user=facilitator)
    phones = [screens(workshop, nickname=f"P{n}") for n in range(PHONES)]
    notes = [
        phone.send("note.post", area="ideas", text=f"Idée {n}")["data"]["note"]["id"]
        for n, phone in enumerate(phones)
    ]
    assert control.go("voting")["ok"]
    for n, phone in enumerate(phones[:10]):  # ten phones put a dot on the next one's note
        assert phone.send("vote.cast", target=f"note:{notes[n + 1]}")["ok"]
    positions = [phone.emit("sync", {"since": 0})["snapshot"]["public_head"] for phone in phones]
    assert control.go("results")["ok"]
    # A wide window: every phone of the test arrives within it, however slow the machine.
    monkeypatch.setattr(snapshots.OWN_PARTS, "window", 0.3)
    before = snapshots.OWN_PARTS.batches
    start = threading.Barrier(PHONES)
    answers: dict[int, dict] = {}

    def resync_at_once(n: int) -> None:
        start.wait()
        answers[n] = phones[n].sio.emit(
            "sync", {"since": positions[n], "fetch": True}, callback=True
        )

    threads = [threading.Thread(target=resync_at_once, args=(n,)) for n in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert snapshots.OWN_PARTS.batches - before < PHONES // 4
    for n in range(PHONES):
        snapshot = answers[n]["snapshot"]
        assert [note["id"] for note in snapshot["own"]["notes"]] == [notes[n]]
        assert snapshot["own"]["notes"][0]["text"] == f"Idée {n}"
        assert snapshot["own"]["notes"][0]["author"] == f"P{n}"
        assert snapshot["own"]["notes"][0]["mine"] is True
        assert snapshot["me"]["votes"] == ({f"note:{notes[n + 1]}": 1} if n < 10 else {})
        assert snapshot["me"]["budget"]["used"] == {"": 1 if n < 10 else 0}
