"""A published synthesis: once a workshop has ended, its facilitator can publish the
synthesis at a public link that needs no account. The link is signed (itsdangerous, with
the app's secret key) over the workshop's id and its publication version: unpublishing
makes every link given so far lead nowhere, and publishing again makes a new link."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from ..auth import Actor
from ..errors import Conflict, NotFound
from ..extensions import db
from ..rules import state_contributor
from ..workshops.models import Status, Workshop
from ..workshops.services import announce

SALT = "fabrique.synthesis.publication"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(workshop: Workshop) -> str | None:
    """The token of the workshop's public link, while its synthesis is published."""
    if not workshop.synthesis_published:
        return None
    return str(_serializer().dumps([workshop.id, workshop.synthesis_version]))


def path(workshop: Workshop) -> str | None:
    """The public link's path (the same on every screen), or None when unpublished."""
    found = token(workshop)
    return f"/s/{found}" if found else None


@state_contributor
def publication_state(workshop: Workshop) -> dict[str, Any]:
    """Every screen knows the published synthesis's link, or that there is none."""
    return {"synthesis_url": path(workshop)}


def published_workshop(given: str) -> Workshop:
    """The workshop a public link names, if that link is still the published one."""
    try:
        payload: Any = _serializer().loads(given)
    except BadSignature:
        raise NotFound(_l("This synthesis is not published.")) from None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and all(isinstance(value, int) for value in payload)
    ):
        raise NotFound(_l("This synthesis is not published."))
    workshop = db.session.get(Workshop, payload[0])
    if (
        workshop is None
        or not workshop.synthesis_published
        or workshop.synthesis_version != payload[1]
        or workshop.status != Status.ENDED
    ):
        raise NotFound(_l("This synthesis is not published."))
    return workshop


def publish(actor: Actor, workshop: Workshop, published: bool) -> Workshop:
    """Publish the synthesis of an ended workshop (phones then show its link, the board
    its QR code), or withdraw it: the link stops working."""
    actor.require_facilitator()
    if published and workshop.status != Status.ENDED:
        raise Conflict(_l("End the workshop before publishing its synthesis."))
    if published != workshop.synthesis_published:
        workshop.synthesis_published = published
        if published:
            workshop.synthesis_version += 1
        announce(workshop)
    return workshop
