"""A real archive, mutated at random (seeded): values of another type, keys dropped or
unknown, huge strings, references to nothing or to the wrong kind, nested garbage,
rows twice. Whatever arrives, the import answers 422 (or 413) with a message and changes
nothing, or imports a workshop that its screens and exports can show — never a 500."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest

from .archives import counts, imported_id

CASES = 30
ODD_VALUES: list[Any] = [None, True, 0, -1, 2**70, 1.5, "", "x", [], {}, [[[]]], {"a": {"b": []}}]
WRONG_REFS = ["p0", "g999", "n-1", "c1", "x1", "p1 ", "N1", "n1\u0000"]


def places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path in the archive's tree, the root's children first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index)
            yield from places(value, (*path, index))


def parent_of(archive: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        archive = archive[part]
    return archive


def nested(depth: int) -> Any:
    value: Any = "fond"
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


def mutate(archive: dict[str, Any], chance: random.Random) -> str:
    """Change one place of the archive; says what it did."""
    path = chance.choice(list(places(archive)))
    parent, key = parent_of(archive, path), path[-1]
    value = parent[key]
    kind = chance.choice(["retype", "drop", "unknown", "huge", "reference", "garbage", "twice"])
    if kind == "retype":
        parent[key] = chance.choice([v for v in ODD_VALUES if type(v) is not type(value)])
    elif kind == "drop":
        del parent[key]
    elif kind == "unknown" and isinstance(value, dict):
        value["surprise"] = chance.choice(ODD_VALUES)
    elif kind == "huge":
        parent[key] = "é" * 300_000
    elif kind == "reference":
        parent[key] = chance.choice(WRONG_REFS)
    elif kind == "garbage":
        parent[key] = nested(chance.randint(5, 200))
    elif kind == "twice" and isinstance(parent, list):
        parent.append(copy.deepcopy(value))
    else:
        parent[key] = None
    return f"{kind} at {'.'.join(map(str, path))}"


@pytest.mark.parametrize("seed", range(CASES))
def test_a_mutated_archive_is_refused_cleanly_or_imported_whole(
    archive, send, staff, download, seed
):
    chance = random.Random(seed)
    mutated = copy.deepcopy(archive)
    done = [mutate(mutated, chance) for _ in range(chance.randint(1, 3))]
    before = counts()
    response = send(json.dumps(mutated).encode())
    assert response.status_code in (302, 413, 422), (done, response.status_code)
    if response.status_code == 302:
        new_id = imported_id(response)
        assert counts()[0] == before[0] + 1
        assert staff.get(f"/workshops/{new_id}/control").status_code == 200, done
        assert staff.get(f"/workshops/{new_id}/export.md").status_code == 200, done
        return
    error = response.get_json()["error"]
    assert error["message"], done
    if response.status_code == 422:
        assert error["code"] == "invalid"
        assert error["fields"], done
    assert counts() == before, done
