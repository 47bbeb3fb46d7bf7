"""What an opinion map costs: facilitation/opinions/maths.py on rooms of known size.

One command::

    .venv/bin/python -m benchmarks.opinions [--repeat 3] [--json]

Rooms of 200 and 2,000 participants × 100 items, three camps with a third of their
votes random and half of the items unseen by each participant; and 12 × 10 (issue 12's
browser room: twelve phones, ten notes), two camps, every note seen. Reported,
median of ``--repeat``: wall and processor time of ``opinion_map`` and of its two heavy
steps, the projection (PCA) and the clustering (k-means for each k, the silhouette of
each); and the groups found, to show the room was mapped as built. Then the map as the
app computes it on a reveal, in its own process (facilitation/reactions/mapping.py): the
first reveal of a serving process (the process started, the maths imported) and the
next ones (the answers sent down the pipe, the map sent back), wall time as the serving
process waits for it — its loop serves the room meanwhile.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from facilitation.opinions import maths
from facilitation.reactions import mapping

SIZES = ((12, 10), (200, 100), (2000, 100))


def room(
    participants: int, items: int, camps: int = 3, unseen: float = 0.5, seed: int = 0
) -> np.ndarray:
    """Camps that each agree with their own block of items; noise 1/3, a share unseen."""
    rng = np.random.default_rng(seed)
    camp = np.arange(participants) % camps
    block = np.arange(items) * camps // items
    votes = np.where(camp[:, None] == block[None, :], 1.0, -1.0)
    random = rng.random(votes.shape) < 1 / 3
    votes[random] = rng.choice([-1.0, 0.0, 1.0], random.sum())
    votes[rng.random(votes.shape) < unseen] = np.nan
    return votes


def timed(work, repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return round(statistics.median(walls), 3), round(statistics.median(cpus), 3)


def measure(participants: int, items: int, repeat: int) -> dict[str, object]:
    small = participants < 50  # twelve phones, two camps, every note seen
    votes = room(participants, items, camps=2 if small else 3, unseen=0.0 if small else 0.5)
    result = maths.opinion_map(votes)
    rows, _ = maths.in_conversation(votes)
    positions = maths.project(votes[rows])
    wall, cpu = timed(lambda: maths.opinion_map(votes), repeat)
    project_wall, _ = timed(lambda: maths.project(votes[rows]), repeat)
    cluster_wall, _ = timed(lambda: maths.cluster(positions), repeat)
    return {
        "room": f"{participants} x {items}",
        "wall s": wall,
        "cpu s": cpu,
        "projection s": project_wall,
        "clustering s": cluster_wall,
        "groups": [g.members for g in result.groups],
        "silhouette": round(result.silhouette or 0.0, 2),
        "consensus": len(result.consensus),
        "divisive": len(result.divisive),
    }


def answers_of(votes: np.ndarray) -> list[list[int]]:
    """The stored answers of a room: (participant, note, value), unseen left out."""
    seen = np.argwhere(~np.isnan(votes))
    return [[int(i), int(j), int(votes[i, j])] for i, j in seen]


def in_its_process(participants: int, items: int, repeat: int) -> dict[str, object]:
    answers, shown = answers_of(room(participants, items)), list(range(items))
    mapper = mapping.Mapper()
    try:
        start = time.perf_counter()
        found = mapper.ask({"answers": answers, "shown": shown})["map"]
        first = time.perf_counter() - start
        walls = []
        for _ in range(repeat):
            start = time.perf_counter()
            mapper.ask({"answers": answers, "shown": shown})
            walls.append(time.perf_counter() - start)
    finally:
        mapper.stop()
    return {
        "room": f"{participants} x {items}, on reveal in its own process",
        "first reveal s": round(first, 3),
        "next reveals s": round(statistics.median(walls), 3),
        "groups": [group["members"] for group in found.get("groups", [])],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    maths.opinion_map(room(60, 20))  # imports and first calls out of the figures
    report = [measure(p, i, args.repeat) for p, i in SIZES]
    report += [in_its_process(p, i, args.repeat) for p, i in SIZES[1:]]
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for line in report:
        print("  ".join(f"{key}: {value}" for key, value in line.items()))


if __name__ == "__main__":
    main()
