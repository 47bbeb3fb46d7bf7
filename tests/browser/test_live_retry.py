"""A command the server refuses for now (``rate_limited``: the room is busy) stays in the
phone's outbox and goes again with its same id, after a delay drawn at random and longer
after each refusal, so a room refused at once does not come back at once. Driven here
through live.js's own send(), with a socket that refuses three times, then accepts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext

from .conftest import Live

pytestmark = pytest.mark.browser

REFUSED_THREE_TIMES = """async (random) => {
  const { Live } = await import("/static/js/live.js");
  const live = new Live({ code: "BUSY01", role: "phone" });
  const sent = [], delays = [];
  Math.random = () => random;
  const later = window.setTimeout;
  window.setTimeout = (callback, delay) => { delays.push(delay); return later(callback, 0); };
  live.status = "online";
  live.socket = {
    connected: true,
    timeout: () => ({
      emit: (name, payload, answer) => {
        sent.push([name, payload.command_id]);
        const id = payload.command_id;
        if (sent.length <= 3) {
          answer(null, { ok: false, command_id: id, error: { code: "rate_limited", message: "" } });
        } else {
          answer(null, { ok: true, command_id: id, seq: 1, data: {}, duplicate: false });
        }
      },
    }),
  };
  const { commandId, result } = live.send("note.post", { area: "ideas", text: "Plus tard" });
  const ack = await result;
  window.setTimeout = later;
  return { commandId, sent, delays, ok: ack.ok, unsent: live.unsent().length };
}"""


@pytest.mark.parametrize("random", [0.0, 0.999])
def test_a_command_refused_while_the_room_is_busy_goes_again_later_with_its_id(
    random: float, live: Live, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context("phone").new_page()
    page.goto(f"{live.url}/")

    found = page.evaluate(REFUSED_THREE_TIMES, random)

    assert found["sent"] == [["note.post", found["commandId"]]] * 4
    assert (found["ok"], found["unsent"]) == (True, 0)
    spread = 1 + random  # each delay is drawn between its base and twice its base
    assert found["delays"] == [pytest.approx(base * spread) for base in (2000, 4000, 8000)]
