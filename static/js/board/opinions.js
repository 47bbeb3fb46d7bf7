// The board in a phase that allows `react`. While the room answers: how many people have
// answered and how many answers there are, never who answered what nor how a note fares
// (that would sway the answers still to come). Once the facilitator reveals the opinion
// map (docs/protocol.md, "Opinions"): anonymous dots on a 2-D map, coloured by opinion
// group (A, B, C…), what every group agrees on, what divides them, and what sets each
// group apart. Below the minimum, the reason, said plainly, instead of a drawing of noise.
import { h, percent, plural, t } from "../dom.js";
import { fit, sizes } from "./fit.js";
import { readable } from "./flow.js";

const ONE_PAGE = { pages: 1, show: () => {} };
const SVG = "http://www.w3.org/2000/svg";
// Group colours readable on the board's dark ground, and told apart by their letter too.
export const GROUP_COLOURS = ["#ffd84d", "#7cc6fe", "#ff9f80", "#9be39b", "#d6a4ff"];
const LIST_LIMIT = 8;
const LIST_SIZES = sizes(36, 12, [4, 3]);

export const groupLetter = (index) => String.fromCharCode(65 + index);
const colourOf = (index) => GROUP_COLOURS[index % GROUP_COLOURS.length];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) if (child) el.append(child);
  return el;
}

// The answers so far, in numbers (staff screens get the counts; a participant's laptop
// has none, and shows only the invitation to answer on the phone).
function progress(state) {
  const counts = Object.values(state.reactions?.items || {});
  const answers = counts.reduce((sum, c) => sum + c.agree + c.disagree + c.pass, 0);
  const people = state.reactions?.participants || 0;
  const staff = state.me?.kind !== "participant";
  return {
    children: h("div", { class: "board-message board-react-progress" },
      staff ? h("p", { class: "board-react-number" }, plural("react_participants", people)) : null,
      staff ? h("p", { class: "board-react-detail" }, plural("react_answers", answers)) : null,
      h("p", { class: "board-react-hint" }, t("react_on_phones"))),
    fit: () => ONE_PAGE,
  };
}

const REASONS = {
  "too-few-items": "opinions_too_few_items",
  "too-few-participants": "opinions_too_few_participants",
  "no-groups": "opinions_no_groups",
};

function notEnough(found) {
  return {
    children: h("div", { class: "board-message board-opinions-none" },
      h("p", {}, t("opinions_no_map")),
      h("p", { class: "board-react-detail" }, t(REASONS[found.reason] || "opinions_no_groups", { n: found.participants }))),
    fit: () => ONE_PAGE,
  };
}

// The map: dots scaled to fill a square, each group's letter at its centre.
export function opinionSvg(found, { size = 400, radius = 9 } = {}) {
  const dots = found.dots || [];
  const xs = dots.map((d) => d.x);
  const ys = dots.map((d) => d.y);
  const span = Math.max(1e-9, Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const pad = radius * 6; // room for the largest dots and the letters
  const scale = (size - 2 * pad) / span;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const at = (d) => [size / 2 + (d.x - cx) * scale, size / 2 - (d.y - cy) * scale];
  const label = t("opinions_map_label", { groups: found.groups.length, n: dots.length });
  const root = svg("svg", { viewBox: `0 0 ${size} ${size}`, class: "opinion-map", role: "img", "aria-label": label });
  root.append(svg("title", {}, document.createTextNode(label)));
  root.append(svg("line", { x1: size / 2, y1: pad / 2, x2: size / 2, y2: size - pad / 2, class: "opinion-axis" }));
  root.append(svg("line", { x1: pad / 2, y1: size / 2, x2: size - pad / 2, y2: size / 2, class: "opinion-axis" }));
  // Participants who answered alike sit on the same spot: one dot, as large as they are
  // many (its area in proportion), rather than dots hidden under each other.
  const spots = new Map();
  for (const dot of dots) {
    const [x, y] = at(dot);
    const key = `${dot.group}:${Math.round(x / radius)}:${Math.round(y / radius)}`;
    const spot = spots.get(key) || { x, y, group: dot.group, count: 0 };
    spot.count += 1;
    spots.set(key, spot);
  }
  for (const spot of spots.values()) {
    root.append(svg("circle", {
      cx: spot.x.toFixed(1), cy: spot.y.toFixed(1), r: (radius * Math.sqrt(spot.count)).toFixed(1),
      fill: colourOf(spot.group), class: "opinion-dot", "data-group": spot.group, "data-count": spot.count,
    }));
  }
  found.groups.forEach((group, index) => {
    const own = [...spots.values()].filter((spot) => spot.group === index);
    if (!own.length) return;
    const x = own.reduce((sum, spot) => sum + spot.x * spot.count, 0) / own.reduce((sum, spot) => sum + spot.count, 0);
    // The letter sits just above the group's highest dot, inside the square.
    const top = Math.min(...own.map((spot) => spot.y - radius * Math.sqrt(spot.count)));
    const y = Math.max(radius * 4, top - radius);
    root.append(svg("text", {
      x: Math.min(size - radius * 3, Math.max(radius * 3, x)).toFixed(1), y: y.toFixed(1),
      class: "opinion-letter", fill: colourOf(index), "text-anchor": "middle",
    }, document.createTextNode(groupLetter(index))));
  });
  return root;
}

// Each group's agree rate on a note, as small bars in the group's colour, said in words
// for a screen reader ("A: 92 % agree").
function rates(agreeRates) {
  const said = agreeRates.map((rate, i) => (rate === null ? t("opinions_rate_unseen", { group: groupLetter(i) })
    : t("opinions_rate", { group: groupLetter(i), rate: percent(rate) }))).join(", ");
  return h("span", { class: "op-rates", role: "img", "aria-label": said, title: said },
    agreeRates.map((rate, i) => h("span", { class: "op-rate", style: { "--group": colourOf(i) } },
      h("span", { class: "op-rate-track" }, h("span", { class: "op-rate-fill", style: { height: `${Math.round(100 * (rate ?? 0))}%` } })),
      h("span", { class: "op-rate-letter" }, groupLetter(i)))));
}

function noteRow(state, entry) {
  return h("li", { class: "op-note", dataset: { note: entry.note_id } },
    rates(entry.agree_rates),
    h("span", { class: "op-text hy", lang: state.workshop.language || null }, entry.text));
}

function listPanel(kind, title, items, limit) {
  const shown = items.slice(0, limit);
  const more = items.length - shown.length;
  return h("section", { class: `board-area op-panel ${kind}`, dataset: { list: kind } },
    h("h2", {}, h("span", { class: "board-area-label" }, title), h("span", { class: "count" }, String(items.length))),
    h("div", { class: "op-body fit" },
      shown.length ? h("ol", { class: "op-list" }, shown) : h("p", { class: "op-empty" }, t(`opinions_no_${kind}`)),
      more > 0 ? h("p", { class: "board-more" }, plural("more_items", more)) : null));
}

function groupsPanel(state, found, limit) {
  const groups = found.groups.map((group, index) => h("li", { class: "op-group", style: { "--group": colourOf(index) }, dataset: { group: index } },
    h("p", { class: "op-group-head" },
      h("span", { class: "op-group-letter" }, groupLetter(index)),
      h("span", {}, plural("opinions_members", group.members))),
    found.clear && group.representative.length ? h("ul", { class: "op-reps" }, group.representative.slice(0, limit).map((rep) =>
      h("li", { class: `op-rep ${rep.side}` },
        h("span", { class: "op-side" }, t(`opinions_side_${rep.side}`)),
        h("span", { class: "op-text hy", lang: state.workshop.language || null }, rep.text)))) : null));
  return h("section", { class: "board-area op-panel groups", dataset: { list: "groups" } },
    h("h2", {}, h("span", { class: "board-area-label" }, t("opinions_groups")), h("span", { class: "count" }, String(found.groups.length))),
    h("div", { class: "op-body fit" }, h("ol", { class: "op-groups" }, groups),
      found.clear ? null : h("p", { class: "op-empty" }, t("opinions_not_clear"))));
}

function map(state, found) {
  const build = (limit) => [
    h("section", { class: "board-area op-panel map" },
      h("h2", {}, h("span", { class: "board-area-label" }, t("opinions_map"))),
      h("div", { class: "op-map-box" }, opinionSvg(found)),
      h("p", { class: "op-map-caption" }, t("opinions_map_caption", { n: found.participants }))),
    listPanel("consensus", t("opinions_consensus"), found.consensus.map((entry) => noteRow(state, entry)), limit),
    listPanel("divisive", t("opinions_divisive"), found.clear ? found.divisive.map((entry) => noteRow(state, entry)) : [], limit),
    groupsPanel(state, found, Math.max(1, Math.min(3, limit))),
  ];
  const root = h("div", { class: "board-panels board-opinions", dataset: { layout: "opinions" } }, build(LIST_LIMIT));
  return {
    children: root,
    // The lists share one type size, the largest at which each fits; a list that does not
    // fit at the readable size shows fewer notes ("and 9 more"): the type never shrinks
    // below it.
    fit: (stageEl) => {
      const panels = [...stageEl.querySelectorAll(".op-panel:not(.map)")];
      const best = panels.map((panelEl, index) => {
        for (let limit = LIST_LIMIT; ; limit -= 1) {
          const found = fit(panelEl, [panelEl.querySelector(".fit")], { ...LIST_SIZES, min: readable() });
          if (!panelEl.dataset.overfull || limit <= 1) return found.size;
          panelEl.querySelector(".fit").replaceWith(build(limit - 1)[index + 1].querySelector(".fit"));
        }
      });
      const shared = Math.min(...best);
      for (const panelEl of panels) fit(panelEl, [panelEl.querySelector(".fit")], { ...LIST_SIZES, max: shared, min: readable() });
      return ONE_PAGE;
    },
  };
}

export function opinions(state) {
  const found = state.opinions;
  if (!found) return progress(state);
  if (!found.enough) return notEnough(found);
  return map(state, found);
}
