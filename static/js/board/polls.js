// A quick poll on the board, over the phase's view while it is shown (the newest, when
// several are): the question and its options in type read from the back of the room;
// while it is open, how many answered — never what; once revealed, a horizontal bar per
// option with its count and share (polls.js), the leading one in yellow.
import { h, plural, replace, t } from "../dom.js";
import { pollBars, pollText, shownPolls } from "../polls.js";

const SHORT_LABEL = 24; // characters: one line of a label beside its bar
let signature = null;

export function renderPoll(el, state) {
  const [poll] = shownPolls(state);
  const answered = poll ? state.pollAnswered?.[String(poll.id)] || 0 : 0;
  const next = JSON.stringify([poll || null, answered]);
  if (next === signature) return;
  signature = next;
  el.hidden = !poll;
  if (!poll) {
    replace(el);
    return;
  }
  const many = poll.options.length;
  el.style.setProperty("--options", String(many));
  el.dataset.poll = String(poll.id);
  el.dataset.state = poll.results ? "revealed" : poll.open ? "open" : "closed";
  // Short labels hold on one line: their rows take larger type (board.css).
  el.dataset.labels = poll.options.every((option) => pollText(option).length <= SHORT_LABEL) ? "short" : "long";
  const head = h("header", { class: "board-poll-head" },
    h("p", { class: "board-poll-kicker" },
      t("poll_kicker"), poll.max_choices > 1 ? ` · ${t("poll_up_to", { n: poll.max_choices })}` : ""),
    h("h2", { class: "board-poll-question" }, pollText(poll.question)));
  if (poll.results) {
    replace(el, head,
      h("p", { class: "board-poll-answered" }, plural("poll_people_answered", poll.results.answered),
        poll.max_choices > 1 ? h("span", { class: "board-poll-note" }, ` — ${t("poll_share_note")}`) : null),
      pollBars(poll, poll.results, { className: "board-poll-bars" }));
    return;
  }
  replace(el, head,
    h("div", { class: "board-poll-waiting" },
      h("p", { class: "board-poll-count", role: "status" },
        h("b", {}, String(answered)), " ", h("span", {}, plural("poll_answers_word", answered))),
      h("p", { class: "board-poll-instruction" },
        poll.open ? t("poll_answer_on_phone") : t("poll_closed_waiting"))),
    h("ol", { class: "board-poll-options" },
      poll.options.map((option) => h("li", {}, h("span", { class: "board-poll-option" }, pollText(option))))));
}
