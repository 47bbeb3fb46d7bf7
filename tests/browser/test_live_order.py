"""The live channel in the browser keeps each item at its newest state, whatever order
the events arrive in: two processes publish through Redis, so a later number can come
first. Driven here through live.js's own receive(), as the socket would call it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext

from .conftest import Live

pytestmark = pytest.mark.browser

RECEIVE = """async ([role, batches]) => {
  const { Live } = await import("/static/js/live.js");
  const live = new Live({ code: "ORDER1", role });
  for (const batch of batches) live.receive(batch);
  return [...live.state.notes.keys()];
}"""


def note(seq: int, text: str) -> dict:
    data = {"id": 7, "area": "ideas", "text": text, "seq": seq, "hidden": False}
    return {"seq": seq, "type": "note.updated", "audience": "all", "data": data, "at": ""}


def deleted(seq: int) -> dict:
    return {"seq": seq, "type": "note.deleted", "audience": "all", "data": {"id": 7}, "at": ""}


@pytest.mark.parametrize("role", ["phone", "board"])
def test_a_deleted_note_stays_deleted_when_an_older_edit_arrives_after(
    role: str, live: Live, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context("desktop").new_page()
    page.goto(f"{live.url}/")
    posted = {**note(1, "Une idée"), "type": "note.posted"}

    kept = page.evaluate(RECEIVE, [role, [[posted], [deleted(3)], [note(2, "Corrigée")]]])

    assert kept == []


def test_a_note_edited_after_its_deletion_was_replayed_is_still_shown_when_newer(
    live: Live, new_context: Callable[..., BrowserContext]
) -> None:
    """Only an older state is refused: a newer one (a note put back) shows."""
    page = new_context("desktop").new_page()
    page.goto(f"{live.url}/")
    posted = {**note(1, "Une idée"), "type": "note.posted"}

    kept = page.evaluate(RECEIVE, ["phone", [[posted], [deleted(2)], [note(3, "Revenue")]]])

    assert kept == [7]
