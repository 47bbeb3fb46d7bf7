"""The serving process's side of the similarity process (worker.py).

One process per serving process, started on first use and kept; one order at a time.
The caller waits for the answer as it waits for a socket: under gunicorn's gevent
worker, ``subprocess`` and the lock are cooperative, so the live channel goes on.
"""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from facilitation.similarity.worker import digest, pack, unpack

ROOT = Path(__file__).resolve().parents[2]  # where `facilitation` is importable from


class EngineUnavailable(RuntimeError):
    """The similarity process failed or ended; the next order starts a new one."""


class Engine:
    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        # The digests of the texts whose vectors the process has been given or has made
        # (it may have forgotten some since: it then embeds them again, never wrongly).
        self.known: set[str] = set()

    def ask(self, order: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            try:
                process = self._started()
                assert process.stdin is not None
                assert process.stdout is not None
                process.stdin.write(json.dumps(order).encode() + b"\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except OSError:
                line = b""
            if not line:
                self.stop()
                raise EngineUnavailable("the similarity process ended")
        answer = dict(json.loads(line))
        if not answer.pop("ok"):
            raise EngineUnavailable(answer["error"])
        return answer

    def _started(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self.known = set()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "facilitation.similarity.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=ROOT,
            )
        return self.process

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()

    # --- the engine's functions, asked of the process -----------------------------------

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        vectors = unpack(self.ask({"op": "embed", "texts": texts})["vectors"])
        self.known.update(map(digest, texts))
        return vectors

    def suggest(self, texts: list[str], known: dict[str, np.ndarray]) -> list[dict[str, Any]]:
        """Suggested groups of these texts; ``known``: stored vectors by digest, for texts
        the process may not have seen (``unknown``)."""
        order = {"op": "suggest", "texts": texts, "known": _packed(known)}
        clusters = list(self.ask(order)["clusters"])
        self.known.update(map(digest, texts))
        return clusters

    def nearest(
        self,
        texts: list[str],
        known: dict[str, np.ndarray],
        group: list[int],
        candidates: list[int],
    ) -> list[dict[str, Any]]:
        order = {
            "op": "nearest",
            "texts": texts,
            "known": _packed(known),
            "group": group,
            "candidates": candidates,
        }
        neighbours = list(self.ask(order)["neighbours"])
        self.known.update(map(digest, texts))
        return neighbours

    def unknown(self, texts: list[str]) -> set[str]:
        """The digests of these texts whose vectors the process has not seen."""
        return {key for key in map(digest, texts) if key not in self.known}

    def check(
        self, texts: list[str], vectors: dict[str, np.ndarray], new: list[int]
    ) -> tuple[np.ndarray, list[list[dict[str, Any]]]]:
        """The vectors of the notes at ``new`` (in ascending order) and the notes each
        repeats, among the others of ``texts`` (an area's notes, the oldest first).
        ``vectors``: stored vectors by digest, for texts the process may not have seen."""
        order = {
            "op": "check",
            "texts": texts,
            "vectors": _packed(vectors),
            "new": new,
        }
        answer = self.ask(order)
        self.known.update(map(digest, texts))
        return unpack(answer["vectors"]), list(answer["duplicates"])


def _packed(vectors: dict[str, np.ndarray]) -> dict[str, str]:
    return {key: pack(vector[None, :]) for key, vector in vectors.items()}


_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    """This process's similarity process (one, shared by its apps)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine()
        return _engine


@atexit.register
def _stop() -> None:
    if _engine is not None:
        _engine.stop()
