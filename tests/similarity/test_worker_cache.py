"""The similarity process's duplicate check keeps the vectors it has seen: the serving
process sends an area's texts only, and the answer is the same as with every vector
sent."""

from __future__ import annotations

from facilitation.similarity import worker
from facilitation.similarity.encoder import embed
from facilitation.similarity.worker import digest, pack, unpack

AREA = [
    "Trop de réunions sans ordre du jour",
    "Le parking est toujours plein",
    "Des jardins partagés sur le toit",
    "Too many meetings without an agenda",  # repeats the first, in English
    "Trop de reunions sans ordre du jour !",  # repeats the first, trivially
]


def test_texts_alone_find_what_the_vectors_would_and_later_new_notes_are_not_compared():
    worker._cache.clear()
    sent = {
        digest(text): pack(vector[None, :]) for text, vector in zip(AREA, embed(AREA), strict=True)
    }
    with_vectors = worker.check(AREA, sent, [3, 4])
    # Now the process knows them all: the same order with texts alone.
    assert set(worker._cache) >= {digest(text) for text in AREA}
    texts_only = worker.check(AREA, {}, [3, 4])
    for answer in (with_vectors, texts_only):
        assert answer["new"] == [3, 4]
        # The English note repeats the first; the later copy is not held against it.
        assert [d["index"] for d in answer["duplicates"][0]] == [0]
        assert 0 in [d["index"] for d in answer["duplicates"][1]]
        assert unpack(answer["vectors"]).shape == (2, 512)


def test_a_text_the_process_has_never_seen_and_was_not_sent_is_embedded():
    worker._cache.clear()
    answer = worker.check([*AREA[:2], AREA[3]], {}, [2])
    assert [[d["index"] for d in found] for found in answer["duplicates"]] == [[0]]
    assert len(worker._cache) == 3


def test_the_cache_forgets_the_least_recently_used_first(monkeypatch):
    worker._cache.clear()
    monkeypatch.setattr(worker, "CACHE_SIZE", 2)
    worker.check(AREA[:3], {}, [2])
    assert list(worker._cache) == [digest(AREA[1]), digest(AREA[2])]
