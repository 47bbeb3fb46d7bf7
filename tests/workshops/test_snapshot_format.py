"""The format summary screens receive: card phases name their slots, in both languages."""

from __future__ import annotations


def phases_of(screen) -> dict[str, dict]:
    return {phase["key"]: phase for phase in screen.join_ack["snapshot"]["format"]["phases"]}


def test_the_strategies_phase_names_the_tows_quadrants(create_workshop, screens):
    phases = phases_of(screens(create_workshop("swot")))
    quadrants = phases["strategies"]["slots"]["strategy"]
    assert [slot["key"] for slot in quadrants] == ["SO", "ST", "WO", "WT"]
    assert quadrants[0]["label"] == {
        "fr": "Forces × Opportunités",
        "en": "Strengths × Opportunities",
    }
    assert quadrants[0]["hint"]["en"] == "Use strengths to seize opportunities"
    assert list(phases["roadmap"]["slots"]) == ["roadmap"]
    assert [slot["key"] for slot in phases["roadmap"]["slots"]["roadmap"]] == [
        "now",
        "next",
        "later",
    ]
    assert phases["roadmap"]["slots"]["roadmap"][0]["hint"] is None


def test_the_canvas_phase_names_its_fields(create_workshop, screens):
    phases = phases_of(screens(create_workshop("reset_day")))
    fields = phases["canvas"]["slots"]["canvas"]
    assert [slot["key"] for slot in fields] == [
        "diagnostic",
        "impact",
        "actors",
        "levers",
        "evaluation",
    ]


def test_phases_without_cards_have_no_slots(create_workshop, screens):
    phases = phases_of(screens(create_workshop("brainstorm")))
    assert all(phase["slots"] == {} for phase in phases.values())
