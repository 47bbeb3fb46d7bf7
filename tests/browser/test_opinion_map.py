"""A Reset day's opinion map in real browsers: twelve people answer ten notes, agree,
disagree or pass, in two camps; the facilitator reveals the map; the board shows two
opinion groups, what brings them together and what divides them. Two of the twelve are
Chromium phones tapping the answers; the other ten answer from the live channel, as the
phone's script does.

Screens: artifacts/screenshots/flows/opinions-fr-<step>-<screen>.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import cycle

import pytest
from playwright.sync_api import Page, expect

from facilitation.database import unit_of_work
from facilitation.notes.services import post_note
from facilitation.workshops.services import get_workshop

from ..clients import LiveClient, join_as_participant
from ..reactions.camps import seat_two_camps
from .conftest import Live, Workshop, flow_shot, run_axe, server_app, wait_until_sent
from .crowd import facilitator, notes

pytestmark = pytest.mark.browser

NOTES = [  # notes 1–5: everyone agrees, some pass; 6–8 split the camps; 9–10 everyone agrees
    "Un atelier de réparation de vélos au marché",
    "Une cantine bio et locale",
    "Des jardins partagés au pied des immeubles",
    "Une ressourcerie dans l'ancienne gare",
    "Un café associatif pour les aînés",
    "Interdire les voitures dans le centre-bourg le samedi",
    "Supprimer la moitié des places de stationnement",
    "Une taxe sur les grandes surfaces de périphérie",
    "Des trajets sûrs pour les écoliers",
    "Moins de gaspillage à la cantine",
]
AGREE, DISAGREE, PASS = 1, -1, 0


def answers(camp: str, passes_on: int | None = None) -> list[int]:
    """A camp's answers to the ten notes; `passes_on` (1–5): a note this person passes on."""
    split = [DISAGREE] * 3 if camp == "A" else [AGREE] * 3
    given = [AGREE] * 5 + split + [AGREE] * 2
    if passes_on is not None:
        given[passes_on - 1] = PASS
    return given


def seed_notes(live: Live, email: str, workshop_id: int, texts: list[str]) -> list[int]:
    """The room's notes, posted through the notes service in the server's database (screens
    catch up through the heartbeat); their ids, in order."""
    with server_app(live), unit_of_work(workshop_id):
        actor = facilitator(email, workshop_id)
        workshop = get_workshop(workshop_id)
        areas = cycle(["projects", "challenges"])
        return [post_note(actor, workshop, next(areas), text, None).id for text in texts]


@pytest.fixture
def socket_phones(live: Live) -> Iterator[Callable[[str, str], LiveClient]]:
    """Phones on the live channel only: joined with a nickname, as after the QR code."""
    opened: list[LiveClient] = []

    def open_phone(code: str, nickname: str) -> LiveClient:
        compact = code.replace("-", "")
        phone = LiveClient(live.url, join_as_participant(live.url, compact, nickname)).connect()
        assert phone.join(code, "phone")["ok"]
        opened.append(phone)
        return phone

    yield open_phone
    for phone in opened:
        phone.close()


def assert_accessible(page: Page) -> None:
    """No serious or critical finding of axe-core on the page as it is now."""
    found = [v["id"] for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not found, (page.url, found)


def answer_on_phone(phone: Page, given: list[int], start: int = 1) -> None:
    """Tap the answers to notes `start`.. (1-based) in turn: the phone moves to the next
    note by itself, then says every note is answered."""
    react = phone.locator("#phone-react")
    for number in range(start, len(given) + 1):
        expect(react.locator(".react-count")).to_have_text(f"{number} sur {len(given)}")
        key = {AGREE: "agree", DISAGREE: "disagree", PASS: "pass"}[given[number - 1]]
        react.locator(f"button.react-answer.{key}").tap()
    expect(react.locator(".react-done-title")).to_have_text("Vous avez répondu à tous les post-it.")
    wait_until_sent(phone)


def test_twelve_phones_in_two_camps_give_a_map_with_consensus_and_divisive_notes(
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    socket_phones: Callable[[str, str], LiveClient],
    live: Live,
    facilitator_email: str,
) -> None:
    workshop = run_workshop(
        title="Reset Vallée", format_key="reset_day", question="Vivre mieux dans la vallée"
    )
    board, control = workshop.board, workshop.control
    alix, bao = (join_on_phone(workshop.code, nickname=name) for name in ("Alix", "Bao"))
    others = [socket_phones(workshop.code, f"Voix {n}") for n in range(10)]
    ids = seed_notes(live, facilitator_email, workshop.id, NOTES)
    expect(board.locator(".board-note")).to_have_count(10)

    workshop.next_phase("D'accord, pas d'accord")
    expect(board.locator(".board-react-hint")).to_contain_text("d'accord, pas d'accord")
    react = alix.locator("#phone-react")
    expect(react.locator(".react-count")).to_have_text("1 sur 10")
    expect(react.locator(".react-text")).to_have_text(NOTES[0])
    expect(react.locator("button.react-answer")).to_have_text(
        ["✓D'accord", "✗Pas d'accord", "…Je passe"]
    )
    flow_shot(alix, "opinions-fr-1-react-phone", full_page=True)
    assert_accessible(alix)

    # Alix answers the first note, comes back to it, changes her mind, then back again.
    react.locator("button.react-answer.disagree").tap()
    expect(react.locator(".react-count")).to_have_text("2 sur 10")
    react.locator("button", has_text="Précédent").tap()
    expect(react.locator(".react-text")).to_have_text(NOTES[0])
    expect(react.locator("button.react-answer.disagree")).to_have_attribute("aria-pressed", "true")
    expect(react.locator("button.react-answer.agree")).to_have_attribute("aria-pressed", "false")
    react.locator("button.react-answer.agree").tap()  # changed: on to the next unanswered
    expect(react.locator(".react-text")).to_have_text(NOTES[1])
    answer_on_phone(alix, answers("A"), start=2)
    answer_on_phone(bao, answers("B"))

    for index, phone in enumerate(others):
        camp = "A" if index < 5 else "B"
        for note, value in zip(ids, answers(camp, passes_on=index % 5 + 1), strict=True):
            assert phone.send("react.cast", note_id=note, value=value)["ok"]

    # The board counts, and names nobody; the control page has each note's counts.
    expect(board.locator(".board-react-number")).to_have_text("12 participants ont répondu")
    expect(board.locator(".board-react-detail")).to_have_text("120 réponses pour l'instant")
    flow_shot(board, "opinions-fr-2-progress-board")
    flow_shot(alix, "opinions-fr-2-done-phone", full_page=True)
    map_shown = react.locator(".react-map-shown")
    expect(map_shown).to_have_count(0)
    counts = control.locator(f"#react-counts li[data-note='{ids[8]}'] .react-count-numbers")
    expect(counts).to_have_text("12 / 0 / 0")
    expect(
        control.locator(f"#react-counts li[data-note='{ids[5]}'] .react-count-numbers")
    ).to_have_text("6 / 6 / 0")

    toggle = control.locator("#opinions-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    groups = board.locator(".op-group")
    expect(groups).to_have_count(2)
    expect(groups.locator(".op-group-head")).to_have_text(["A6 personnes", "B6 personnes"])
    dots = board.locator(".opinion-dot")  # people who answered alike share one, larger
    expect(dots.first).to_be_visible()
    assert sum(int(n) for n in dots.evaluate_all("(all) => all.map((d) => d.dataset.count)")) == 12
    consensus = board.locator(".op-panel.consensus .op-note")
    divisive = board.locator(".op-panel.divisive .op-note")
    expect(consensus.filter(has_text=re.compile("|".join(NOTES[8:10])))).to_have_count(2)
    expect(divisive.filter(has_text=re.compile("|".join(NOTES[5:8])))).to_have_count(3)
    expect(consensus.filter(has_text=re.compile("|".join(NOTES[5:8])))).to_have_count(0)
    expect(control.locator("#opinions-summary .opinions-groups")).to_contain_text(
        "A (6 personnes) · B (6 personnes)"
    )
    flow_shot(board, "opinions-fr-3-map-board")
    # The phones say where the map is: on the board.
    expect(map_shown).to_have_text("La carte des opinions est affichée au tableau.")
    flow_shot(alix, "opinions-fr-3-map-shown-phone", full_page=True)
    assert_accessible(board)
    control.set_viewport_size({"width": 1366, "height": 768})
    control.locator("#react-panel").scroll_into_view_if_needed()
    flow_shot(control, "opinions-fr-3-map-control")
    control.locator("#react-counts").scroll_into_view_if_needed()
    flow_shot(control, "opinions-fr-3-counts-control")
    assert_accessible(control)

    # Hidden again: the board is back to the counts.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(board.locator(".board-react-number")).to_have_text("12 participants ont répondu")
    expect(map_shown).to_have_count(0)

    # Revealed again, the map stays on the board while the workshop moves on, for as long
    # as the facilitator keeps it there.
    on_board = control.locator("#opinions-board")
    expect(on_board).to_be_hidden()  # nothing to show while the map is hidden
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    workshop.next_phase("Coalitions candidates")
    expect(groups).to_have_count(0)
    expect(board.locator(".board-note").first).to_be_visible()
    expect(on_board).to_have_text("Afficher la carte au tableau")
    on_board.click()
    expect(on_board).to_have_attribute("aria-pressed", "true")
    expect(groups).to_have_count(2)
    expect(board.locator("#board-phase")).to_have_text("Coalitions candidates")
    flow_shot(board, "opinions-fr-6-map-kept-board")
    on_board.click()
    expect(on_board).to_have_text("Afficher la carte au tableau")
    expect(groups).to_have_count(0)


HUNDRED = {  # locale: (the workshop's language, the react phase, answered)
    "fr-FR": ("fr", "D'accord, pas d'accord", "14 participants ont répondu"),
    "en-GB": ("en", "Agree, disagree", "14 participants have answered"),
}


@pytest.mark.parametrize("locale", list(HUNDRED))
def test_the_map_of_a_hundred_notes_stays_readable_on_the_projector(
    run_workshop: Callable[..., Workshop], live: Live, facilitator_email: str, locale: str
) -> None:
    """Fourteen people in two camps over a hundred notes: the lists show what fits at the
    readable size ("and 80 more"), never smaller type, and the board never scrolls."""
    language, phase, answered = HUNDRED[locale]
    workshop = run_workshop(
        locale=locale, title="Reset Vallée", format_key="reset_day", language=language
    )
    ids = seed_notes(live, facilitator_email, workshop.id, notes(language, 100))
    workshop.next_phase(phase)
    with server_app(live):
        seat_two_camps(workshop.id, ids[:40], ids[40:70], ids[70:])
    board = workshop.board
    # 1,400 answers stored at once: the board catches up on as many events.
    expect(board.locator(".board-react-number")).to_have_text(answered, timeout=30_000)
    workshop.control.locator("#opinions-toggle").click()
    expect(board.locator(".op-group")).to_have_count(2)
    expect(board.locator(".op-panel.consensus .board-more")).to_be_visible()
    sizes = board.evaluate(
        """() => [...document.querySelectorAll('.op-panel:not(.map)')]
            .map((panel) => parseFloat(getComputedStyle(panel).getPropertyValue('--fs')))"""
    )
    assert min(sizes) >= 24, sizes
    flow_shot(board, f"opinions-{language}-4-hundred-notes-board")


def test_answers_given_offline_wait_on_the_phone_and_count_once_back_online(
    run_workshop: Callable[..., Workshop],
    join_on_phone: Callable[..., Page],
    live: Live,
    facilitator_email: str,
) -> None:
    workshop = run_workshop(title="Reset Vallée", format_key="reset_day")
    phone = join_on_phone(workshop.code, nickname="Alix")
    ids = seed_notes(live, facilitator_email, workshop.id, NOTES[:4])
    workshop.next_phase("D'accord, pas d'accord")
    react = phone.locator("#phone-react")
    expect(react.locator(".react-count")).to_have_text("1 sur 4")

    phone.context.set_offline(True)
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "offline")
    for key in ("agree", "disagree", "pass"):
        react.locator(f"button.react-answer.{key}").tap()
    react.locator("button", has_text="Précédent").tap()  # the third: pass, then agree
    expect(react.locator("button.react-answer.pass")).to_have_attribute("aria-pressed", "true")
    expect(react.locator(".react-status")).to_have_text("Envoi…")
    react.locator("button.react-answer.agree").tap()
    # Four taps, three notes: the phone counts what it will say, not what it tapped.
    expect(phone.locator("#phone-banner")).to_contain_text("En attente d'envoi : 3 réponses.")
    flow_shot(phone, "opinions-fr-5-offline-phone", full_page=True)

    phone.context.set_offline(False)
    expect(phone.locator("#phone-connection")).to_have_attribute("data-status", "online")
    expect(phone.locator("#phone-banner")).to_be_hidden()
    numbers = workshop.control.locator("#react-counts .react-count-numbers")
    expect(numbers).to_have_text(["1 / 0 / 0", "0 / 1 / 0", "1 / 0 / 0", "0 / 0 / 0"])
    expect(workshop.board.locator(".board-react-detail")).to_have_text("3 réponses pour l'instant")
    expect(
        workshop.control.locator(f"#react-counts li[data-note='{ids[2]}'] .react-count-numbers")
    ).to_have_text("1 / 0 / 0")
