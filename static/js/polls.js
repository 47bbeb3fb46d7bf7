// Quick polls, the same on every screen: which polls are shown above the phase (the
// newest first), their texts in the screen's language (a poll asked live has only the
// workshop's), and the revealed counts as horizontal bars drawn with CSS — every label a
// text node, never HTML. The synthesis draws the same bars on the server
// (facilitation/polls/report.py).
import { h, localized, percent } from "./dom.js";

export function shownPolls(state) {
  return (state.polls || []).filter((poll) => poll.shown).sort((a, b) => b.id - a.id);
}

export const pollText = localized;

// The share of those who answered (with several choices, the shares add up past 100 %).
export function share(count, answered) {
  return percent(answered ? count / answered : 0);
}

// results: {counts: [per option], answered}. mine: the option indexes this screen chose.
export function pollBars(poll, results, { mine = [], className = "" } = {}) {
  const top = Math.max(0, ...results.counts);
  return h("ol", { class: `poll-bars ${className}`.trim() },
    poll.options.map((option, i) => {
      const count = results.counts[i] || 0;
      const width = results.answered ? (100 * count) / results.answered : 0;
      const classes = ["poll-bar"];
      if (count && count === top) classes.push("top");
      if (mine.includes(i)) classes.push("mine");
      return h("li", { class: classes.join(" "), dataset: { option: String(i), count: String(count) } },
        h("span", { class: "poll-bar-label" }, pollText(option)),
        h("span", { class: "poll-bar-track", "aria-hidden": "true" },
          h("span", { class: "poll-bar-fill", style: { width: `${width.toFixed(1)}%` } })),
        h("span", { class: "poll-bar-value" },
          h("b", {}, String(count)), " ", h("span", { class: "poll-bar-share" }, share(count, results.answered))));
    }));
}
