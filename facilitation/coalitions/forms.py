"""Between the coalition form's fields (one line per actor, step or indicator) and the
schema's structured values."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from .models import Coalition

SEPARATOR = " — "


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _split(line: str) -> tuple[str, str]:
    for separator in (SEPARATOR, " - ", " | "):
        if separator in line:
            first, rest = line.split(separator, 1)
            return first.strip(), rest.strip()
    return line, ""


def from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The raw payload CoalitionInputSchema checks."""
    actors = []
    for line in _lines(form.get("actors", "")):
        name, role = _split(line)
        person = name.startswith("@")
        actors.append(
            {
                "name": name.lstrip("@").strip(),
                "role": role,
                "kind": "person" if person else "organisation",
            }
        )
    return {
        "title": form.get("title", ""),
        "diagnostic": form.get("diagnostic", ""),
        "impact": form.get("impact", ""),
        "impact_date": form.get("impact_date") or None,
        "actors": actors,
        "levers": form.get("levers", ""),
        "path": [
            dict(zip(("step", "when"), _split(line), strict=True))
            for line in _lines(form.get("path", ""))
        ],
        "evaluation": form.get("evaluation", ""),
        "indicators": _lines(form.get("indicators", "")),
        "themes": [theme.strip() for theme in form.get("themes", "").split(",") if theme.strip()],
        "qualities": form.getlist("qualities"),
        "status": form.get("status", "draft"),
    }


def to_form(coalition: Coalition | None) -> dict[str, Any]:
    """The form's initial values."""
    if coalition is None:
        return {"qualities": [], "status": "draft"}
    return {
        "title": coalition.title,
        "diagnostic": coalition.diagnostic,
        "impact": coalition.impact,
        "impact_date": coalition.impact_date.isoformat() if coalition.impact_date else "",
        "actors": "\n".join(
            ("@" if actor.get("kind") == "person" else "")
            + actor["name"]
            + (SEPARATOR + actor["role"] if actor.get("role") else "")
            for actor in coalition.actors
        ),
        "levers": coalition.levers,
        "path": "\n".join(
            step["step"] + (SEPARATOR + step["when"] if step.get("when") else "")
            for step in coalition.path
        ),
        "evaluation": coalition.evaluation,
        "indicators": "\n".join(coalition.indicators),
        "themes": ", ".join(coalition.themes),
        "qualities": coalition.qualities,
        "status": coalition.status,
    }
