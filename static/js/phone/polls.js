// Quick polls on the phone, above the phase: the question, its options as big radio
// buttons (one choice) or checkboxes (several, up to the poll's bound), "Send my answer",
// then a confirmation naming what was recorded and "Change my answer" while the poll is
// open. An answer on its way shows as such; once revealed, the room's bars (yours marked).
import { h, plural, t } from "../dom.js";
import { pollBars, pollText, shownPolls } from "../polls.js";
import { reconcile, send, sig } from "./model.js";

// Choices ticked but not sent yet, by poll id: kept across redraws, dropped once sent.
const drafts = new Map();

function pendingAnswers(live) {
  const pending = new Map();
  for (const { name, payload } of live.unsent()) {
    if (name === "poll.answer") pending.set(payload.poll_id, payload.choices);
  }
  return pending;
}

const same = (a, b) => !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);

export function renderPolls(v, container, rerender) {
  const polls = shownPolls(v.state);
  const pending = pendingAnswers(v.live);
  container.hidden = !polls.length;
  reconcile(container, polls.map((poll) => {
    const mine = v.me.polls?.[String(poll.id)] || null;
    const sending = pending.get(poll.id) || null;
    const canAnswer = poll.open && v.canAct;
    return {
      key: `poll-${poll.id}`,
      sig: sig(poll, mine, sending, canAnswer),
      build: () => pollCard(v, poll, mine, sending, canAnswer, rerender),
    };
  }));
}

function pollCard(v, poll, mine, sending, canAnswer, rerender) {
  const id = `poll-${poll.id}`;
  const recorded = sending || mine;
  const chosen = () => drafts.get(poll.id) || recorded || [];
  const single = poll.max_choices === 1;
  const submit = h("button", { type: "submit", class: "primary big wide poll-send" });
  const inputs = poll.options.map((option, i) => h("input", {
    type: single ? "radio" : "checkbox",
    name: id,
    value: String(i),
    checked: chosen().includes(i),
    disabled: !canAnswer,
  }));
  const counter = h("span", { class: "poll-chosen-count" });

  // What the form says and allows, from the choices ticked now (no redraw while ticking).
  const update = () => {
    const ticked = inputs.filter((input) => input.checked).map((input) => Number(input.value));
    const changed = ticked.length > 0 && !same(ticked, recorded);
    submit.disabled = !canAnswer || !changed;
    submit.textContent = recorded ? t("phone.poll_change") : t("phone.poll_send");
    if (!single) {
      const full = ticked.length >= poll.max_choices;
      inputs.forEach((input) => { input.disabled = !canAnswer || (full && !input.checked); });
      counter.textContent = t("phone.poll_chosen", { n: ticked.length, max: poll.max_choices });
    }
    inputs.forEach((input) => input.closest(".poll-option")?.classList.toggle("on", input.checked));
  };

  const form = h("form", {
    class: "poll-form",
    onsubmit: (event) => {
      event.preventDefault();
      const ticked = inputs.filter((input) => input.checked).map((input) => Number(input.value));
      if (!ticked.length || !canAnswer) return;
      drafts.delete(poll.id);
      send(v.live, "poll.answer", { poll_id: poll.id, choices: ticked });
      rerender();
    },
  },
  h("fieldset", { class: "poll-options", "aria-describedby": `${id}-how` },
    h("legend", { class: "visually-hidden" }, pollText(poll.question)),
    poll.options.map((option, i) => h("label", { class: "poll-option" },
      inputs[i],
      h("span", { class: "poll-option-text" }, pollText(option))))),
  single ? null : h("p", { class: "hint poll-chosen", "aria-live": "polite" }, counter),
  canAnswer ? submit : null);
  form.addEventListener("change", () => {
    drafts.set(poll.id, inputs.filter((input) => input.checked).map((input) => Number(input.value)));
    update();
  });
  update();

  const names = (choices) => choices.map((i) => pollText(poll.options[i])).join(", ");
  let status = null;
  if (sending) status = h("p", { class: "poll-status sending" }, t("phone.poll_sending", { choice: names(sending) }));
  else if (mine) status = h("p", { class: "poll-status done" }, "✓ ", t("phone.poll_recorded", { choice: names(mine) }));
  const closed = !poll.open
    ? h("p", { class: "poll-closed" }, poll.revealed ? t("phone.poll_closed") : t("phone.poll_closed_waiting"))
    : null;

  return h("article", { class: `poll-card${poll.open ? "" : " closed"}`, "aria-labelledby": `${id}-q`, dataset: { poll: String(poll.id) } },
    h("p", { class: "eyebrow poll-kicker" }, t("phone.poll_kicker")),
    h("h2", { id: `${id}-q`, class: "poll-question" }, pollText(poll.question)),
    poll.open || !poll.results
      ? h("p", { id: `${id}-how`, class: "hint poll-how" },
        single ? t("phone.poll_one") : t("phone.poll_several", { n: poll.max_choices }))
      : null,
    poll.results
      ? h("section", { class: "poll-result", "aria-label": t("phone.poll_room") },
        h("p", { class: "poll-result-title" }, plural("phone.poll_answers", poll.results.answered)),
        pollBars(poll, poll.results, { mine: mine || [] }))
      : null,
    poll.open || !poll.results ? form : null,
    h("div", { role: "status", "aria-live": "polite" }, status),
    closed);
}
