"""The serving process's side of the similarity process (worker.py): a child process
(facilitation/children.py), one per serving process, started on first use and kept."""

from __future__ import annotations

from typing import Any

import numpy as np

from facilitation.children import Child, ChildUnavailable, one_per_process
from facilitation.similarity.worker import digest, pack, unpack


class EngineUnavailable(ChildUnavailable):
    """The similarity process failed or ended; the next order starts a new one."""


class Engine(Child):
    unavailable = EngineUnavailable

    def __init__(self) -> None:
        super().__init__("facilitation.similarity.worker")
        # The digests of the texts whose vectors the process has been given or has made
        # (it may have forgotten some since: it then embeds them again, never wrongly).
        self.known: set[str] = set()

    def started(self) -> None:
        self.known = set()

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


engine = one_per_process(Engine)  # this process's similarity process
