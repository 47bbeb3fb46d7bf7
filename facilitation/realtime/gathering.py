"""Reads that many requests ask for at once, done once for all of them.

When a phase changes, every phone of the room asks for its new view within a second or
two, and each view holds a few small reads of the phone's own things (its notes, dots,
pledges...). Read one phone at a time, those reads were half of the server's time for the
change; gathered, a handful of statements serve every phone waiting.

The first request of a scope waits a moment (``WINDOW``) for others to join it, then reads
for every key gathered; requests that arrive while it reads form the next batch, so a key
is never read before its request arrived (what a request read before, such as its
snapshot's head, stays older than what the batch reads). Under gevent the wait lets the
process read the sockets that were ready meanwhile; the more the process lags behind, the
larger the batches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

WINDOW = 0.002  # seconds the first request of a batch waits for others
MOST = 500  # keys per batch: a bounded IN list for every database


class _Batch(Generic[K, V]):
    def __init__(self) -> None:
        self.keys: list[K] = []
        self.done = threading.Event()
        self.found: dict[K, V] | None = None


class Gathering(Generic[K, V]):
    """One batch open per scope at a time; ``get`` returns the value read for its key."""

    def __init__(self, window: float = WINDOW, most: int = MOST) -> None:
        if most < 1:
            raise ValueError("a batch holds at least one key")
        self.window, self.most = window, most
        self._open: dict[Hashable, _Batch[K, V]] = {}
        self._lock = threading.Lock()
        self.batches = 0  # batches read (tests and benchmarks look at it)

    def get(self, scope: Hashable, key: K, read: Callable[[list[K]], dict[K, V]]) -> V:
        """``read`` reads for a list of keys; the batch's first request runs its own. A
        request whose batch failed reads alone, so one bad batch fails only its reader."""
        with self._lock:
            batch = self._open.get(scope)
            leads = batch is None
            if batch is None:
                batch = self._open[scope] = _Batch()
            batch.keys.append(key)
            if len(batch.keys) >= self.most:
                del self._open[scope]  # full: the next request starts another
        if not leads:
            batch.done.wait()
            if batch.found is None:
                return read([key])[key]
            return batch.found[key]
        try:
            time.sleep(self.window)
            with self._lock:
                if self._open.get(scope) is batch:
                    del self._open[scope]  # closed: whoever comes now starts the next
            keys = list(dict.fromkeys(batch.keys))
            batch.found = read(keys)
            self.batches += 1
        finally:
            batch.done.set()
        return batch.found[key]
