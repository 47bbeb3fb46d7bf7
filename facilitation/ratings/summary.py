"""What a criterion's answers come to: how many gave each point of the scale, the median
and the spread between the quartiles (inclusive method: the median of each half, the
middle value in both when the count is odd)."""

from __future__ import annotations

import statistics
from typing import Any


def summarise(values: list[int], low: int, high: int) -> dict[str, Any]:
    """``values``: every answer given; the distribution runs over the whole scale."""
    distribution = [values.count(point) for point in range(low, high + 1)]
    if not values:
        return {"n": 0, "distribution": distribution, "median": None, "q1": None, "q3": None}
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = median = q3 = float(ordered[0])
    else:
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return {
        "n": len(values),
        "distribution": distribution,
        "median": round(float(median), 2),
        "q1": round(float(q1), 2),
        "q3": round(float(q3), 2),
    }
