"""The phase rules have one home that no feature is imported into: rules.py imports no
feature, and workshops/services.py — which every feature imports for the workshop and its
state — imports none either, at the top or inside a function. Features contribute to
the workshop's state through rules.py's registries instead."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import facilitation

PACKAGE = Path(facilitation.__file__).parent
# The features: the packages with services of their own.
FEATURES = sorted(path.parent.name for path in PACKAGE.glob("*/services.py"))
# The tables the rules read: a model imports no service.
KERNEL_MAY_LOAD = {"facilitation.workshops", "facilitation.workshops.models"}


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def imports_of(path: Path, package: str, root: Path) -> list[tuple[str, bool]]:
    """The facilitation modules a file imports, each with whether the import sits inside
    a function (run when called, where a ring hides from import order)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {id(child) for child in ast.walk(node) if child is not node}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            names = [
                f"{base}.{alias.name}" if _is_module(root, f"{base}.{alias.name}") else base
                for alias in node.names
            ]
        else:
            continue
        found += [(name, id(node) in inside) for name in names if name.startswith("facilitation")]
    return found


def _is_module(root: Path, name: str) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules it imports, wherever the import statement sits."""
    graph = {}
    for path in (root / "facilitation").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        package = module if is_package else module.rpartition(".")[0]
        graph[module] = {name for name, _ in imports_of(path, package, root)}
    return graph


def reached(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for module in graph.get(todo.pop(), ()):
            if module not in seen:
                seen.add(module)
                todo.append(module)
    return seen


def test_the_phase_rules_reach_no_feature():
    graph = import_graph(PACKAGE.parent)
    features = {module for module in reached(graph, "facilitation.rules") if feature_of(module)}
    assert features <= KERNEL_MAY_LOAD, features - KERNEL_MAY_LOAD


def test_loading_the_phase_rules_loads_no_feature():
    """In a fresh interpreter: what importing the rules actually loads."""
    script = (
        "import sys, facilitation.rules\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('facilitation')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "facilitation.rules" in loaded
    features = {module for module in loaded if feature_of(module)}
    assert features <= KERNEL_MAY_LOAD, features - KERNEL_MAY_LOAD


def test_workshops_import_no_other_feature():
    """workshops/services.py is what every feature imports for its workshop: it imports
    no feature back (another feature's tables aside), not even inside a function, so no
    ring goes through it."""
    graph = import_graph(PACKAGE.parent)
    module = "facilitation.workshops.services"
    assert module not in reached(graph, module)
    others = {
        name
        for name in reached(graph, module)
        if feature_of(name) not in (None, "workshops") and not name.endswith(".models")
    }
    assert others == set()


def test_neither_the_rules_nor_workshops_import_a_feature_inside_a_function():
    """An import inside a function is how a ring hides from import order: the rules and
    the workshop's modules (its socket edge imports features for snapshots) say theirs
    at the top."""
    places = [("facilitation", PACKAGE / "rules.py")]
    places += [("facilitation.workshops", path) for path in (PACKAGE / "workshops").glob("*.py")]
    late = [
        (path.name, name)
        for package, path in places
        for name, nested in imports_of(path, package, PACKAGE.parent)
        if nested and feature_of(name)
    ]
    assert late == []


def test_every_feature_adds_its_share_to_the_workshop_state(workshop, screens, control):
    """What votes, groups and syntheses register reaches every screen, in the snapshot
    and in each announcement alike."""
    shares = {"vote_rules", "canvas_groups", "synthesis_url"}
    phone = screens(workshop)
    assert shares <= phone.join_ack["snapshot"]["workshop"].keys()
    control.send("workshop.lock", locked=True)
    assert shares <= phone.events()[-1]["data"].keys()


@pytest.fixture
def ring(tmp_path):
    """A package where a shared module imports a feature inside a function, and the
    feature imports it back: the ring this file's checks are there to find."""
    root = tmp_path / "facilitation"
    for package in ("workshops", "votes"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "workshops" / "services.py").write_text(
        "def state(workshop):\n    from ..votes.services import active_rules\n"
    )
    (root / "votes" / "services.py").write_text("from ..workshops.services import state\n")
    return tmp_path


def test_the_checks_find_a_ring(ring):
    graph = import_graph(ring)
    assert "facilitation.workshops.services" in reached(graph, "facilitation.workshops.services")
    path = ring / "facilitation" / "workshops" / "services.py"
    assert imports_of(path, "facilitation.workshops", ring) == [
        ("facilitation.votes.services", True)
    ]
