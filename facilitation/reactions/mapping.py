"""The opinion map computed in a process of its own: ``python -m facilitation.reactions.mapping``.

The serving process (services.compute) reads the answers and the notes shown, and asks
this process for the map (facilitation/children.py: one kept per serving process,
started by the first reveal). Here the maths (opinions/maths.py) holds nothing of the
live channel's: its k-means and silhouettes are pure computation that would hold the
serving process's GIL, and its first run imports scikit-learn and SciPy. One order per
line: ``{"answers": [[participant, note, value], …], "shown": [note, …]}`` → the map
as stored (``build``). No database, no network.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

from ..children import Child, ChildUnavailable, one_per_process

if TYPE_CHECKING:
    from ..opinions.maths import Placement


class MappingUnavailable(ChildUnavailable):
    """The opinion map's process failed or ended; the next reveal starts a new one."""


class Mapper(Child):
    unavailable = MappingUnavailable

    def __init__(self) -> None:
        super().__init__("facilitation.reactions.mapping")


mapper = one_per_process(Mapper)


def compute(answers: list[list[int]], shown: list[int]) -> dict[str, Any]:
    """The map as stored, computed in this serving process's mapping process."""
    return dict(mapper().ask({"answers": answers, "shown": shown})["map"])


def warm() -> None:
    """Start the mapping process, and its maths's imports, in the background, if it is
    not running: a room answering now will want its map soon, and the first map of a
    process costs 1.4 s more than the next ones (docs/performance.md)."""
    child = mapper()
    if child.process is not None and child.process.poll() is None:
        return

    def start() -> None:
        with contextlib.suppress(ChildUnavailable):  # a reveal starts it again, or says why
            child.ask({"answers": [], "shown": [1, 2]})

    threading.Thread(target=start, daemon=True).start()


def build(answers: list[list[int]], shown: list[int]) -> dict[str, Any]:
    """The room's opinion map as stored: notes by id, participants as anonymous dots."""
    from ..opinions import maths

    votes, people, items = maths.matrix_of(
        ((participant, note, value) for participant, note, value in answers), shown
    )
    found = maths.opinion_map(votes, people, items)
    if not found.enough:
        return {"enough": False, "reason": found.reason, "participants": int(found.qualified)}
    dots = sorted(
        (_dot(placed) for placed in found.participants),
        key=lambda dot: (dot["group"], dot["x"], dot["y"]),
    )  # in no participant's order: the dots name nobody
    return {
        "enough": True,
        "participants": int(found.qualified),
        "clear": found.clear,
        "groups": [
            {
                "id": index,
                "members": int(group.members),
                "representative": [
                    {"note_id": r.item, "side": r.side, "rate": round(float(r.rate), 4)}
                    for r in group.representative
                ],
            }
            for index, group in enumerate(found.groups)
        ],
        "consensus": [
            {
                "note_id": c.item,
                "score": round(float(c.score), 4),
                "agree_rates": _rates(c.agree_rates),
            }
            for c in found.consensus
        ],
        "divisive": [
            {
                "note_id": d.item,
                "agree_rates": _rates(d.agree_rates),
                "most": int(d.most),
                "least": int(d.least),
            }
            for d in found.divisive
        ],
        "dots": dots,
    }


def _dot(placed: Placement) -> dict[str, Any]:
    x, y = round(float(placed.x), 4), round(float(placed.y), 4)
    return {"x": x, "y": y, "group": int(placed.group)}


def _rates(rates: tuple[float | None, ...]) -> list[float | None]:
    return [None if rate is None else round(float(rate), 4) for rate in rates]


def handle(order: dict[str, Any]) -> dict[str, Any]:
    return {"map": build(order["answers"], order["shown"])}


if __name__ == "__main__":
    from ..children import serve

    serve(handle)
