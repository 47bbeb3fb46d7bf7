// Quick polls on the control page: ask one now (typed in the workshop's language), and
// for each poll its state, how many answered and the counts per option — the counts
// come from the `poll.counts` query, the facilitator's alone, asked again after each
// answer — with the buttons that open, close, reveal, hide the results, or take it off
// the screens.
import { h, plural, replace, t } from "../dom.js";
import { pollBars, pollText } from "../polls.js";

const $ = (id) => document.getElementById(id);
const COUNTS_DELAY_MS = 400; // answers in a burst: one query for them all

// Every message of a refusal, nested fields included ({"options": {"1": ["…"]}}).
function messagesOf(error) {
  const found = [];
  const walk = (value) => {
    if (typeof value === "string") found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(error?.fields || {});
  return [error?.message, ...found].filter(Boolean).join(" ");
}

export class PollsPanel {
  constructor(live, send) {
    this.live = live;
    this.send = send;
    this.signature = null;
    this.counts = new Map(); // poll id -> {counts, answered}, from the query
    this.asked = new Map(); // poll id -> the answered number the last query was for
    this.timers = new Map();
    const form = $("poll-form");
    const options = () => $("poll-options").value.split("\n").map((line) => line.trim()).filter(Boolean);
    const updateForm = () => {
      const n = options().length;
      $("poll-options-count").textContent = plural("poll_options_count", n);
      $("poll-max-field").hidden = !$("poll-multiple").checked;
      $("poll-max").max = String(Math.max(2, n));
    };
    form.addEventListener("input", updateForm);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const error = $("poll-error");
      error.hidden = true;
      const payload = {
        question: $("poll-question").value.trim(),
        options: options(),
        multiple: $("poll-multiple").checked,
      };
      const max = Number.parseInt($("poll-max").value, 10);
      if (payload.multiple && Number.isInteger(max)) payload.max_choices = max;
      this.live.send("poll.create", payload).result.then(() => {
        form.reset();
        updateForm();
        $("poll-new").open = false;
      }, (ack) => {
        error.textContent = messagesOf(ack?.error) || t("failed");
        error.hidden = false;
      });
    });
    updateForm();
  }

  // The counts per option of an unrevealed poll: asked when how many answered changes.
  refresh(poll, answered) {
    if (poll.results || this.asked.get(poll.id) === answered) return;
    this.asked.set(poll.id, answered);
    clearTimeout(this.timers.get(poll.id));
    this.timers.set(poll.id, setTimeout(() => {
      this.live.request("poll.counts", { poll_id: poll.id }, 2).then((ack) => {
        if (!ack?.ok) return;
        this.counts.set(poll.id, { counts: ack.counts, answered: ack.answered });
        this.signature = null;
        this.render(this.live.state);
      }, () => { this.asked.delete(poll.id); });
    }, answered ? COUNTS_DELAY_MS : 0));
  }

  render(state) {
    const polls = [...(state.polls || [])].sort((a, b) => b.id - a.id);
    const answered = state.pollAnswered || {};
    polls.forEach((poll) => this.refresh(poll, answered[String(poll.id)] || 0));
    const signature = JSON.stringify([polls, answered, [...this.counts]]);
    if (signature === this.signature) return;
    this.signature = signature;
    replace($("polls-list"), polls.length
      ? polls.map((poll) => this.item(poll, answered[String(poll.id)] || 0))
      : h("li", { class: "hint" }, t("polls_none")));
  }

  item(poll, answered) {
    const phases = this.live.state.format?.phases || [];
    const phase = poll.phase ? phases.find((p) => p.key === poll.phase) : null;
    const state = poll.open ? t("poll_state_open") : t("poll_state_closed");
    const where = poll.shown ? t("poll_state_shown") : t("poll_state_off");
    const results = poll.results || this.counts.get(poll.id) || { counts: poll.options.map(() => 0), answered };
    const button = (label, name, payload, primary = false) => h("button", {
      type: "button", class: primary ? "small primary" : "small",
      onclick: () => this.send(name, { poll_id: poll.id, ...payload }),
    }, label);
    return h("li", { class: `poll-item${poll.open ? " open" : ""}`, dataset: { poll: String(poll.id) } },
      h("p", { class: "poll-item-question" }, h("strong", {}, pollText(poll.question))),
      h("p", { class: "hint poll-item-state" },
        [phase ? t("poll_of_phase", { phase: pollText(phase.label) }) : t("poll_live"),
          poll.max_choices > 1 ? t("poll_up_to", { n: poll.max_choices }) : t("poll_single"),
          state, where, plural("poll_answers", answered),
          poll.revealed ? t("poll_results_shown") : t("poll_results_hidden")].join(" · ")),
      pollBars(poll, results, { className: "poll-item-bars" }),
      h("div", { class: "row poll-item-actions" },
        poll.open
          ? button(t("poll_close"), "poll.close", {}, !poll.revealed)
          : button(t("poll_open"), "poll.open", {}),
        button(poll.revealed ? t("poll_hide_results") : t("poll_reveal"), "poll.reveal",
          { revealed: !poll.revealed }, !poll.open && !poll.revealed),
        poll.shown ? button(t("poll_take_off"), "poll.hide", {}) : null));
  }
}
