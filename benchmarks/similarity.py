"""Quality and speed of the similarity engine, beside the simple baseline.

One command::

    .venv/bin/python -m benchmarks.similarity [--repeat 3] [--json]

On the labelled sets in benchmarks/similarity/ (notes.toml: notes under their theme;
duplicates.toml: pairs), for the engine's blend and for character TF-IDF alone:

* suggested groups: adjusted Rand index against the themes (the notes left loose count
  as one-note clusters), clusters proposed, notes left loose. The baseline gets its best
  threshold (swept); the blend runs with the threshold it ships with.
* seeded grouping: two notes of each theme placed (in turn: every pair of positions
  ``--seeds`` times, chosen at random with a fixed seed), each other note assigned to the
  group it is most similar to; accuracy.
* duplicates: precision, recall and F1 over the pairs marked duplicate against every
  same-theme pair (those of duplicates.toml and every pair of notes.toml within a theme);
  the false-flag rate on the same-theme pairs; recall by kind.
* timings (median of ``--repeat``): loading the model (once, first thing); embedding one
  note and 200; suggestions for 200 and 2,000 notes (vectors already stored, as in the app: built by
  repeating the labelled notes with small edits); the duplicate check of one note
  against 2,000 stored ones.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import time
import tomllib
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from facilitation.similarity import encoder, engine, lexical

HERE = Path(__file__).parent / "similarity"


def labelled() -> tuple[list[str], list[int]]:
    data = tomllib.loads((HERE / "notes.toml").read_text())
    texts, labels = [], []
    for label, group in enumerate(data["group"]):
        texts += group["notes"]
        labels += [label] * len(group["notes"])
    return texts, labels


def pairs(texts: list[str], labels: list[int]) -> list[tuple[str, str, str]]:
    data = tomllib.loads((HERE / "duplicates.toml").read_text())
    found = [(p["a"], p["b"], p["kind"]) for p in data["pair"]]
    for i, j in itertools.combinations(range(len(texts)), 2):
        if labels[i] == labels[j]:
            found.append((texts[i], texts[j], "same_theme"))
    return found


def baseline_matrix(texts: list[str]) -> np.ndarray:
    matrix = lexical.char_view(texts)
    return (matrix @ matrix.T).toarray()


def ari(
    similarity: np.ndarray, labels: list[int], threshold: float, loose: np.ndarray | None = None
) -> tuple[float, int, int]:
    assigned = list(range(len(labels), 2 * len(labels)))  # loose: a cluster of its own
    clusters = engine.cluster_matrix(similarity, threshold, loose)
    for number, members in enumerate(clusters):
        for index in members:
            assigned[index] = number
    loose = sum(1 for a in assigned if a >= len(labels))
    return adjusted_rand_score(labels, assigned), len(clusters), loose


def best_threshold(
    similarity: np.ndarray, labels: list[int], loose: np.ndarray | None = None
) -> float:
    grid = np.arange(0.01, 0.9, 0.01)
    return float(max(grid, key=lambda t: ari(similarity, labels, t, loose)[0]))


def seeded_accuracy(similarity: np.ndarray, labels: list[int], rounds: int) -> float:
    rng = random.Random(11)
    themes = sorted(set(labels))
    correct = total = 0
    for _ in range(rounds):
        seeds = {t: rng.sample([i for i, lab in enumerate(labels) if lab == t], 2) for t in themes}
        placed = {i for chosen in seeds.values() for i in chosen}
        for i in range(len(labels)):
            if i in placed:
                continue
            scores = {t: similarity[i, seeds[t]].mean() for t in themes}
            correct += max(scores, key=lambda t: scores[t]) == labels[i]
            total += 1
    return correct / total


def duplicate_scores(found: list[tuple[str, str, str]], baseline: bool) -> list[bool]:
    flagged = []
    if baseline:
        texts = sorted({t for a, b, _ in found for t in (a, b)})
        matrix = lexical.char_view(texts)
        where = {t: i for i, t in enumerate(texts)}
        for a, b, _ in found:
            cosine = (matrix[where[a]] @ matrix[where[b]].T).toarray()[0, 0]
            flagged.append(bool(cosine >= BASELINE_DUPLICATE))
        return flagged
    vectors = dict(zip(*_embedded({t for a, b, _ in found for t in (a, b)}), strict=True))
    for a, b, _ in found:
        flagged.append(bool(engine.duplicates_of(b, vectors[b], [a], vectors[a][None, :])))
    return flagged


def _embedded(texts: set[str]) -> tuple[list[str], np.ndarray]:
    ordered = sorted(texts)
    return ordered, encoder.embed(ordered)


# The baseline's duplicate threshold: its best F1 on the set (swept once, kept here).
BASELINE_DUPLICATE = 0.6


def duplicate_report(found: list[tuple[str, str, str]], flagged: list[bool]) -> dict:
    positive = [kind != "same_theme" for _, _, kind in found]
    tp = sum(f and p for f, p in zip(flagged, positive, strict=True))
    fp = sum(f and not p for f, p in zip(flagged, positive, strict=True))
    fn = sum(p and not f for f, p in zip(flagged, positive, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    by_kind = {}
    for kind in ("trivial", "rewording", "translation"):
        chosen = [f for f, (_, _, k) in zip(flagged, found, strict=True) if k == kind]
        by_kind[kind] = round(sum(chosen) / len(chosen), 3)
    negatives = sum(not p for p in positive)
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if tp else 0.0,
        "false_flags": f"{fp}/{negatives} ({100 * fp / negatives:.2f}%)",
        "recall_by_kind": by_kind,
    }


def _edited(text: str, rng: random.Random) -> str:
    words = text.split()
    words.insert(rng.randrange(len(words) + 1), rng.choice(["vraiment", "really", "aussi", "too"]))
    return " ".join(words)


def timings(texts: list[str], repeat: int) -> dict[str, float]:
    rng = random.Random(7)
    figures: dict[str, float] = {}
    many = [_edited(rng.choice(texts), rng) for _ in range(2000)]
    vectors = encoder.embed(many)

    def median(work) -> float:
        runs = []
        for _ in range(repeat):
            began = time.perf_counter()
            work()
            runs.append(time.perf_counter() - began)
        return statistics.median(runs)

    figures["embed 1 note (ms)"] = round(1000 * median(lambda: encoder.embed([many[0]])), 1)
    figures["embed 200 notes (s)"] = round(median(lambda: encoder.embed(many[:200])), 3)
    for n in (200, 2000):
        run = median(lambda n=n: engine.suggest_groups(many[:n], vectors[:n]))
        figures[f"suggest {n} notes (s)"] = round(run, 3)
    check = median(lambda: engine.duplicates_of(many[0], vectors[0], many[1:], vectors[1:]))
    figures["duplicate check vs 2000 (ms)"] = round(1000 * check, 1)
    group = list(range(5))
    seeded = median(
        lambda: engine.nearest_to_group(many[:200], vectors[:200], group, range(5, 200))
    )
    figures["seeded neighbours, 200 notes (ms)"] = round(1000 * seeded, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    encoder.embed(["load"])
    loading = round(time.perf_counter() - start, 2)
    texts, labels = labelled()
    vectors = encoder.embed(texts)
    loose = engine.isolated(vectors)
    blend = engine.similarity_matrix(texts, vectors)
    baseline = baseline_matrix(texts)
    base_t = best_threshold(baseline, labels)
    found = pairs(texts, labels)
    report = {"notes": len(texts), "themes": len(set(labels)), "pairs": len(found)}
    for name, matrix, threshold, isolated, is_baseline in (
        ("blend", blend, engine.SUGGEST_SIMILARITY, loose, False),
        ("char TF-IDF", baseline, base_t, None, True),
    ):
        score, clusters, left = ari(matrix, labels, threshold, isolated)
        report[name] = {
            "ARI": round(score, 3),
            "threshold": round(threshold, 2),
            "clusters": clusters,
            "loose": left,
            "seeded accuracy": round(seeded_accuracy(matrix, labels, args.seeds), 3),
            "duplicates": duplicate_report(found, duplicate_scores(found, is_baseline)),
        }
    report["blend"]["best ARI (swept)"] = round(
        ari(blend, labels, best_threshold(blend, labels, loose), loose)[0], 3
    )
    report["timings"] = {"model load (s)": loading, **timings(texts, args.repeat)}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for inner, figure in value.items():
                print(f"  {inner}: {figure}")
        else:
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
