"""Who is connected: this process's sockets, and the participant count per workshop.

The count lives in memory on the embedded default and in Redis (sorted sets whose scores
are expiry times) when processes are scaled out; it is ephemeral and never in the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import RedisError

from ..auth import Actor

log = logging.getLogger(__name__)

PRESENCE_TTL_SECONDS = 20


@dataclass
class Connections:
    """This process's joined sockets, by Socket.IO session id."""

    _actors: dict[str, Actor] = field(default_factory=dict)
    _per_actor: Counter[Actor] = field(default_factory=Counter)
    # Sockets per participant, by workshop: a count or a lookup costs the same with 10
    # phones or 2,000 (each join and sync asks for the count).
    _participants: dict[int, Counter[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sid: str, actor: Actor) -> None:
        with self._lock:
            self._forget(self._actors.get(sid))
            self._actors[sid] = actor
            self._per_actor[actor] += 1
            if actor.participant_id is not None:
                self._participants.setdefault(actor.workshop_id, Counter())[
                    actor.participant_id
                ] += 1

    def remove(self, sid: str) -> Actor | None:
        with self._lock:
            actor = self._actors.pop(sid, None)
            self._forget(actor)
            return actor

    def _forget(self, actor: Actor | None) -> None:
        if actor is None:
            return
        self._per_actor[actor] -= 1
        if self._per_actor[actor] <= 0:
            del self._per_actor[actor]
        if actor.participant_id is not None:
            sockets = self._participants[actor.workshop_id]
            sockets[actor.participant_id] -= 1
            if sockets[actor.participant_id] <= 0:
                del sockets[actor.participant_id]
                if not sockets:
                    del self._participants[actor.workshop_id]

    def get(self, sid: str) -> Actor | None:
        return self._actors.get(sid)

    def all(self) -> dict[str, Actor]:
        """Every joined socket of this process, with its actor (a copy)."""
        with self._lock:
            return dict(self._actors)

    def sockets_of(self, actor: Actor) -> int:
        """How many of this process's sockets joined as ``actor``."""
        return self._per_actor.get(actor, 0)

    def participants(self) -> dict[int, set[int]]:
        """Participant ids connected here, by workshop."""
        with self._lock:
            return {workshop: set(ids) for workshop, ids in self._participants.items()}

    def participant_count(self, workshop_id: int) -> int:
        """How many participants of the workshop have a socket here."""
        with self._lock:
            return len(self._participants.get(workshop_id, ()))

    def has_participant(self, workshop_id: int, participant_id: int) -> bool:
        with self._lock:
            return participant_id in self._participants.get(workshop_id, ())

    def workshops(self) -> set[int]:
        with self._lock:
            return {actor.workshop_id for actor in self._actors.values()}


class MemoryPresence:
    """One process: the connections are the whole truth."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def touch(self, participants: dict[int, set[int]]) -> None:
        """Nothing to refresh: counts are read from the connections."""

    def forget(self, workshop_id: int, participant_id: int) -> None:
        """Nothing to forget: the connection is already gone."""

    def count(self, workshop_id: int) -> int:
        return self.connections.participant_count(workshop_id)


class RedisPresence:
    """Several processes: each refreshes its participants' expiry; counts drop stale ones.

    Presence is a courtesy: when Redis is away, joining and posting go on, and the count
    falls back to this process's own connections until Redis is back.
    """

    def __init__(self, redis: Any, prefix: str, connections: Connections) -> None:
        self.redis, self.prefix, self.connections = redis, prefix, connections
        self.local = MemoryPresence(connections)

    def _key(self, workshop_id: int) -> str:
        return f"{self.prefix}:presence:{workshop_id}"

    def touch(self, participants: dict[int, set[int]]) -> None:
        expiry = time.time() + PRESENCE_TTL_SECONDS
        pipe = self.redis.pipeline(transaction=False)
        for workshop_id, ids in participants.items():
            key = self._key(workshop_id)
            pipe.zadd(key, {str(pid): expiry for pid in ids})
            pipe.expire(key, PRESENCE_TTL_SECONDS * 3)
        with _unless_redis_is_away():
            pipe.execute()

    def forget(self, workshop_id: int, participant_id: int) -> None:
        if not self.connections.has_participant(workshop_id, participant_id):
            with _unless_redis_is_away():
                self.redis.zrem(self._key(workshop_id), str(participant_id))

    def count(self, workshop_id: int) -> int:
        key = self._key(workshop_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", time.time())
        pipe.zcard(key)
        try:
            return int(pipe.execute()[1])
        except RedisError:
            return self.local.count(workshop_id)


@contextmanager
def _unless_redis_is_away() -> Iterator[None]:
    try:
        yield
    except RedisError as error:
        log.warning("presence not updated, Redis is unavailable: %s", type(error).__name__)
