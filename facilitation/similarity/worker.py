"""The similarity engine in a process of its own: ``python -m facilitation.similarity.worker``.

A serving process (client.py) starts it on first use and keeps it. Loading the model
and the lemma dictionaries takes seconds of pure Python, and grouping a few hundred
notes a fraction of a second: done in the serving process, it would hold the GIL that
the live channel's loop needs. Here it holds nothing of theirs, at a lower priority.

One order per line of standard input, one JSON answer per line of standard output.
Vectors travel as base64 of little-endian float32 rows. Orders: ``embed {texts}``,
``suggest {texts, vectors}``, ``nearest {texts, vectors, group, candidates}``,
``duplicates {text, vector, texts, vectors}``, ``check {texts, vectors, new}``. No
database, no network.

The process keeps the vectors it has seen, by the digest of their text (``CACHE_SIZE``
of them, the least recently used forgotten first), so that the serving process sends
only texts: ``suggest`` and ``nearest`` may carry ``known`` ({digest: row}) instead of
``vectors``, the stored vectors of texts not sent before; a text whose vector is
neither kept nor sent is embedded here. ``check`` is the duplicate check of notes just
posted or edited: ``texts`` are every live note of their area (the oldest first),
``new`` the indexes of the notes to check, ``vectors`` as ``known``; each new note is
compared with every other note of the area but the new ones after it.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from typing import Any

import numpy as np

CACHE_SIZE = 20_000  # vectors kept: 2 KiB each, 40 MiB at most

_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def digest(text: str) -> str:
    """The name of a text's vector (the one stored with it: assist/models.py)."""
    return hashlib.sha256(text.encode()).hexdigest()


def pack(vectors: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vectors, dtype="<f4").tobytes()).decode()


def unpack(data: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data), dtype="<f4").reshape(-1, 512)


def handle(order: dict[str, Any]) -> dict[str, Any]:
    from facilitation.similarity import engine

    op = order["op"]
    if op == "embed":
        return {"vectors": pack(vectors_of(list(order["texts"]), {}))}
    if op == "check":
        return check(list(order["texts"]), dict(order.get("vectors") or {}), list(order["new"]))
    texts = list(order["texts"])
    if "known" in order:
        vectors = vectors_of(texts, dict(order["known"]))
    else:
        vectors = unpack(order["vectors"])
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


def vectors_of(texts: list[str], sent: dict[str, str]) -> np.ndarray:
    """The texts' vectors, one row each: those sent, else those kept, else embedded now;
    all of them kept, as the most recently used."""
    from facilitation.similarity.encoder import embed

    keys = [digest(text) for text in texts]
    known: dict[str, np.ndarray] = {key: unpack(row)[0] for key, row in sent.items()}
    for key in keys:
        if key not in known and key in _cache:
            known[key] = _cache[key]
    missing = list(dict.fromkeys(i for i, key in enumerate(keys) if key not in known))
    if missing:
        for i, vector in zip(missing, embed([texts[i] for i in missing]), strict=True):
            known[keys[i]] = vector
    for key in keys:  # the area's vectors, kept as the most recently used
        _cache[key] = known[key]
        _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    if not keys:
        return np.zeros((0, 512), np.float32)
    return np.vstack([known[key] for key in keys])


def check(texts: list[str], sent: dict[str, str], new: list[int]) -> dict[str, Any]:
    """The vectors of the notes at ``new`` and, for each, the notes it repeats."""
    from facilitation.similarity import engine

    matrix = vectors_of(texts, sent)
    later = set(new)
    found = []
    for i in sorted(new):
        later.discard(i)
        others = [j for j in range(len(texts)) if j != i and j not in later]
        others_texts = [texts[j] for j in others]
        duplicates = engine.duplicates_of(texts[i], matrix[i], others_texts, matrix[others])
        found.append([{"index": others[d.index], "score": d.score} for d in duplicates])
    order = sorted(new)
    return {"new": order, "vectors": pack(matrix[order]), "duplicates": found}


def _cluster(cluster: Any) -> dict[str, Any]:
    return {
        "members": list(cluster.members),
        "central": cluster.central,
        "terms": list(cluster.terms),
        "cohesion": cluster.cohesion,
    }


def main() -> None:
    from facilitation.children import serve

    serve(handle)


if __name__ == "__main__":
    main()
