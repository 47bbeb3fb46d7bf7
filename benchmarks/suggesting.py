"""Grouping suggestions asked during a benchmark run, as a facilitator's control page
asks them (``benchmarks.run --suggest-every S``): one control screen, signed in, that
sends ``assist.suggest`` for every area every S seconds while the room posts, so the
run's live latency is measured with suggestions computing (the similarity process
working beside the serving process)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.clients import LiveClient, sign_in

from .stack import Target

ANSWER_SECONDS = 120  # the first one waits for the model to load


@contextmanager
def suggesting(target: Target, every: float) -> Iterator[list[float]]:
    """Suggestions asked every ``every`` seconds until the block ends; the list holds
    each one's seconds (the first, with the model's load, included)."""
    if not (target.email and target.password):
        raise ValueError("suggestions need the facilitator's sign-in (--email, --password)")
    client = LiveClient(target.urls[0], sign_in(target.urls[0], target.email, target.password))
    client.connect()
    ack = client.join(target.code, "control")
    assert ack.get("ok"), ack
    timings: list[float] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            answer = client.sio.call("assist.suggest", {"area": None}, timeout=ANSWER_SECONDS)
            if not answer.get("ok"):
                raise RuntimeError(f"assist.suggest refused: {answer}")
            timings.append(time.perf_counter() - started)
            stop.wait(every)

    worker = threading.Thread(target=ask, name="suggesting", daemon=True)
    worker.start()
    try:
        yield timings
    finally:
        stop.set()
        worker.join(ANSWER_SECONDS)
        client.close()


def describe(timings: list[float]) -> str:
    if not timings:
        return "suggestions: none answered"
    later = timings[1:] or timings
    return (
        f"suggestions: {len(timings)} answered, the first in {timings[0]:.2f} s "
        f"(the model's load), then median {statistics.median(later):.2f} s, "
        f"max {max(later):.2f} s"
    )
