// A rating phase on the board: while the room rates, how far it has got (never what it
// said); once the facilitator reveals the results, a radar per item for several criteria
// (the median filled, the spread between the quartiles around it), or the distribution's
// bars when the phase rates on one or two criteria. Six items a page at most.
import { h, plural, t } from "../dom.js";
import { criteriaOf, itemLabel, itemsOf } from "../ratings.js";
import { distributionChart, medianText, radarChart } from "../radar.js";
import { localized } from "../dom.js";
import { currentPhase } from "./common.js";

const PER_PAGE = 6;

function paged(cells) {
  const pages = Math.max(1, Math.ceil(cells.length / PER_PAGE));
  return (root) => ({
    pages,
    show(page) {
      root.querySelectorAll(".board-rating").forEach((cell, i) => {
        cell.hidden = Math.floor(i / PER_PAGE) !== page - 1; // pages count from 1
      });
    },
  });
}

function grid(cells, kind) {
  const shown = Math.min(cells.length, PER_PAGE);
  const columns = shown <= 3 ? shown : shown === 4 ? 2 : 3;
  return h("div", { class: `board-ratings ${kind}`, style: { "--columns": String(Math.max(1, columns)), "--rows": String(shown > 3 ? 2 : 1) } }, cells);
}

export function rating(state) {
  const phase = currentPhase(state);
  if (!phase.rate) return { children: [], fit: () => ({ pages: 1, show: () => {} }) };
  const results = state.ratings?.[phase.key];
  return results ? revealed(state, phase, results) : progress(state, phase);
}

// While the room rates: each item's answers so far against what a full set would be.
function progress(state, phase) {
  const criteria = criteriaOf(phase);
  const counts = state.ratingCounts?.[phase.key] || { items: {}, participants: 0 };
  const raters = counts.participants || 0;
  const items = itemsOf(state, phase);
  const cells = items.map((item) => {
    const answers = Object.values(counts.items[item.ref] || {}).reduce((sum, n) => sum + n, 0);
    const full = Math.max(1, raters * criteria.length);
    return h("section", { class: "board-rating progress", dataset: { item: item.ref } },
      h("h3", { class: "board-rating-title" }, item.label),
      h("div", { class: "board-rating-track", "aria-hidden": "true" },
        h("span", { style: { width: `${Math.min(100, (100 * answers) / full)}%` } })),
      h("p", { class: "board-rating-meta" }, plural("rating_answers", answers)));
  });
  const head = h("p", { class: "board-rating-head" },
    raters ? plural("rating_raters", raters) : t("rating_waiting"),
    " · ", plural("rating_criteria", criteria.length));
  return {
    children: [head, items.length ? grid(cells, "progress") : h("p", { class: "board-empty" }, t("rating_nothing"))],
    fit: paged(cells),
  };
}

// Revealed: per item, its chart and how many rated it.
function revealed(state, phase, results) {
  const criteria = criteriaOf(phase);
  const radar = criteria.length >= 3;
  const cells = results.items.map((entry) => {
    const label = itemLabel(state, entry.item) || entry.item;
    const n = Math.max(0, ...Object.values(entry.criteria).map((stat) => stat.n));
    const charts = radar ? radarChart(criteria, entry.criteria, { title: label })
      : h("div", { class: "board-distributions" }, criteria.map((c) => h("figure", {},
        criteria.length > 1 ? h("figcaption", {}, c.label) : null,
        distributionChart(c, entry.criteria[c.key], { title: `${label} — ${c.label}`, pointLabels: c.scale.labels.map(localized) }),
        h("p", { class: "board-rating-median" }, medianText(entry.criteria[c.key], c.scale, t)))));
    return h("section", { class: "board-rating", dataset: { item: entry.item } },
      h("h3", { class: "board-rating-title" }, label),
      h("div", { class: "board-rating-chart" }, charts),
      h("p", { class: "board-rating-meta" }, plural("rating_raters_of_item", n)));
  });
  if (!cells.length) return { children: h("div", { class: "board-message" }, h("p", {}, t("rating_none_yet"))), fit: paged(cells) };
  return {
    children: [grid(cells, radar ? "radars" : "distributions"), radar ? h("p", { class: "board-rating-legend" }, t("rating_legend")) : null],
    fit: paged(cells),
  };
}
