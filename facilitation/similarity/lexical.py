"""The wording of notes: character n-grams and lemmas, French and English.

Two sparse TF-IDF views fitted on the notes being compared (their own vocabulary and
their own rare words): lemmas (``simplemma``, French then English) without stop words,
which also name a cluster in the notes' own words; and character n-grams of those
lemmas, which survive typos and compounds (« télétravail », « travail »). N-grams of the
lemmas rather than of the raw text: as good on the labelled set, three times faster
(no n-grams of stop words).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex
import simplemma
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

LANGUAGES = ("fr", "en")
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*")
_ELISION = regex.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", regex.IGNORECASE)

_FRENCH = """
    a afin ai aie aient ainsi alors as au aucun aucune aupres auquel aura aurai auraient
    aurais aurait aussi autre autres aux avaient avais avait avant avec avoir ayant beaucoup
    bien c ca car ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez
    ci comme comment d dans de des deja depuis donc dont du elle elles en encore entre es
    est et etaient etais etait ete etre eu eux fait faire fais faut fois font ici il ils j
    je jusqu l la le les leur leurs lui m ma mais me meme memes mes moi mon n ne ni non nos
    notre nous on ont ou par parce pas peu peut peuvent plus pour pourquoi puis qu quand que
    quel quelle quelles quels qui quoi s sa sans se ses si sien soi soit son sont sous
    souvent suis sur t ta te tes toi ton tous tout toute toutes tres trop tu un une vers
    voila vont vos votre vous y sommes etes serait seront sera etre avoir aller faire
"""
FRENCH_STOP_WORDS = frozenset(_FRENCH.split())  # folded: no accents
STOP_WORDS = FRENCH_STOP_WORDS | frozenset(ENGLISH_STOP_WORDS)


def fold(text: str) -> str:
    """Lower case without accents: « Réunions » and « reunions » are one word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str | None:
    """The folded lemma of a lower-case word, or None for a stop word."""
    lemma = fold(simplemma.lemmatize(word, lang=LANGUAGES))
    if len(lemma) < 2 or lemma in STOP_WORDS or fold(word) in STOP_WORDS:
        return None
    return lemma


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[tuple[str, str], ...]:
    """(lemma, word as written) for each word of a note that is not a stop word."""
    found = []
    for match in _WORD.finditer(text):
        word = _ELISION.sub("", match.group())
        lemma = _lemma(word.lower()) if word else None
        if lemma is not None:
            found.append((lemma, word))
    return tuple(found)


def lemmas(text: str) -> list[str]:
    return [lemma for lemma, _ in words(text)]


def _no_analysis(tokens: list[str]) -> list[str]:
    return tokens


@dataclass(frozen=True)
class LexicalView:
    """The notes as rows of sparse L2-normalised vectors, and what names their lemmas."""

    matrix: sparse.csr_matrix  # char n-grams and lemmas, one row per note
    lemma_matrix: sparse.csr_matrix
    lemma_names: np.ndarray
    surface: dict[str, Counter[str]]  # lemma → how the notes wrote it


def view(texts: list[str], lemma_weight: float = 0.5) -> LexicalView:
    """Fit both TF-IDF views on these notes and stack them (weighted) into one."""
    noted = [words(t) for t in texts]
    joined = [" ".join(lemma for lemma, _ in pairs) for pairs in noted]
    if any(joined):
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
        char_matrix = chars.fit_transform(joined)
    else:  # only stop words, digits or emoji: the vectors alone will have to do
        char_matrix = sparse.csr_matrix((len(texts), 0))
    surface: dict[str, Counter[str]] = {}
    for pairs in noted:
        for lemma, word in pairs:
            surface.setdefault(lemma, Counter())[word.lower()] += 1
    tokens = [[lemma for lemma, _ in pairs] for pairs in noted]
    if surface:
        lemma_vectorizer = TfidfVectorizer(analyzer=_no_analysis, sublinear_tf=True)
        lemma_matrix = lemma_vectorizer.fit_transform(tokens)
        names = lemma_vectorizer.get_feature_names_out()
    else:
        lemma_matrix = sparse.csr_matrix((len(texts), 0))
        names = np.array([], dtype=object)
    weight = np.sqrt([1 - lemma_weight, lemma_weight])
    stacked = sparse.hstack([char_matrix * weight[0], lemma_matrix * weight[1]]).tocsr()
    return LexicalView(normalize(stacked), lemma_matrix, names, surface)


def char_view(texts: list[str]) -> sparse.csr_matrix:
    """Character TF-IDF alone: the simple baseline the benchmark compares with."""
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    return chars.fit_transform([fold(t) for t in texts])
