"""Interleaved runs side by side: the median of each figure per configuration, and the
server CPU per command as a ratio to the bare python-socketio server's."""

from __future__ import annotations

from statistics import median
from typing import Any

from .report import Result

# (line kind, attribute, label, unit) of the figures compared.
FIGURES = [
    ("Result", "server_ms_per_note", "ms/note", ""),
    ("Result", "latency.p95", "note p95", "ms"),
    ("Result", "latency.p99", "note p99", "ms"),
    ("ChangeResult", "all_ready_s", "all in voting", "s"),
    ("VoteResult", "server_ms_per_vote", "ms/vote", ""),
    ("VoteResult", "latency.p95", "vote p95", "ms"),
    ("VoteResult", "latency.p99", "vote p99", "ms"),
    ("Plenary", "lost", "lost", ""),
    ("JoinResult", "all_joined_s", "all joined", "s"),
    ("SnapshotResult[phone]", "server_ms_per_snapshot", "ms/phone snapshot", ""),
    ("SnapshotResult[board]", "server_ms_per_snapshot", "ms/board snapshot", ""),
]
RATIOS = {"server_ms_per_note", "server_ms_per_vote", "server_ms_per_snapshot"}


def _value(line: Any, attribute: str) -> float | None:
    name, _, key = attribute.partition(".")
    value = getattr(line, name, None)
    return value.get(key) if key and isinstance(value, dict) else value


def _kind(line: Any) -> str:
    role = getattr(line, "role", None)
    return type(line).__name__ + (f"[{role}]" if role else "")


def _medians(runs: list[list[Any]]) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], list[float]] = {}
    for lines in runs:
        for line in lines:
            for kind, attribute, _, _ in FIGURES:
                value = _value(line, attribute) if _kind(line) == kind else None
                if value is not None:
                    found.setdefault((kind, attribute), []).append(float(value))
    return {key: median(values) for key, values in found.items()}


def comparison(runs: list[tuple[str, list[Any]]]) -> str:
    """One line per configuration (mode, phones, note rate): medians over its runs."""
    by_config: dict[str, list[list[Any]]] = {}
    for mode, lines in runs:
        first = lines[0] if lines else None
        config = f"{mode} phones={getattr(first, 'phones', '?')}"
        if isinstance(first, Result):
            config += f" rate={first.rate:g}"
        by_config.setdefault(config, []).append(lines)
    medians = {config: _medians(found) for config, found in by_config.items()}
    bare = next((m for config, m in medians.items() if config.startswith("bare ")), {})
    out = ["", "comparison (medians of the interleaved runs; ratios to bare):"]
    for config, figures in medians.items():
        parts = []
        for kind, attribute, label, unit in FIGURES:
            value = figures.get((kind, attribute))
            if value is None:
                continue
            text = f"{label}={value:g}{unit}"
            reference = bare.get((kind, attribute))
            if attribute in RATIOS and reference and not config.startswith("bare "):
                text += f" ({value / reference:.1f}× bare)"
            parts.append(text)
        out.append(f"{config} ({len(by_config[config])} runs): " + " ".join(parts))
    return "\n".join(out)


def sustained(runs: list[tuple[str, list[Any]]], p99_ms: float) -> str:
    """Per mode and phones, the highest note rate held: p99 within ``p99_ms``, nothing lost,
    and the load generator not the limit (the lowest rate that failed, after it)."""
    verdicts: dict[str, list[tuple[float, bool, bool]]] = {}
    for mode, lines in runs:
        notes = next((line for line in lines if type(line).__name__ == "Result"), None)
        if notes is None:
            continue
        p99 = notes.latency.get("p99")
        held = not notes.lost and p99 is not None and p99 <= p99_ms
        bound = notes.client_bound(notes.behind)
        verdicts.setdefault(f"{mode} phones={notes.phones}", []).append((notes.rate, held, bound))
    out = ["", f"sustained notes/s (p99 ≤ {p99_ms:g} ms, nothing lost):"]
    for config, found in verdicts.items():
        held = [rate for rate, ok, bound in found if ok and not bound]
        failed = [rate for rate, ok, _ in found if not ok]
        unsure = [rate for rate, ok, bound in found if ok and bound]
        text = f"{config}: ≥ {max(held):g}" if held else f"{config}: none held"
        if failed:
            text += f", failed at {min(failed):g}"
        if unsure:
            text += f" (CLIENT-BOUND at {', '.join(f'{rate:g}' for rate in sorted(unsure))})"
        out.append(text)
    return "\n".join(out)
