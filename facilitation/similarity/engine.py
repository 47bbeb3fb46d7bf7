"""Suggested groups, a group's nearest loose notes, and duplicates: pure functions.

Every function takes the notes' texts and their stored sentence vectors (rows of
``encoder.embed``) and answers with indices into them. Similarity is the blend of the
two views (``blend``); thresholds were tuned on the labelled sets in
``benchmarks/similarity/`` and their figures are in docs/performance.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from facilitation.similarity import lexical

# Share of the sentence vectors in the blend (the rest: the lexical view).
SEMANTIC_WEIGHT = 0.9
# Suggested groups merge while their notes' mean (centred) similarity reaches this.
SUGGEST_SIMILARITY = 0.04
# A note fits nowhere when its nearest notes in meaning are this far (mean cosine of
# the sentence vectors to its three nearest, before centring): it stays loose.
FITS_NOWHERE = 0.30
_NEAREST = 3
# A loose note is offered to a group when its mean similarity to the group reaches this.
SEEDED_SIMILARITY = 0.10
SEEDED_LIMIT = 12
# Duplicates: the same meaning (sentence vectors, across languages), or nearly the same
# words; both thresholds from benchmarks/similarity/duplicates.toml.
DUPLICATE_MEANING = 0.76
DUPLICATE_BLEND = 0.71
_DUPLICATE_MEANING_WEIGHT = 0.6
_DUPLICATE_CANDIDATES = 8
KEY_TERMS = 3


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # most central first
    central: int  # the note that names the cluster
    terms: tuple[str, ...]  # key words, as the notes wrote them
    cohesion: float  # mean similarity between its members


@dataclass(frozen=True)
class Neighbour:
    index: int
    score: float


@dataclass(frozen=True)
class Duplicate:
    index: int
    score: float


def _vectors(vectors: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    return np.asarray(vectors, dtype=np.float32).reshape(-1, 512)


def blend(texts: Sequence[str], vectors: np.ndarray, lex: lexical.LexicalView) -> np.ndarray:
    """Pairwise similarity of the notes: meaning and wording, weighted. The sentence
    vectors are centred on these notes first: what all of them share (the workshop's
    question, its language) then stops making every pair look alike."""
    centred = vectors - vectors.mean(axis=0) if len(vectors) > 2 else vectors
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    centred = centred / np.where(norms > 0, norms, 1.0)
    semantic = centred @ centred.T
    wording = (lex.matrix @ lex.matrix.T).toarray()
    similarity = SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * wording
    np.fill_diagonal(similarity, 1.0)
    return similarity.astype(np.float64)


def similarity_matrix(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    return blend(texts, _vectors(vectors), lexical.view(list(texts)))


def isolated(vectors: np.ndarray, floor: float = FITS_NOWHERE) -> np.ndarray:
    """Which notes have no neighbour close in meaning (a mask)."""
    n = len(vectors)
    if n < 2:
        return np.ones(n, dtype=bool)
    cosine = vectors @ vectors.T
    np.fill_diagonal(cosine, -np.inf)
    nearest = min(_NEAREST, n - 1)
    top = -np.partition(-cosine, nearest - 1, axis=1)[:, :nearest]
    return top.mean(axis=1) < floor


def cluster_matrix(
    similarity: np.ndarray, min_similarity: float, loose: np.ndarray | None = None
) -> list[list[int]]:
    """Average-linkage clusters of two notes or more among those not ``loose``."""
    kept = np.flatnonzero(~loose) if loose is not None else np.arange(len(similarity))
    if len(kept) < 2:
        return []
    clusters = _clusters(similarity[np.ix_(kept, kept)], min_similarity)
    return [[int(kept[i]) for i in members] for members in clusters]


def _clusters(similarity: np.ndarray, min_similarity: float) -> list[list[int]]:
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - min_similarity, criterion="distance")
    found: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        found.setdefault(int(label), []).append(index)
    return [members for members in found.values() if len(members) > 1]


def suggest_groups(
    texts: Sequence[str],
    vectors: np.ndarray | Sequence[np.ndarray],
    *,
    min_similarity: float = SUGGEST_SIMILARITY,
) -> list[Cluster]:
    """Clusters of the notes, largest first, each named by its most central note and key
    terms; a note similar enough to no other stays out of every cluster."""
    lex = lexical.view(list(texts))
    vectors = _vectors(vectors)
    similarity = blend(texts, vectors, lex)
    found = cluster_matrix(similarity, min_similarity, isolated(vectors))
    clusters = [_named(members, similarity, lex) for members in found]
    return sorted(clusters, key=lambda c: (-len(c.members), c.members[0]))


def _named(members: list[int], similarity: np.ndarray, lex: lexical.LexicalView) -> Cluster:
    inside = similarity[np.ix_(members, members)]
    centrality = (inside.sum(axis=1) - 1.0) / (len(members) - 1)
    order = [members[i] for i in np.argsort(-centrality, kind="stable")]
    cohesion = float(centrality.mean())
    return Cluster(tuple(order), order[0], _key_terms(members, lex), round(cohesion, 3))


def _key_terms(members: list[int], lex: lexical.LexicalView) -> tuple[str, ...]:
    if not lex.lemma_names.size:
        return ()
    rows = lex.lemma_matrix[members]
    weight = np.asarray(rows.sum(axis=0)).ravel()
    shared = np.asarray((rows > 0).sum(axis=0)).ravel()
    ranked = np.lexsort((-weight, -(shared >= min(2, len(members))).astype(int)))
    terms = []
    for column in ranked[:KEY_TERMS]:
        if weight[column] <= 0:
            break
        written = lex.surface[str(lex.lemma_names[column])].most_common(1)[0][0]
        terms.append(written)
    return tuple(terms)


def nearest_to_group(
    texts: Sequence[str],
    vectors: np.ndarray | Sequence[np.ndarray],
    group: Sequence[int],
    candidates: Sequence[int],
    *,
    limit: int = SEEDED_LIMIT,
    min_similarity: float = SEEDED_SIMILARITY,
) -> list[Neighbour]:
    """The candidates most like the group's notes (mean similarity), best first."""
    if not group or not candidates:
        return []
    similarity = similarity_matrix(texts, vectors)
    scores = similarity[np.ix_(list(candidates), list(group))].mean(axis=1)
    ranked = sorted(zip(candidates, scores, strict=True), key=lambda pair: -pair[1])
    return [
        Neighbour(int(index), round(float(score), 3))
        for index, score in ranked[:limit]
        if score >= min_similarity
    ]


def duplicates_of(
    text: str,
    vector: np.ndarray,
    texts: Sequence[str],
    vectors: np.ndarray | Sequence[np.ndarray],
) -> list[Duplicate]:
    """The notes that say the same as ``text``: a trivial edit, a rewording or a
    translation. The sentence vectors pick a few candidates; their wording decides."""
    if not texts:
        return []
    semantic = _vectors(vectors) @ np.asarray(vector, dtype=np.float32)
    nearest = np.argsort(-semantic, kind="stable")[:_DUPLICATE_CANDIDATES]
    wording = _wording([text] + [texts[i] for i in nearest])
    found = []
    for rank, index in enumerate(nearest):
        if _bare(texts[index]) == _bare(text):  # accents, case and punctuation aside
            found.append(Duplicate(int(index), 1.0))
            continue
        meaning = float(semantic[index])
        mixed = _DUPLICATE_MEANING_WEIGHT * meaning
        mixed += (1 - _DUPLICATE_MEANING_WEIGHT) * float(wording[rank])
        if meaning >= DUPLICATE_MEANING or mixed >= DUPLICATE_BLEND:
            found.append(Duplicate(int(index), round(max(meaning, mixed), 3)))
    return sorted(found, key=lambda d: -d.score)


def _wording(texts: list[str]) -> np.ndarray:
    """Character n-gram cosine of the first text with each of the others (no IDF: a
    handful of texts says nothing about which n-grams are rare)."""
    grams = [_char_grams(text) for text in texts]
    first, first_norm = grams[0]
    scores = []
    for other, norm in grams[1:]:
        shared = sum(count * other[gram] for gram, count in first.items() if gram in other)
        scores.append(shared / (first_norm * norm) if first_norm and norm else 0.0)
    return np.array(scores)


def _bare(text: str) -> str:
    return " ".join(lexical.fold(text).translate(_PUNCTUATION).split())


_PUNCTUATION = str.maketrans(dict.fromkeys("'’.,;:!?\"«»()[]-–—…/", " "))


@lru_cache(maxsize=8192)
def _char_grams(text: str) -> tuple[Counter[str], float]:
    """The 3- to 5-character n-grams of each word, padded with spaces, and their norm."""
    grams: Counter[str] = Counter()
    for word in lexical.fold(text).split():
        padded = f" {word} "
        for n in range(3, 6):
            grams.update(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams, math.sqrt(sum(c * c for c in grams.values()))
