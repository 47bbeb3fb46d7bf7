"""The similarity engine in a process of its own: ``python -m facilitation.similarity.worker``.

A serving process (client.py) starts it on first use and keeps it. Loading the model
and the lemma dictionaries takes seconds of pure Python, and grouping a few hundred
notes a fraction of a second: done in the serving process, it would hold the GIL that
the live channel's loop needs. Here it holds nothing of theirs, at a lower priority.

One order per line of standard input, one JSON answer per line of standard output.
Vectors travel as base64 of little-endian float32 rows. Orders: ``embed {texts}``,
``suggest {texts, vectors}``, ``nearest {texts, vectors, group, candidates}``,
``duplicates {text, vector, texts, vectors}``. No database, no network.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any

import numpy as np

NICENESS = 10


def pack(vectors: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vectors, dtype="<f4").tobytes()).decode()


def unpack(data: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data), dtype="<f4").reshape(-1, 512)


def handle(order: dict[str, Any]) -> dict[str, Any]:
    from facilitation.similarity import engine
    from facilitation.similarity.encoder import embed

    op = order["op"]
    if op == "embed":
        return {"vectors": pack(embed(list(order["texts"])))}
    texts, vectors = list(order["texts"]), unpack(order["vectors"])
    if op == "suggest":
        clusters = engine.suggest_groups(texts, vectors)
        return {"clusters": [_cluster(c) for c in clusters]}
    if op == "nearest":
        found = engine.nearest_to_group(texts, vectors, order["group"], order["candidates"])
        return {"neighbours": [{"index": n.index, "score": n.score} for n in found]}
    if op == "duplicates":
        vector = unpack(order["vector"])[0]
        found = engine.duplicates_of(order["text"], vector, texts, vectors)
        return {"duplicates": [{"index": d.index, "score": d.score} for d in found]}
    raise ValueError(f"unknown order {op!r}")


def _cluster(cluster: Any) -> dict[str, Any]:
    return {
        "members": list(cluster.members),
        "central": cluster.central,
        "terms": list(cluster.terms),
        "cohesion": cluster.cohesion,
    }


def main() -> None:
    os.nice(NICENESS)
    for line in sys.stdin:
        try:
            answer = {"ok": True, **handle(json.loads(line))}
        except Exception as error:  # one bad order never ends the process
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
