"""What every participant of a workshop sees alike, read once and shared by their screens.

When the facilitator moves on, every phone asks for the new phase's view at once: read
for each phone, a plenary of 2,000 phones meant 2,000 reads and serialisations of the
same notes. A participant's view is the part every participant sees (the others' notes
once the phase shows them, the groups, the cards, the proposals, the results once
revealed) plus their own notes and cards and their own dots: the common part is read
once per process and per public sequence number, and each phone adds only its own.

Only events for everyone (``audience: all``) change what every participant sees, and each
moves the workshop's ``public_head``: a common part is kept for one ``public_head`` (and
the workshop's code: ids of deleted workshops may come back), and a new one is started
once that moves. A common part is read as far as screens ask, a batch at a time, in the
order of ids, exactly as a screen's own pages were read — so a join while the room keeps
changing costs what it cost before, and a room that asks at once shares every read.
Each common item is encoded to JSON once, too (``realtime/wire.py``): the answers to
join, sync and page splice that text in. Kept per app (a process serves one), for the
most recently used workshops.

A phone that can fetch (``live.js`` says so in its join and sync) gets no common item over
its socket at all: its answer names the common part's **body** — the whole part as one
JSON document, encoded and gzip-compressed once — at a signed address any phone of the
room fetches over HTTP (``body_path``), with only its own items beside. After a phase
change, 2,000 phones then share one encoding and one compression, where each socket
compressed its own copy of every note (``docs/performance.md``). The last few parts of a
workshop are kept, so a phone that fetches a moment after its sync still finds its own.

Once a body has been answered through the framework, the next fetches of it are answered
before the framework (``KeptBodies``): the same bytes with the same headers, at a few
microseconds where a request through Flask costs about a millisecond — after a phase
change, that was a quarter of the process's work.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import re
import sys
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, url_for
from werkzeug.http import parse_accept_header

from ..auth import Actor, ActorKind
from ..realtime.paging import BATCH, Item, size_of
from ..realtime.wire import dumps, encoded
from .models import Workshop

EXTENSION_KEY = "fabrique.shared_views"
KEPT_WORKSHOPS = 32
KEPT_BEFORE = 4  # a workshop's parts kept after a newer one began, for late fetches
# A participant id no participant has: this actor sees what every participant sees.
ANYONE = 0

# (the workshop as the request loaded it, after id, at most) -> items by id
Reader = Callable[[Workshop, int, int], Sequence[Item]]


@dataclass
class Collection:
    """One collection of the common part, read from its first id as far as asked."""

    read: Reader
    items: list[Item] = field(default_factory=list)
    complete: bool = False

    def end(self) -> int:
        return self.items[-1]["id"] if self.items else 0


@dataclass
class CommonPart:
    """What every participant sees at one public sequence number."""

    stamp: tuple[str, int]  # the workshop's code and public_head
    head: int  # the workshop's head when it was started: it shows every change up to it
    rest: dict[str, Any]  # the snapshot's parts besides the collections
    collections: dict[str, Collection]
    sizes: dict[int, int] = field(default_factory=dict)  # by id(item): shared, never changed
    lock: threading.Lock = field(default_factory=threading.Lock)
    building: threading.Lock = field(default_factory=threading.Lock)  # one ``whole`` at a time
    body: bytes | None = None  # the whole part as JSON, gzip-compressed (``whole``)
    # the headers its body went with, gzip-compressed, through the framework (KeptBodies)
    headers: list[tuple[str, str]] | None = None

    def whole(self, workshop: Workshop) -> bytes:
        """The whole part as one JSON document, gzip-compressed: every collection read
        to its end, then encoded and compressed once for every phone that fetches it.
        Screens asking while it is built wait for that build: on a database whose reads
        let other requests run meanwhile (PostgreSQL under gevent), phones fetching a new
        phase's body encoded copies of their own (2,000 phones, 2,000 notes: built once,
        the change's processor time 4.3 -> 3.4 s)."""
        if self.body is None:
            with self.building:
                if self.body is None:
                    self.body = self._built(workshop)
        return self.body

    def _built(self, workshop: Workshop) -> bytes:
        for name in self.collections:
            self.rows(workshop, name, 0, sys.maxsize)
        document = {
            "public_head": self.stamp[1],
            **self.rest,
            **{name: collection.items for name, collection in self.collections.items()},
        }
        text = dumps(document)
        return gzip.compress(text.encode(), compresslevel=6, mtime=0)

    def rows(self, workshop: Workshop, name: str, after: int, limit: int) -> Sequence[Item]:
        """The common items after id ``after``, at most ``limit`` (fewer: none left), read
        further when needed. A page of a part begun since (this part has not read up to
        ``after``) is read for its screen alone."""
        collection = self.collections[name]
        with self.lock:
            if after > collection.end() and not collection.complete:
                return collection.read(workshop, after, limit)
            while not collection.complete and self._after(collection, after, limit) < limit:
                batch = [
                    encoded(item) for item in collection.read(workshop, collection.end(), BATCH)
                ]
                for item in batch:
                    self.sizes[id(item)] = size_of(item)  # known: encoded once
                collection.items.extend(batch)
                collection.complete = len(batch) < BATCH
            start = _first_after(collection.items, after)
            return collection.items[start : start + limit]

    @staticmethod
    def _after(collection: Collection, after: int, limit: int) -> int:
        return min(limit, len(collection.items) - _first_after(collection.items, after))


def _first_after(items: list[Item], after: int) -> int:
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if items[middle]["id"] <= after:
            low = middle + 1
        else:
            high = middle
    return low


@dataclass
class SharedViews:
    """This process's common parts, by workshop; ``started`` counts how many were begun."""

    parts: OrderedDict[int, CommonPart] = field(default_factory=OrderedDict)
    # parts a newer one replaced, by (workshop id, public_head): fetched a moment late
    before: OrderedDict[tuple[int, int], CommonPart] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: int = 0

    def find(self, workshop_id: int, public_head: int) -> CommonPart | None:
        """The kept part of this workshop at this public sequence number, if any."""
        with self.lock:
            part = self.parts.get(workshop_id)
            if part is not None and part.stamp[1] == public_head:
                return part
            return self.before.get((workshop_id, public_head))

    def common(
        self,
        workshop: Workshop,
        heads: tuple[int, int],
        start: Callable[[Actor], tuple[dict[str, Any], dict[str, Reader]]],
    ) -> CommonPart:
        """The common part at the workshop's current public sequence number: the kept one,
        or a new one (``start`` gives its rest and its collections' readers)."""
        head, public_head = heads
        stamp = (workshop.code, public_head)
        with self.lock:
            part = self.parts.get(workshop.id)
            if part is not None and part.stamp == stamp:
                self.parts.move_to_end(workshop.id)
                return part
        rest, readers = start(Actor(ActorKind.PARTICIPANT, workshop.id, participant_id=ANYONE))
        fresh = CommonPart(
            stamp, head, rest, {name: Collection(read) for name, read in readers.items()}
        )
        with self.lock:
            part = self.parts.get(workshop.id)
            if part is not None and part.stamp == stamp:  # begun meanwhile by another screen
                return part
            if part is not None:
                self.before[(workshop.id, part.stamp[1])] = part
                while len(self.before) > KEPT_BEFORE * KEPT_WORKSHOPS:
                    self.before.popitem(last=False)
            self.parts[workshop.id] = fresh
            self.parts.move_to_end(workshop.id)
            while len(self.parts) > KEPT_WORKSHOPS:
                self.parts.popitem(last=False)
            self.started += 1
            return fresh


RESHAPED_KEY = "fabrique.reshaped"  # session.info: workshops whose phones' view changed


def reshaped(session: Any, workshop: Workshop) -> None:
    """This transaction changes what every phone of ``workshop`` may see (a reshaping
    event): its view is named as it commits (``snapshots.offer_view``)."""
    session.info.setdefault(RESHAPED_KEY, {})[workshop.id] = workshop


def views() -> SharedViews:
    return current_app.extensions.setdefault(EXTENSION_KEY, SharedViews())


def signature(workshop_id: int, code: str, public_head: int, secret: str | None = None) -> str:
    """What proves an address of a common part's body was given by this app to a screen
    of that workshop (its code in it: ids of deleted workshops may come back)."""
    key = (secret or current_app.config["SECRET_KEY"]).encode()
    message = f"fabrique.common:{workshop_id}:{code}:{public_head}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def body_path(workshop: Workshop, public_head: int) -> str:
    """Where the body of this workshop's common part at ``public_head`` is fetched."""
    return url_for(
        "workshops.common_part",
        workshop_id=workshop.id,
        public_head=public_head,
        signature=signature(workshop.id, workshop.code, public_head),
    )


def with_own(common: Sequence[Item], own: list[Item], after: int, full: bool) -> list[Item]:
    """A page's rows as one participant sees them: the common rows, with their own items
    (marked ``mine``) in place by id — theirs replace the common copies, never change
    them. Own items go up to the last common row, or to the end when the common rows
    are ``full`` no more (the collection ends there)."""
    upper = common[-1]["id"] if full and common else None
    mine = {
        item["id"]: item
        for item in own
        if item["id"] > after and (upper is None or item["id"] <= upper)
    }
    if not mine:
        return list(common)
    rows = [mine.pop(item["id"], item) for item in common]
    rows.extend(mine.values())
    rows.sort(key=lambda item: item["id"])
    return rows


# WSGI's own types, as wsgiref spells them
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

BODY_PATH = re.compile(r"/live/(\d{1,18})/(\d{1,18})/([0-9a-f]{32})\.json")
# Of a body's response through the framework, what is about the body or the page's
# security, the same for every phone: kept and sent again. Nothing else (a cookie, a
# request id, a rate limit's count) ever goes to another request.
KEPT_HEADERS = frozenset(
    name.lower()
    for name in (
        "Content-Type",
        "Content-Encoding",
        "Content-Length",
        "Vary",
        "Cache-Control",
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "X-XSS-Protection",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Embedder-Policy",
        "Cross-Origin-Resource-Policy",
    )
)
FIRST_ANSWER_S = 10  # as long as a phone waits for its body
GIVEN_REQUEST_ID = re.compile(r"[0-9a-fA-F]{16,64}")  # as logs.py takes one


class KeptBodies:
    """Answers a fetch of a common part's body this process keeps, gzip-compressed, before
    the framework: the signature checked as the view checks it, the bytes and the headers
    of that body's first answer through the framework (the view, then every
    ``after_request``), with a request id of its own. Anything else — a body not kept
    yet, a wrong signature, no gzip, a query string — goes through the framework.

    Fetches of an address that arrive while its first answer through the framework is on
    its way wait for it (at most ``FIRST_ANSWER_S``), then take its bytes and headers:
    after a phase change the whole room fetches within a second, and on a database whose
    reads let other requests run meanwhile (PostgreSQL under gevent) the fetches that
    came while the body was read went through the framework (739 of 2,069; the change
    cost 4.4 s of the process's time, 0.6 s once they waited). A fetch with a wrong
    address waits no longer than the first fetch of it takes to be refused."""

    def __init__(self, app: Flask, inner: WsgiApp) -> None:
        self.app, self.inner = app, inner
        # addresses whose fetch is being answered through the framework -> that answer ended
        self.answering: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        match = BODY_PATH.fullmatch(path)
        if (
            match is None
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or "gzip" not in parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))
        ):
            return self.inner(environ, start_response)
        address = (int(match[1]), int(match[2]), match[3])
        kept = self._kept(*address)
        if kept is None:
            with self.lock:
                answer = self.answering.get(path)
                if answer is None:
                    self.answering[path] = threading.Event()
            if answer is None:  # the first fetch of this body: through the framework
                try:
                    return self.inner(environ, self._keeping(address, start_response))
                finally:
                    with self.lock:
                        self.answering.pop(path).set()
            answer.wait(FIRST_ANSWER_S)  # the room fetches at once: wait for that answer
            kept = self._kept(*address)
            if kept is None:
                return self.inner(environ, self._keeping(address, start_response))
        headers, body = kept
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if GIVEN_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        start_response("200 OK", [*headers, ("X-Request-Id", request_id)])
        return [body]

    def _kept(
        self, workshop_id: int, public_head: int, given: str
    ) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and bytes of a body answered once already, if this is its address."""
        part = self._part(workshop_id, public_head, given)
        if part is None or part.headers is None or part.body is None:
            return None
        return part.headers, part.body

    def _part(self, workshop_id: int, public_head: int, given: str) -> CommonPart | None:
        views = self.app.extensions.get(EXTENSION_KEY)
        part = views.find(workshop_id, public_head) if views is not None else None
        if part is None:
            return None
        secret = self.app.config["SECRET_KEY"]
        expected = signature(workshop_id, part.stamp[0], public_head, secret)
        return part if hmac.compare_digest(expected, given) else None

    def _keeping(
        self, address: tuple[int, int, str], start_response: StartResponse
    ) -> StartResponse:
        """``start_response``, keeping the headers of a successful gzip-compressed answer
        with the part it answered (read by then, if the address was right)."""

        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            part = self._part(*address)
            if part is not None:
                keep(part, status, headers)
            return start_response(status, headers, *rest)

        return start


def keep(part: CommonPart, status: str, headers: list[tuple[str, str]]) -> None:
    """Keep the headers about the body of a successful gzip-compressed answer with it."""
    encoded = any(name.lower() == "content-encoding" and value == "gzip" for name, value in headers)
    if status.startswith("200 ") and encoded:
        kept = [(name, value) for name, value in headers if name.lower() in KEPT_HEADERS]
        with part.lock:
            part.headers = part.headers or kept
