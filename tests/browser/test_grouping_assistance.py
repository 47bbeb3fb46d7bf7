"""Grouping assistance on the control page, at 1366×768, on a server that computes each
posted note's vector (NOTE_VECTORS on): a SWOT of 60 notes in French and English; a
phone posts a note that repeats another, the control page flags it and merges it in one
action; in the grouping phase the facilitator asks for suggested groups of one quadrant,
edits one, accepts two, rejects one; then puts a note into a new group and takes the
loose notes offered to join it. Nothing is grouped that the facilitator did not accept,
and every phone sees what was accepted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from facilitation.accounts.services import find_by_email
from facilitation.database import unit_of_work
from facilitation.extensions import db
from facilitation.groups.models import Group
from facilitation.notes.models import Note
from facilitation.notes.services import post_note as store_note
from facilitation.workshops.services import create_workshop, get_workshop

from ..servers import ServerProcess
from ..services import migrate
from . import crowd
from .conftest import (
    SECRET_KEY,
    Live,
    exactly,
    phone_group,
    post_note,
    run_axe,
    screenshot,
    server_app,
    sign_in,
    wait_until_sent,
)
from .swot_notes import NOTES

pytestmark = pytest.mark.browser

MODEL_MS = 120_000  # the similarity process loads its model on first use (seconds, more when busy)
REPEAT = "Pas de douche pour ceux qui viennent en vélo !"
REPEATED = "Pas de douches pour ceux qui viennent à vélo"
SEED = "A car sharing app for the whole business park"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """This module's own server, which computes each posted note's vector and checks it for
    duplicates (the other browser tests' server does not: the model takes seconds)."""
    folder = tmp_path_factory.mktemp("assist")
    instance = folder / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{folder / 'assist.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FABRIQUE_INSTANCE", str(instance))
        migrate(database_url)
    server = ServerProcess(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "FABRIQUE_INSTANCE": str(instance),
            "REDIS_URL": "",
            "HEARTBEAT_SECONDS": "1",
            "NOTE_VECTORS": "1",
        },
        folder,
        "assist",
    )
    server.start()
    yield Live(server.url, database_url, instance, server.log_path)
    server.stop()


def swot(live: Live, email: str) -> int:
    """A SWOT in its ideation phase with the 60 notes, as if posted from phones; its id."""
    with server_app(live):
        workshop = create_workshop(find_by_email(email), "swot", "Mobilités", "Venir au site", "fr")
        db.session.commit()
        workshop_id = workshop.id
    with server_app(live), unit_of_work(workshop_id):
        actor = crowd.facilitator(email, workshop_id)
        workshop = get_workshop(workshop_id)
        for area, texts in NOTES.items():
            for text in texts:
                store_note(actor, workshop, area, text, None)
    return workshop_id


def grouped(live: Live, workshop_id: int) -> dict[str, set[str]]:
    """Per group title, the texts of its notes, as the server holds them."""
    with server_app(live):
        rows = db.session.execute(
            select(Group.title, Note.text)
            .join(Note, Note.group_id == Group.id)
            .where(Group.workshop_id == workshop_id, Note.deleted_at.is_(None))
        ).all()
    found: dict[str, set[str]] = {}
    for title, text in rows:
        found.setdefault(title, set()).add(text)
    return found


def texts_of(suggestion: Locator) -> list[str]:
    return [t.strip() for t in suggestion.locator(".suggestion-note").all_inner_texts()]


def loose(page: Page, text: str) -> Locator:
    return page.locator("#loose-notes .control-note").filter(
        has=page.locator(".note-text", has_text=exactly(text))
    )


def test_suggestions_seeded_offers_and_duplicates_on_the_control_page(
    live: Live,
    facilitator_email: str,
    new_context: Callable[..., BrowserContext],
    join_on_phone: Callable[..., Page],
) -> None:
    workshop_id = swot(live, facilitator_email)
    page = new_context("desktop").new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live, facilitator_email)
    page.goto(f"{live.url}/workshops/{workshop_id}/control")
    expect(page.locator("#loose-notes .control-note")).to_have_count(60)
    expect(page.locator("#assist")).to_be_hidden()  # nothing to say in ideation yet
    code = page.locator("#control-code").inner_text().strip()

    # A phone repeats a note: the control page flags it, with the note it repeats.
    phone = join_on_phone(code)
    post_note(phone, REPEAT, "Faiblesses")
    flag = page.locator("#duplicates .duplicate")
    expect(flag).to_have_count(1, timeout=MODEL_MS)
    expect(flag).to_contain_text(REPEAT)
    expect(flag).to_contain_text(REPEATED)
    expect(loose(page, REPEAT)).to_have_class(re.compile(r"\bflagged-note\b"))
    expect(loose(page, REPEAT).locator(".badge")).to_have_text("Doublon ?")
    expect(phone.locator("#duplicates, .duplicate")).to_have_count(0)  # the phone is told nothing
    page.locator("#notes-areas .chip").filter(has_text="Faiblesses").click()
    screenshot(page, "staff/control-fr-1366x768-duplicate-flagged")
    flag.locator(".duplicate-merge").click()
    expect(loose(page, REPEAT)).to_have_count(0)
    expect(flag).to_have_count(0)
    expect(page.locator("#loose-notes .control-note")).to_have_count(15)
    with server_app(live):
        kept = db.session.scalar(select(Note).where(Note.text == REPEAT))
        original = db.session.scalar(select(Note).where(Note.text == REPEATED))
        assert kept is not None
        assert original is not None
        assert kept.merged_into_id == original.id

    # The grouping phase: suggestions for one quadrant (its chip), none applied by itself.
    page.locator("#phase-next").click()
    page.locator("#notes-areas .chip").filter(has_text="Forces").click()
    suggest = page.locator("#suggest-groups")
    expect(suggest).to_have_text("Suggérer des groupes : Forces")
    suggest.click()
    suggestions = page.locator("#suggestions > li.suggestion")
    expect(suggestions).to_have_count(4, timeout=MODEL_MS)
    expect(page.locator("#assist-status")).to_have_text("4 groupes suggérés.")
    assert grouped(live, workshop_id) == {}
    expect(page.locator("#loose-notes .control-note")).to_have_count(15)
    proposed = [texts_of(suggestions.nth(i)) for i in range(4)]
    assert all(len(notes) >= 2 for notes in proposed), proposed
    assert all(text in NOTES["strengths"] for notes in proposed for text in notes)
    for i in range(4):  # named by its most central note, which is listed first
        expect(suggestions.nth(i).locator(".suggestion-title")).to_have_text(proposed[i][0])
        expect(suggestions.nth(i).locator(".suggestion-facts")).to_contain_text("Mots clés : ")
    # Notes about nothing else stay loose rather than forced into a group.
    offered = {text for notes in proposed for text in notes}
    assert "Le restaurant d'entreprise est excellent" not in offered
    assert "Good coffee in the break room" not in offered
    screenshot(page, "staff/control-fr-1366x768-suggested-groups")

    # Edited: a note left out, renamed; then accepted.
    first = suggestions.nth(0)
    first.locator(".suggestion-edit").click()
    left_out = proposed[0][-1]
    first.locator(".suggestion-drop").filter(has_text="Retirer").last.click()
    expect(first.locator(".suggestion-note")).to_have_count(len(proposed[0]) - 1)
    first.locator(".suggestion-title-input").fill("Transports en commun")
    screenshot(page, "staff/control-fr-1366x768-suggestion-edited")
    first.locator(".suggestion-edit").click()
    expect(first.locator(".suggestion-title")).to_have_text("Transports en commun")
    first.locator(".suggestion-accept").click()
    # Two more accepted as they are, the last rejected with the keyboard.
    expect(suggestions).to_have_count(3)
    expect(suggestions.nth(0).locator(".suggestion-accept")).to_be_focused()
    suggestions.nth(0).locator(".suggestion-accept").click()
    expect(suggestions).to_have_count(2)
    suggestions.nth(0).locator(".suggestion-accept").press("Enter")
    expect(suggestions).to_have_count(1)
    wait_until_sent(page)  # the accepted groups made: their messages read out first
    suggestions.nth(0).locator(".suggestion-reject").focus()
    page.keyboard.press("Enter")
    expect(suggestions).to_have_count(0)
    expect(page.locator("#assist-status")).to_contain_text("rejetée")
    wait_until_sent(page)

    titles = [proposed[1][0], proposed[2][0]]
    expected = {
        "Transports en commun": set(proposed[0][:-1]),
        titles[0][:120]: set(proposed[1]),
        titles[1][:120]: set(proposed[2]),
    }
    assert grouped(live, workshop_id) == expected
    for text in [left_out, *proposed[3]]:
        expect(loose(page, text)).to_have_count(1)  # left out or rejected: still loose
    # Every phone sees the groups accepted, as if made by hand.
    for title in expected:
        expect(phone_group(phone, title)).to_have_count(1)
    screenshot(page, "staff/control-fr-1366x768-suggestions-accepted")

    # Seeded: a note put into a new group; the loose notes like it offered in one action.
    page.locator("#notes-areas .chip").filter(has_text="Opportunités").click()
    loose(page, SEED).click()
    page.locator("#group-title").fill("Covoiturage")
    page.locator("#group-title").press("Enter")
    offer = page.locator("#seeded")
    expect(offer.locator("input[type=checkbox]")).not_to_have_count(0, timeout=MODEL_MS)
    expect(page.locator("#seeded-title")).to_have_text(
        "Post-it non regroupés semblables à « Covoiturage » :"
    )
    offered = [t.strip() for t in offer.locator("label").all_inner_texts()]
    assert "Une application de covoiturage pour la zone" in offered, offered
    assert set(offered) <= set(NOTES["opportunities"])
    screenshot(page, "staff/control-fr-1366x768-seeded-offer")
    # A box unticked and ticked again with the keyboard: it keeps the focus.
    box = offer.locator("input[type=checkbox]").first
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_focused()
    expect(box).not_to_be_checked()
    expect(page.locator("#seeded-accept")).to_contain_text(f"Ajouter {len(offered) - 1} post-it")
    page.keyboard.press("Space")
    expect(box).to_be_focused()
    expect(page.locator("#seeded-accept")).to_contain_text(f"Ajouter {len(offered)} post-it")
    expect(offer).to_have_attribute("data-answers", "1")
    page.locator("#seeded-accept").click()
    # Joined in one action; the group grown, the notes most like it now are offered next.
    expect(offer).to_have_attribute("data-answers", "2", timeout=MODEL_MS)
    wait_until_sent(page)
    for text in offered:
        expect(offer.locator("label", has_text=exactly(text))).to_have_count(0)
    assert grouped(live, workshop_id)["Covoiturage"] == {SEED, *offered}
    expect(phone_group(phone, "Covoiturage").locator("li")).to_have_count(1 + len(offered))

    # The group's own button asks again; nothing serious for axe on the panel.
    group = page.locator(".control-group").filter(
        has=page.locator("h4", has_text=exactly("Covoiturage"))
    )
    group.locator(".group-similar").click()
    expect(page.locator("#assist-status")).not_to_be_empty()
    blocking = [v["id"] for v in run_axe(page) if v["impact"] in {"serious", "critical"}]
    assert blocking == [], blocking

    # The same page in English: the assistance speaks it too.
    english = new_context("desktop", "en-US").new_page()
    english.set_viewport_size({"width": 1366, "height": 768})
    sign_in(english, live, facilitator_email)
    english.goto(f"{live.url}/workshops/{workshop_id}/control")
    english.locator("#notes-areas .chip").filter(has_text="Threats").click()
    expect(english.locator("#assist-title")).to_have_text("Grouping assistance")
    expect(english.locator("#suggest-groups")).to_have_text("Suggest groups: Threats")
    english.locator("#suggest-groups").click()
    expect(english.locator("#suggestions > li.suggestion")).not_to_have_count(0)
    expect(english.locator("#assist-status")).to_have_text(re.compile(r"^\d+ groups suggested\.$"))
    expect(english.locator(".suggestion-accept").first).to_have_text("Accept")
    screenshot(english, "staff/control-en-1366x768-suggested-groups")
