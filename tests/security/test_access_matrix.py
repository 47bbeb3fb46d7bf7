"""Who may do what: every socket event and every HTTP route, for every kind of visitor.

The tables below are the matrix; each cell is one test (``note.moderate-by-participant``,
``GET /dashboard-by-coordinator``). A new socket handler or route fails
``test_every_socket_event_is_classified`` / ``test_every_route_is_classified`` until it
has its row here.

Each cell runs on a fresh scene (conftest.py: ``build_scene``): workshop A, run by
``owner``, and workshop B, run by ``other_facilitator``, in the same format and phase, each
with a participant, two notes, two groups, a card and a proposal. Commands and routes
always aim at A. The visitors:

* ``anonymous``: no cookie, not signed in (its socket's ``join`` of A is refused);
* ``participant``: A's participant, its phone joined to A;
* ``other_participant``: B's participant, joined to B, sending A's ids;
* ``owner``: A's creator, on A's control page;
* ``other_facilitator``: B's creator, on B's control page, sending A's ids;
* ``coordinator``: signed in, reads every workshop, runs none (its ``join`` of A is refused);
* ``admin``: on A's control page.

Socket outcomes: ``ok`` carried out; ``own`` carried out on the sender's own workshop B,
A unchanged; ``401`` not_authenticated, ``403`` forbidden, ``404`` not_found (error acks);
``ign`` no ack and nothing happens. HTTP outcomes: a status, ``go`` a redirect elsewhere
than sign-in (a form's success, or the phone page), ``login`` a redirect to sign-in.
Every refusal must leave the whole database as it was.
"""

from __future__ import annotations

import io
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from facilitation.coalitions.models import Coalition, Member, Status
from facilitation.extensions import db
from facilitation.realtime import eventlog
from facilitation.realtime.commands import HANDLERS
from facilitation.syntheses import jsonio
from facilitation.workshops import shared

from ..conftest import PASSWORD
from .conftest import (
    SOCKET_ACTIONS,
    Scene,
    Staff,
    ask,
    build_scene,
    csrf_of,
    error_of,
    fingerprint,
    new_user,
    phone_client,
    prepare,
    socket_for,
    staff_client,
    with_command_id,
    workshop_fingerprint,
)

ROLES = (
    "anonymous",
    "participant",
    "other_participant",
    "owner",
    "other_facilitator",
    "coordinator",
    "admin",
)

# --- The socket matrix ---------------------------------------------------------------------

# fmt: off
SOCKET_MATRIX: dict[str, tuple[str, ...]] = {
    #                     anon   part   other  owner  rival  coord  admin
    "join":              ("401", "ok",  "401", "ok",  "401", "401", "ok"),
    "sync":              ("401", "ok",  "own", "ok",  "own", "401", "ok"),
    "snapshot.page":     ("401", "ok",  "own", "ok",  "own", "401", "ok"),
    "disconnect":        ("ign", "ign", "ign", "ign", "ign", "ign", "ign"),
    # notes
    "note.post":         ("401", "ok",  "own", "ok",  "own", "401", "ok"),
    "note.edit":         ("401", "ok",  "404", "ok",  "404", "401", "ok"),
    "note.delete":       ("401", "ok",  "404", "ok",  "404", "401", "ok"),
    "note.moderate":     ("401", "403", "403", "ok",  "404", "401", "ok"),
    "note.merge":        ("401", "403", "403", "ok",  "404", "401", "ok"),
    "note.place":        ("401", "403", "403", "ok",  "404", "401", "ok"),
    "notes.place":       ("401", "403", "403", "ok",  "404", "401", "ok"),
    "notes.moderate":    ("401", "403", "403", "ok",  "404", "401", "ok"),
    "notes.merge":       ("401", "403", "403", "ok",  "404", "401", "ok"),
    # groups
    "group.create":      ("401", "403", "403", "ok",  "own", "401", "ok"),
    "group.update":      ("401", "403", "403", "ok",  "404", "401", "ok"),
    "group.delete":      ("401", "403", "403", "ok",  "404", "401", "ok"),
    # the facilitator's controls
    "phase.move":        ("401", "403", "403", "ok",  "own", "401", "ok"),
    "timer.start":       ("401", "403", "403", "ok",  "own", "401", "ok"),
    "timer.add":         ("401", "403", "403", "ok",  "own", "401", "ok"),
    "timer.pause":       ("401", "403", "403", "ok",  "own", "401", "ok"),
    "timer.resume":      ("401", "403", "403", "ok",  "own", "401", "ok"),
    "timer.stop":        ("401", "403", "403", "ok",  "own", "401", "ok"),
    "workshop.lock":     ("401", "403", "403", "ok",  "own", "401", "ok"),
    "workshop.joining":  ("401", "403", "403", "ok",  "own", "401", "ok"),
    "workshop.end":      ("401", "403", "403", "ok",  "own", "401", "ok"),
    "synthesis.publish": ("401", "403", "403", "ok",  "own", "401", "ok"),
    "spotlight":         ("401", "403", "403", "ok",  "404", "401", "ok"),
    "board.view":        ("401", "403", "403", "ok",  "404", "401", "ok"),
    "vote.rules":        ("401", "403", "403", "ok",  "own", "401", "ok"),
    "results.reveal":    ("401", "403", "403", "ok",  "own", "401", "ok"),
    "canvas.groups":     ("401", "403", "403", "ok",  "404", "401", "ok"),
    "opinions.reveal":   ("401", "403", "403", "ok",  "own", "401", "ok"),
    "ratings.reveal":    ("401", "403", "403", "ok",  "own", "401", "ok"),
    "poll.create":       ("401", "403", "403", "ok",  "own", "401", "ok"),
    "poll.open":         ("401", "403", "403", "ok",  "404", "401", "ok"),
    "poll.close":        ("401", "403", "403", "ok",  "404", "401", "ok"),
    "poll.hide":         ("401", "403", "403", "ok",  "404", "401", "ok"),
    "poll.reveal":       ("401", "403", "403", "ok",  "404", "401", "ok"),
    "poll.counts":       ("401", "403", "403", "ok",  "404", "401", "ok"),
    # grouping assistance (queries)
    "assist.suggest":    ("401", "403", "403", "ok",  "own", "401", "ok"),
    "assist.similar":    ("401", "403", "403", "ok",  "404", "401", "ok"),
    # participants' votes and pledges
    "vote.cast":         ("401", "ok",  "404", "403", "403", "401", "403"),
    "vote.retract":      ("401", "ok",  "404", "403", "403", "401", "403"),
    "react.cast":        ("401", "ok",  "404", "403", "403", "401", "403"),
    "rate.cast":         ("401", "ok",  "404", "403", "403", "401", "403"),
    "poll.answer":       ("401", "ok",  "404", "403", "403", "401", "403"),
    "pledge.add":        ("401", "ok",  "404", "403", "403", "401", "403"),
    "pledge.withdraw":   ("401", "ok",  "404", "403", "403", "401", "403"),
    # cards (their links name A's note) and proposals
    "card.add":          ("401", "ok",  "404", "ok",  "404", "401", "ok"),
    "card.edit":         ("401", "ok",  "404", "ok",  "404", "401", "ok"),
    "card.delete":       ("401", "ok",  "404", "ok",  "404", "401", "ok"),
    "proposal.promote":  ("401", "403", "403", "ok",  "404", "401", "ok"),
    "proposal.pledge":   ("401", "ok",  "404", "403", "403", "401", "403"),
}
# fmt: on


# --- The HTTP matrix ---------------------------------------------------------------------------

LOGIN, GO = "login", "go"

# fmt: off
HTTP_MATRIX: dict[str, tuple[int | str, ...]] = {
    #                                          anon   part   other  owner  rival  coord  admin
    "GET /":                                  (200,   200,   200,   200,   200,   200,   200),
    "GET /healthz":                           (200,   200,   200,   200,   200,   200,   200),
    "GET /metrics":                           (404,   404,   404,   404,   404,   404,   404),
    "GET /source.zip":                        (200,   200,   200,   200,   200,   200,   200),
    "GET /static/<path:filename>":            (200,   200,   200,   200,   200,   200,   200),
    "GET /login":                             (200,   200,   200,   200,   200,   200,   200),
    "POST /login":                            (GO,    GO,    GO,    GO,    GO,    GO,    GO),
    "POST /logout":                           (LOGIN, LOGIN, LOGIN, GO,    GO,    GO,    GO),
    "GET /account/password":                  (LOGIN, LOGIN, LOGIN, 200,   200,   200,   200),
    # a forgotten password (this app sends no e-mail: the page says to ask an admin)
    "GET /password-reset":                    (200,   200,   200,   200,   200,   200,   200),
    "POST /password-reset":                   (200,   200,   200,   200,   200,   200,   200),
    "GET /password-reset/<token>":            (400,   400,   400,   400,   400,   400,   400),
    "POST /password-reset/<token>":           (400,   400,   400,   400,   400,   400,   400),
    "POST /account/password":                 (LOGIN, LOGIN, LOGIN, GO,    GO,    GO,    GO),
    # joining
    "POST /join":                             (GO,    GO,    GO,    GO,    GO,    GO,    GO),
    "GET /j/<code>":                          (200,   GO,    200,   200,   200,   200,   200),
    "POST /j/<code>":                         (GO,    GO,    GO,    GO,    GO,    GO,    GO),
    "GET /j/<code>/qr.svg":                   (200,   200,   200,   200,   200,   200,   200),
    "GET /p/<code>":                          (GO,    200,   GO,    GO,    GO,    GO,    GO),
    "GET /p/sw.js":                           (200,   200,   200,   200,   200,   200,   200),
    "GET /b/<key>":                           (200,   200,   200,   200,   200,   200,   200),
    "GET /b/<key> (wrong key)":               (404,   404,   404,   404,   404,   404,   404),
    # the room's body a phone's snapshot names: its signed address is the proof
    "GET /live/<id:workshop_id>/<int:public_head>/<signature>.json":
                                              (200,   200,   200,   200,   200,   200,   200),
    "GET /live/<id:workshop_id>/<int:public_head>/<signature>.json (wrong signature)":
                                              (404,   404,   404,   404,   404,   404,   404),
    # staff pages
    "GET /dashboard":                         (LOGIN, LOGIN, LOGIN, 200,   200,   200,   200),
    "GET /workshops/":                        (LOGIN, LOGIN, LOGIN, 200,   200,   200,   200),
    "POST /workshops/":                       (LOGIN, LOGIN, LOGIN, GO,    GO,    403,   GO),
    "GET /workshops/<id:workshop_id>/control":
                                              (LOGIN, LOGIN, LOGIN, 200,   403,   403,   200),
    "GET /workshops/<id:workshop_id>/board":  (LOGIN, LOGIN, LOGIN, 200,   403,   403,   200),
    "GET /workshops/<id:workshop_id>/export.<path:kind>":
                                              (LOGIN, LOGIN, LOGIN, 200,   403,   200,   200),
    "POST /workshops/<id:workshop_id>/exports/<string:kind>":
                                              (LOGIN, LOGIN, LOGIN, 200,   403,   200,   200),
    "POST /workshops/import":                 (LOGIN, LOGIN, LOGIN, GO,    GO,    403,   GO),
    "POST /workshops/<id:workshop_id>/synthesis-texts":
                                              (LOGIN, LOGIN, LOGIN, GO,    403,   403,   GO),
    "POST /workshops/<id:workshop_id>/publication":
                                              (LOGIN, LOGIN, LOGIN, GO,    403,   403,   GO),
    "POST /workshops/<id:workshop_id>/synthesis-mail":
                                              (LOGIN, LOGIN, LOGIN, GO,    403,   403,   GO),
    # a published synthesis, for anyone with its link: A's is not published (test_publication)
    "GET /s/<token>":                         (404,   404,   404,   404,   404,   404,   404),
    "GET /s/<token>/synthesis.pdf":           (404,   404,   404,   404,   404,   404,   404),
    "GET /s/<token>/qr.svg":                  (404,   404,   404,   404,   404,   404,   404),
    "GET /accounts/":                         (LOGIN, LOGIN, LOGIN, 403,   403,   403,   200),
    "POST /accounts/":                        (LOGIN, LOGIN, LOGIN, 403,   403,   403,   GO),
    "POST /accounts/<id:user_id>/active":     (LOGIN, LOGIN, LOGIN, 403,   403,   403,   GO),
    # participants' data: an admin deletes a workshop, and a coalition member's data
    "GET /workshops/<id:workshop_id>/delete": (LOGIN, LOGIN, LOGIN, 403,   403,   403,   200),
    "POST /workshops/<id:workshop_id>/delete":
                                              (LOGIN, LOGIN, LOGIN, 403,   403,   403,   GO),
    "GET /coalitions/members/<id:member_id>/data.json":
                                              (LOGIN, LOGIN, LOGIN, 403,   403,   403,   200),
    "GET /coalitions/members/<id:member_id>/forget":
                                              (LOGIN, LOGIN, LOGIN, 403,   403,   403,   200),
    "POST /coalitions/members/<id:member_id>/forget":
                                              (LOGIN, LOGIN, LOGIN, 403,   403,   403,   GO),
    # coalitions: A's proposal was put forward by the owner; a draft is for the team
    "GET /coalitions/":                       (LOGIN, LOGIN, LOGIN, 200,   200,   200,   200),
    "GET /coalitions/<id:coalition_id>":      (200,   200,   200,   200,   200,   200,   200),
    "GET /coalitions/<id:coalition_id> (draft)":
                                              (404,   404,   404,   200,   200,   200,   200),
    "GET /coalitions/new":                    (LOGIN, LOGIN, LOGIN, 200,   200,   200,   200),
    "POST /coalitions/new":                   (LOGIN, LOGIN, LOGIN, GO,    GO,    GO,    GO),
    "GET /coalitions/<id:coalition_id>/edit":
                                              (LOGIN, LOGIN, LOGIN, 200,   403,   200,   200),
    "POST /coalitions/<id:coalition_id>/edit":
                                              (LOGIN, LOGIN, LOGIN, GO,    403,   GO,    GO),
    "POST /coalitions/<id:coalition_id>/pledge":
                                              (GO,    GO,    GO,    GO,    GO,    GO,    GO),
    "POST /coalitions/<id:coalition_id>/pledge (draft)":
                                              (404,   404,   404,   GO,    GO,    GO,    GO),
    # a proposal's seven qualities: read as the proposal is; every team member rates
    "GET /coalitions/<id:coalition_id>/qualities":
                                              (200,   200,   200,   200,   200,   200,   200),
    "GET /coalitions/<id:coalition_id>/qualities (draft)":
                                              (404,   404,   404,   200,   200,   200,   200),
    "POST /coalitions/<id:coalition_id>/qualities":
                                              (LOGIN, LOGIN, LOGIN, GO,    GO,    GO,    GO),
    # the REST API
    "GET /api/openapi.json":                  (200,   200,   200,   200,   200,   200,   200),
    "GET /api/docs":                          (200,   200,   200,   200,   200,   200,   200),
    "GET /api/workshops/":                    (401,   401,   401,   200,   200,   200,   200),
    "POST /api/workshops/":                   (401,   401,   401,   201,   201,   403,   201),
    "GET /api/workshops/<id:workshop_id>":    (401,   401,   401,   200,   403,   200,   200),
    "GET /api/workshops/<id:workshop_id>/results":
                                              (401,   401,   401,   200,   403,   200,   200),
    "GET /api/workshops/<id:workshop_id>/opinions":
                                              (401,   401,   401,   200,   403,   200,   200),
    "GET /api/workshops/<id:workshop_id>/ratings":
                                              (401,   401,   401,   200,   403,   200,   200),
    "GET /api/workshops/<id:workshop_id>/polls":
                                              (401,   401,   401,   200,   403,   200,   200),
    "GET /api/workshops/<id:workshop_id>/exports/<string:kind>":
                                              (401,   401,   401,   200,   403,   200,   200),
    "GET /api/workshops/<id:workshop_id>/notes/":
                                              (401,   401,   401,   200,   403,   200,   200),
    "POST /api/workshops/<id:workshop_id>/notes/":
                                              (401,   401,   401,   201,   403,   403,   201),
    "PATCH /api/workshops/<id:workshop_id>/notes/<id:note_id>":
                                              (401,   401,   401,   200,   403,   403,   200),
    "GET /api/workshops/<id:workshop_id>/groups/":
                                              (401,   401,   401,   200,   403,   200,   200),
    "POST /api/workshops/<id:workshop_id>/groups/":
                                              (401,   401,   401,   201,   403,   403,   201),
    "GET /api/coalitions/":                   (401,   401,   401,   200,   200,   200,   200),
    "POST /api/coalitions/":                  (401,   401,   401,   201,   201,   201,   201),
    "GET /api/coalitions/<id:coalition_id>":  (200,   200,   200,   200,   200,   200,   200),
    "GET /api/coalitions/<id:coalition_id> (draft)":
                                              (404,   404,   404,   200,   200,   200,   200),
    "PATCH /api/coalitions/<id:coalition_id>":
                                              (401,   401,   401,   200,   403,   200,   200),
    "GET /api/coalitions/<id:coalition_id>/members":
                                              (200,   200,   200,   200,   200,   200,   200),
    "POST /api/coalitions/<id:coalition_id>/members":
                                              (201,   201,   201,   201,   201,   201,   201),
    "POST /api/coalitions/<id:coalition_id>/members (draft)":
                                              (404,   404,   404,   201,   201,   201,   201),
}
# fmt: on


@dataclass(frozen=True)
class Request:
    """How one route is called on a scene: its path, and a form (with the CSRF token),
    JSON or a file."""

    path: Callable[[Scene], str]
    form: Callable[[Scene], dict[str, Any]] | None = None
    json: Callable[[Scene], Any] | None = None
    files: Callable[[Scene], dict[str, Any]] | None = None


def _draft(s: Scene) -> int:
    proposal = db.session.get(Coalition, s.a.proposal)
    proposal.status = Status.DRAFT
    db.session.commit()
    return s.a.proposal


def _archive(s: Scene) -> dict[str, Any]:
    body = json.dumps(jsonio.export(s.a.workshop)).encode()
    return {"archive": (io.BytesIO(body), "atelier.json")}


def _body_path(s: Scene, sign: Callable[[int, str, int], str]) -> str:
    """The address of A's room body at its current public sequence number."""
    workshop = s.a.workshop
    _, public_head = eventlog.heads(workshop.id)
    db.session.rollback()
    signature = sign(workshop.id, workshop.code, public_head)
    return f"/live/{workshop.id}/{public_head}/{signature}.json"


def _unpublished(s: Scene) -> str:
    """A rightly signed link to A's synthesis, which is not published."""
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    from facilitation.syntheses.publication import SALT

    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)
    return str(serializer.dumps([s.a.workshop.id, s.a.workshop.synthesis_version]))


def _forged_reset(s: Scene) -> str:
    """A reset link for the owner's account, signed with another key."""
    signer = URLSafeTimedSerializer("not-this-instance-key-" * 2, salt="fabrique.password-reset")
    return signer.dumps([s.a.workshop.created_by_id, "0" * 32])


def _member(s: Scene) -> int:
    """The member of A's proposal who joined on the web."""
    query = select(Member.id).where(Member.coalition_id == s.a.proposal)
    return db.session.scalars(query).one()


def _throwaway(s: Scene) -> int:
    return new_user("facilitator").id


A = "/workshops/{}"
API = "/api/workshops/{}"
MEMBER = {"name": "Léa", "organisation": "Asso"}

REQUESTS: dict[str, Request] = {
    "GET /": Request(lambda s: "/"),
    "GET /healthz": Request(lambda s: "/healthz"),
    "GET /metrics": Request(lambda s: "/metrics"),
    "GET /source.zip": Request(lambda s: "/source.zip"),
    "GET /static/<path:filename>": Request(lambda s: "/static/favicon.svg"),
    "GET /login": Request(lambda s: "/login"),
    "POST /login": Request(
        lambda s: "/login",
        form=lambda s: {"email": s.owner.email, "password": PASSWORD},
    ),
    "POST /logout": Request(lambda s: "/logout", form=lambda s: {}),
    "GET /account/password": Request(lambda s: "/account/password"),
    "POST /account/password": Request(  # the same password again: later cells sign in with it
        lambda s: "/account/password",
        form=lambda s: {
            "current_password": PASSWORD,
            "new_password": PASSWORD,
            "new_password_again": PASSWORD,
        },
    ),
    "POST /join": Request(lambda s: "/join", form=lambda s: {"code": s.a.workshop.code}),
    "GET /j/<code>": Request(lambda s: f"/j/{s.a.workshop.code}"),
    "POST /j/<code>": Request(
        lambda s: f"/j/{s.a.workshop.code}", form=lambda s: {"nickname": "Zoé"}
    ),
    "GET /j/<code>/qr.svg": Request(lambda s: f"/j/{s.a.workshop.code}/qr.svg"),
    "GET /p/<code>": Request(lambda s: f"/p/{s.a.workshop.code}"),
    "GET /p/sw.js": Request(lambda s: "/p/sw.js"),
    "GET /b/<key>": Request(lambda s: f"/b/{s.a.workshop.board_key}"),
    "GET /b/<key> (wrong key)": Request(lambda s: f"/b/{secrets.token_urlsafe(24)}"),
    "GET /live/<id:workshop_id>/<int:public_head>/<signature>.json": Request(
        lambda s: _body_path(s, shared.signature)
    ),
    "GET /live/<id:workshop_id>/<int:public_head>/<signature>.json (wrong signature)": Request(
        lambda s: _body_path(s, lambda *_: secrets.token_hex(16))
    ),
    "GET /password-reset": Request(lambda s: "/password-reset"),
    "POST /password-reset": Request(
        lambda s: "/password-reset", form=lambda s: {"email": "owner@example.org"}
    ),
    "GET /password-reset/<token>": Request(lambda s: f"/password-reset/{_forged_reset(s)}"),
    "POST /password-reset/<token>": Request(
        lambda s: f"/password-reset/{_forged_reset(s)}",
        form=lambda s: {"new_password": "x" * 12, "new_password_again": "x" * 12},
    ),
    "GET /dashboard": Request(lambda s: "/dashboard"),
    "GET /workshops/": Request(lambda s: "/workshops/"),
    "POST /workshops/": Request(
        lambda s: "/workshops/",
        form=lambda s: {"format": "brainstorm", "title": "Nouvel atelier", "language": "fr"},
    ),
    "GET /workshops/<id:workshop_id>/control": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/control"
    ),
    "GET /workshops/<id:workshop_id>/board": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/board"
    ),
    "GET /workshops/<id:workshop_id>/export.<path:kind>": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/export.md"
    ),
    "POST /workshops/<id:workshop_id>/exports/<string:kind>": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/exports/md", form=lambda s: {}
    ),
    "POST /workshops/import": Request(
        lambda s: "/workshops/import", form=lambda s: {}, files=_archive
    ),
    "POST /workshops/<id:workshop_id>/synthesis-texts": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/synthesis-texts",
        form=lambda s: {"introduction": "Bonjour", "conclusions": ""},
    ),
    "POST /workshops/<id:workshop_id>/publication": Request(  # withdrawn: no ended workshop
        lambda s: f"{A.format(s.a.workshop.id)}/publication", form=lambda s: {"published": "0"}
    ),
    "POST /workshops/<id:workshop_id>/synthesis-mail": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/synthesis-mail",
        form=lambda s: {"addresses": "elu@example.org"},
    ),
    "GET /s/<token>": Request(lambda s: f"/s/{_unpublished(s)}"),
    "GET /s/<token>/synthesis.pdf": Request(lambda s: f"/s/{_unpublished(s)}/synthesis.pdf"),
    "GET /s/<token>/qr.svg": Request(lambda s: f"/s/{_unpublished(s)}/qr.svg"),
    "GET /accounts/": Request(lambda s: "/accounts/"),
    "POST /accounts/": Request(
        lambda s: "/accounts/",
        form=lambda s: {
            "email": f"new-{uuid.uuid4().hex[:8]}@example.org",
            "name": "Nouvelle",
            "role": "facilitator",
            "password": PASSWORD,
        },
    ),
    "POST /accounts/<id:user_id>/active": Request(
        lambda s: f"/accounts/{_throwaway(s)}/active", form=lambda s: {"active": "0"}
    ),
    "GET /workshops/<id:workshop_id>/delete": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/delete"
    ),
    "POST /workshops/<id:workshop_id>/delete": Request(
        lambda s: f"{A.format(s.a.workshop.id)}/delete", form=lambda s: {}
    ),
    "GET /coalitions/members/<id:member_id>/data.json": Request(
        lambda s: f"/coalitions/members/{_member(s)}/data.json"
    ),
    "GET /coalitions/members/<id:member_id>/forget": Request(
        lambda s: f"/coalitions/members/{_member(s)}/forget"
    ),
    "POST /coalitions/members/<id:member_id>/forget": Request(
        lambda s: f"/coalitions/members/{_member(s)}/forget", form=lambda s: {}
    ),
    "GET /coalitions/": Request(lambda s: "/coalitions/"),
    "GET /coalitions/<id:coalition_id>": Request(lambda s: f"/coalitions/{s.a.proposal}"),
    "GET /coalitions/<id:coalition_id> (draft)": Request(lambda s: f"/coalitions/{_draft(s)}"),
    "GET /coalitions/<id:coalition_id>/qualities": Request(
        lambda s: f"/coalitions/{s.a.proposal}/qualities"
    ),
    "GET /coalitions/<id:coalition_id>/qualities (draft)": Request(
        lambda s: f"/coalitions/{_draft(s)}/qualities"
    ),
    "POST /coalitions/<id:coalition_id>/qualities": Request(
        lambda s: f"/coalitions/{s.a.proposal}/qualities", form=lambda s: {"frugal": "4"}
    ),
    "GET /coalitions/new": Request(lambda s: "/coalitions/new"),
    "POST /coalitions/new": Request(lambda s: "/coalitions/new", form=lambda s: {"title": "Neuve"}),
    "GET /coalitions/<id:coalition_id>/edit": Request(lambda s: f"/coalitions/{s.a.proposal}/edit"),
    "POST /coalitions/<id:coalition_id>/edit": Request(
        lambda s: f"/coalitions/{s.a.proposal}/edit",
        form=lambda s: {"title": "Renommée", "status": "proposed"},
    ),
    "POST /coalitions/<id:coalition_id>/pledge": Request(
        lambda s: f"/coalitions/{s.a.proposal}/pledge", form=lambda s: MEMBER
    ),
    "POST /coalitions/<id:coalition_id>/pledge (draft)": Request(
        lambda s: f"/coalitions/{_draft(s)}/pledge", form=lambda s: MEMBER
    ),
    "GET /api/openapi.json": Request(lambda s: "/api/openapi.json"),
    "GET /api/docs": Request(lambda s: "/api/docs"),
    "GET /api/workshops/": Request(lambda s: "/api/workshops/"),
    "POST /api/workshops/": Request(
        lambda s: "/api/workshops/", json=lambda s: {"format": "brainstorm", "title": "Par l'API"}
    ),
    "GET /api/workshops/<id:workshop_id>": Request(lambda s: API.format(s.a.workshop.id)),
    "GET /api/workshops/<id:workshop_id>/results": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/results"
    ),
    "GET /api/workshops/<id:workshop_id>/opinions": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/opinions"
    ),
    "GET /api/workshops/<id:workshop_id>/ratings": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/ratings"
    ),
    "GET /api/workshops/<id:workshop_id>/polls": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/polls"
    ),
    "GET /api/workshops/<id:workshop_id>/exports/<string:kind>": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/exports/md"
    ),
    "GET /api/workshops/<id:workshop_id>/notes/": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/notes/"
    ),
    "POST /api/workshops/<id:workshop_id>/notes/": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/notes/",
        json=lambda s: {"area": "ideas", "text": "Par l'API"},
    ),
    "PATCH /api/workshops/<id:workshop_id>/notes/<id:note_id>": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/notes/{s.a.note}", json=lambda s: {"hidden": True}
    ),
    "GET /api/workshops/<id:workshop_id>/groups/": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/groups/"
    ),
    "POST /api/workshops/<id:workshop_id>/groups/": Request(
        lambda s: f"{API.format(s.a.workshop.id)}/groups/", json=lambda s: {"title": "Groupe"}
    ),
    "GET /api/coalitions/": Request(lambda s: "/api/coalitions/"),
    "POST /api/coalitions/": Request(lambda s: "/api/coalitions/", json=lambda s: {"title": "C"}),
    "GET /api/coalitions/<id:coalition_id>": Request(lambda s: f"/api/coalitions/{s.a.proposal}"),
    "GET /api/coalitions/<id:coalition_id> (draft)": Request(
        lambda s: f"/api/coalitions/{_draft(s)}"
    ),
    "PATCH /api/coalitions/<id:coalition_id>": Request(
        lambda s: f"/api/coalitions/{s.a.proposal}", json=lambda s: {"title": "Renommée"}
    ),
    "GET /api/coalitions/<id:coalition_id>/members": Request(
        lambda s: f"/api/coalitions/{s.a.proposal}/members"
    ),
    "POST /api/coalitions/<id:coalition_id>/members": Request(
        lambda s: f"/api/coalitions/{s.a.proposal}/members", json=lambda s: MEMBER
    ),
    "POST /api/coalitions/<id:coalition_id>/members (draft)": Request(
        lambda s: f"/api/coalitions/{_draft(s)}/members", json=lambda s: MEMBER
    ),
}


# --- Running a cell ------------------------------------------------------------------------


def cells(matrix: dict[str, tuple[Any, ...]]) -> list[Any]:
    return [
        pytest.param(key, role, expected, id=f"{key}-by-{role}")
        for key, row in matrix.items()
        for role, expected in zip(ROLES, row, strict=True)
    ]


STAFF_ROLES = {"owner": "owner", "other_facilitator": "rival", "coordinator": "coordinator"}


def http_client(app: Flask, staff: Staff, scene: Scene, role: str) -> Any:
    if role == "participant":
        return phone_client(app, scene.a.participant)
    if role == "other_participant":
        return phone_client(app, scene.b.participant)
    if role == "anonymous":
        return app.test_client()
    user = {"owner": scene.owner, "other_facilitator": scene.rival}.get(role)
    return staff_client(app, user or getattr(staff, role))


def open_socket(app: Flask, staff: Staff, scene: Scene, role: str, join: bool) -> Any:
    """The role's socket, joined where the role can be (see the module's docstring)."""
    sio = socket_for(app, http_client(app, staff, scene, role))
    if not join:
        return sio
    own_side = scene.b if role.startswith("other_") else scene.a
    screen = "phone" if "participant" in role or role == "anonymous" else "control"
    ack = ask(sio, "join", {"code": own_side.workshop.code, "role": screen})
    # Every refused join is the same answer: it must not tell a real code from a wrong one.
    expected_join = "not_authenticated" if role in ("anonymous", "coordinator") else None
    assert error_of(ack) == expected_join, ack
    return sio


SOCKET_CODES = {"401": "not_authenticated", "403": "forbidden", "404": "not_found"}


def socket_payload(event: str, scene: Scene, role: str) -> Any:
    if event == "join":
        screen = "phone" if "participant" in role or role == "anonymous" else "control"
        return {"code": scene.a.workshop.code, "role": screen}
    action = SOCKET_ACTIONS[event]
    payload = action.payload(scene)
    return with_command_id(payload) if action.command else payload


@pytest.fixture
def scene_for(module_app: Flask, staff: Staff) -> Callable[..., Scene]:
    def build(format_key: str = "brainstorm", phase: str = "silent_writing") -> Scene:
        return build_scene(staff.owner, staff.rival, format_key, phase)

    return build


# --- The tests ------------------------------------------------------------------------------


def test_every_socket_event_is_classified(module_app):
    assert set(SOCKET_MATRIX) == set(HANDLERS)
    assert set(SOCKET_ACTIONS) == set(HANDLERS)


def test_every_route_is_classified(module_app):
    routes = {
        f"{method} {rule.rule}"
        for rule in module_app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    classified = {key.split(" (")[0] for key in HTTP_MATRIX}
    assert routes == classified
    assert set(REQUESTS) == set(HTTP_MATRIX)


@pytest.mark.parametrize(("event", "role", "expected"), cells(SOCKET_MATRIX))
def test_socket_event(module_app, staff, scene_for, event, role, expected):
    action = SOCKET_ACTIONS[event]
    scene = scene_for(action.format_key, action.phase)
    prepare(scene, action.before)
    sio = open_socket(module_app, staff, scene, role, join=event != "join")
    payload = socket_payload(event, scene, role)
    before, before_a = fingerprint(), workshop_fingerprint(scene.a.workshop.id)
    ack = ask(sio, event, payload)
    sio.disconnect()
    if expected == "ign":
        assert ack == []
        assert fingerprint() == before
    elif expected in ("ok", "own"):
        assert error_of(ack) is None, ack
        if expected == "own":
            assert workshop_fingerprint(scene.a.workshop.id) == before_a
    else:
        assert error_of(ack) == SOCKET_CODES[expected], ack
        assert fingerprint() == before


@pytest.mark.parametrize(("route", "role", "expected"), cells(HTTP_MATRIX))
def test_http_route(module_app, staff, scene_for, route, role, expected):
    scene = scene_for()
    request = REQUESTS[route]
    http = http_client(module_app, staff, scene, role)
    method = route.split(" ")[0]
    kwargs: dict[str, Any] = {}
    if request.form is not None:
        kwargs["data"] = {"csrf_token": csrf_of(http), **request.form(scene)}
        if request.files is not None:
            kwargs["data"].update(request.files(scene))
    if request.json is not None:
        kwargs["json"] = request.json(scene)
    path = request.path(scene)
    before = fingerprint()
    with http.open(path, method=method, **kwargs) as response:
        body = response.get_data()[:500].decode("utf-8", "replace")
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert (response.status_code, location.split("?")[0]) == (302, "/login")
    elif expected == GO:
        assert response.status_code == 302, body
        assert not location.startswith("/login"), location
    else:
        assert response.status_code == expected, body
    if expected in (LOGIN, 401, 403, 404):
        assert fingerprint() == before


def test_members_addresses_are_shown_only_to_those_who_edit_the_coalition(
    module_app, staff, scene_for
):
    scene = scene_for()  # its proposal has a member who left an address
    path = f"/api/coalitions/{scene.a.proposal}/members"
    shown = {
        role: "sam@example.org" in http_client(module_app, staff, scene, role).get(path).text
        for role in ROLES
    }
    assert shown == {role: role in ("owner", "coordinator", "admin") for role in ROLES}
