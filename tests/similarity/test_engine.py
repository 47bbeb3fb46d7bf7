"""The similarity engine on the labelled sets: quality floors, not timings."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.similarity import (
    ari,
    baseline_matrix,
    best_threshold,
    duplicate_report,
    duplicate_scores,
    labelled,
    pairs,
    seeded_accuracy,
)
from facilitation.similarity.encoder import embed, from_bytes, to_bytes
from facilitation.similarity.engine import (
    SUGGEST_SIMILARITY,
    duplicates_of,
    isolated,
    nearest_to_group,
    similarity_matrix,
    suggest_groups,
)


@pytest.fixture(scope="module")
def notes() -> tuple[list[str], list[int], np.ndarray]:
    texts, labels = labelled()
    return texts, labels, embed(texts)


def test_a_note_and_its_translation_are_close_and_unrelated_notes_are_not() -> None:
    vectors = embed(["Les réunions sont trop longues", "Meetings take too long", "Buy a bike"])
    assert vectors.shape == (3, 512)
    assert vectors[0] @ vectors[1] > 0.7
    assert vectors[0] @ vectors[2] < 0.4


def test_a_stored_vector_comes_back_equal_and_a_wrong_size_is_refused() -> None:
    vector = embed(["Une note"])[0]
    assert np.array_equal(from_bytes(to_bytes(vector)), vector)
    with pytest.raises(ValueError, match="2048 bytes"):
        from_bytes(b"\0" * 12)


def test_suggested_groups_match_the_themes_better_than_character_tf_idf(notes) -> None:
    texts, labels, vectors = notes
    blend = ari(similarity_matrix(texts, vectors), labels, SUGGEST_SIMILARITY, isolated(vectors))[0]
    baseline = baseline_matrix(texts)
    assert blend > 0.12
    assert blend > ari(baseline, labels, best_threshold(baseline, labels))[0] + 0.05


def test_a_suggested_group_is_named_by_its_central_note_and_words_the_notes_wrote(notes) -> None:
    texts, _, vectors = notes
    for cluster in suggest_groups(texts, vectors):
        assert cluster.central == cluster.members[0]
        written = " ".join(texts[i].lower() for i in cluster.members)
        assert all(term in written for term in cluster.terms)


def test_notes_that_fit_nowhere_stay_loose(notes) -> None:
    texts, _, vectors = notes
    strays = ["Ma tante élève des chèvres dans le Vercors", "My cat sleeps on the piano"]
    everything = [*texts, *strays]
    clusters = suggest_groups(everything, np.vstack([vectors, embed(strays)]))
    grouped = {i for cluster in clusters for i in cluster.members}
    assert grouped.isdisjoint({len(texts), len(texts) + 1})
    assert len(grouped) > 0.8 * len(texts)


def test_seeded_grouping_places_most_notes_in_their_theme(notes) -> None:
    texts, labels, vectors = notes
    assert seeded_accuracy(similarity_matrix(texts, vectors), labels, rounds=5) > 0.28


def test_the_loose_notes_offered_to_a_group_are_mostly_of_its_theme(notes) -> None:
    texts, labels, vectors = notes
    group = [i for i, label in enumerate(labels) if label == 0][:3]
    rest = [i for i in range(len(texts)) if i not in group]
    offered = nearest_to_group(texts, vectors, group, rest, limit=6)
    assert offered
    assert sum(labels[n.index] == 0 for n in offered) >= len(offered) / 2
    assert [n.score for n in offered] == sorted((n.score for n in offered), reverse=True)


def test_duplicates_are_found_with_almost_no_false_flag_on_same_theme_pairs(notes) -> None:
    texts, labels, _ = notes
    found = pairs(texts, labels)
    report = duplicate_report(found, duplicate_scores(found, baseline=False))
    assert report["f1"] >= 0.85
    flagged, negatives = report["false_flags"].split()[0].split("/")
    assert int(flagged) <= 0.005 * int(negatives)


def test_a_trivial_edit_is_a_duplicate_and_the_note_itself_is_not_compared() -> None:
    earlier = ["Trop de réunions sans ordre du jour", "Le parking est plein"]
    vectors = embed(earlier)
    new = "trop de reunions sans ordre du jour !"
    found = duplicates_of(new, embed([new])[0], earlier, vectors)
    assert [d.index for d in found] == [0]
    assert duplicates_of(new, embed([new])[0], [], np.zeros((0, 512))) == []


def test_notes_of_stop_words_alone_are_grouped_by_their_vectors() -> None:
    texts = ["a b c", "le la les", "the of", "123"]
    clusters = suggest_groups(texts, embed(texts))
    assert all(len(cluster.members) >= 2 for cluster in clusters)
