"""A phone's own notes and cards stay its own (marked as its own, editable) whatever comes
first: its command's ack, the item's event (which marks nothing: it goes to the whole
room), or a snapshot read before the item was made. Driven through live.js's own
functions, as the socket would call them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext

from .conftest import Live

pytestmark = pytest.mark.browser

# A phone whose view is being fetched after a phase change (events wait, acks are kept),
# meanwhile its card is acknowledged and the card's event arrives; then the view, read
# before the card, is applied.
DURING_A_VIEW = """async ([kind, order]) => {
  const { Live } = await import("/static/js/live.js");
  const live = new Live({ code: "MINE01", role: "phone" });
  const [name, collection] = kind === "card" ? ["card.add", "cards"] : ["note.post", "notes"];
  const item = { id: 41, text: "La mienne", seq: 11, group_id: null, area: "ideas", slot: "a" };
  const event = { seq: 11, type: kind === "card" ? "card.saved" : "note.posted", audience: "all",
                  data: { ...item }, at: "" };
  const command = { name, payload: { command_id: "c41" } };
  live.holding = true; live.early = []; live.acksSince = [];
  for (const step of order) {
    if (step === "ack") live.settle(command, { ok: true, data: { [kind]: { ...item } } });
    else live.receive([event]);
  }
  const snapshot = { head: 10, public_head: 10, workshop: {}, format: {}, notes: [], groups: [],
                     cards: [], participants: 1, me: {}, next: null };
  await live.catchUp({ snapshot }, live.generation);
  const kept = live.state[collection].get(41);
  return kept ? { mine: Boolean(kept.mine), text: kept.text } : null;
}"""

# A phone posts a note and deletes it while its join is answered: the snapshot, read
# after both, holds neither, and the note must not come back from the post's ack.
GONE_BEFORE_THE_SNAPSHOT = """async () => {
  const { Live } = await import("/static/js/live.js");
  const live = new Live({ code: "MINE03", role: "phone" });
  const note = { id: 43, area: "ideas", text: "Retirée", seq: 11, hidden: false };
  live.holding = true; live.early = []; live.acksSince = [];
  const post = { name: "note.post", payload: { command_id: "p43" } };
  const removal = { name: "note.delete", payload: { command_id: "d43" } };
  live.settle(post, { ok: true, data: { note } });
  live.settle(removal, { ok: true, data: { id: 43 } });
  live.receive([{ seq: 11, type: "note.posted", audience: "all", data: note, at: "" },
                { seq: 12, type: "note.deleted", audience: "all", data: { id: 43 }, at: "" }]);
  const snapshot = { head: 12, public_head: 12, workshop: {}, format: {}, notes: [], groups: [],
                     cards: [], participants: 1, me: {}, next: null };
  await live.catchUp({ snapshot }, live.generation);
  return live.state.notes.has(43);
}"""

# No snapshot: the item's event reaches the phone before its own ack, or after it.
LIVE = """async ([kind, order]) => {
  const { Live } = await import("/static/js/live.js");
  const live = new Live({ code: "MINE02", role: "phone" });
  const [name, collection] = kind === "card" ? ["card.add", "cards"] : ["note.post", "notes"];
  const item = { id: 42, text: "La mienne", seq: 1, group_id: null, area: "ideas", slot: "a" };
  const event = { seq: 1, type: kind === "card" ? "card.saved" : "note.posted", audience: "all",
                  data: { ...item }, at: "" };
  const command = { name, payload: { command_id: "c42" } };
  for (const step of order) {
    if (step === "ack") live.settle(command, { ok: true, data: { [kind]: { ...item } } });
    else live.receive([event]);
  }
  return Boolean(live.state[collection].get(42)?.mine);
}"""


@pytest.mark.parametrize("kind", ["note", "card"])
@pytest.mark.parametrize(
    "order", [["ack", "event"], ["event", "ack"]], ids=["ack first", "event first"]
)
def test_an_item_made_while_a_view_is_fetched_stays_the_phone_s_own(
    kind: str, order: list[str], live: Live, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context("desktop").new_page()
    page.goto(f"{live.url}/")

    kept = page.evaluate(DURING_A_VIEW, [kind, order])

    assert kept == {"mine": True, "text": "La mienne"}


@pytest.mark.parametrize("kind", ["note", "card"])
@pytest.mark.parametrize(
    "order", [["ack", "event"], ["event", "ack"]], ids=["ack first", "event first"]
)
def test_an_item_s_ack_and_event_in_either_order_leave_it_the_phone_s_own(
    kind: str, order: list[str], live: Live, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context("desktop").new_page()
    page.goto(f"{live.url}/")

    assert page.evaluate(LIVE, [kind, order]) is True


def test_a_note_made_and_deleted_before_the_snapshot_was_read_stays_gone(
    live: Live, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context("desktop").new_page()
    page.goto(f"{live.url}/")

    assert page.evaluate(GONE_BEFORE_THE_SNAPSHOT) is False
