// What the board's stage shows in each kind of phase. Each view returns the stage's
// children and a function that sizes them once they are in the page (fit.js).
import { h, t, plural, localized } from "../dom.js";
import {
  areaOf, byPosition, groupsInOrder, rankLabel, ranking, resultsByArea, slotsOf, voteTarget, dotsOf,
} from "./common.js";
import { fit, sizes } from "./fit.js";

// Readable text on any note colour: dark ink on light colours, white on dark ones.
export function inkFor(hex) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
  if (!match) return "#14181d";
  const [r, g, b] = match.slice(1).map((part) => {
    const c = parseInt(part, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.18 ? "#14181d" : "#ffffff";
}

function colourOf(state, note) {
  return note.color || areaOf(state, note.area)?.color || "#ffd84d";
}

export function noteEl(state, note) {
  const colour = colourOf(state, note);
  return h("article", { class: "board-note", dataset: { id: note.id }, style: { "--note": colour, "--ink": inkFor(colour) } },
    h("p", {}, note.text),
    note.author ? h("footer", {}, note.author) : null);
}

function visibleNotes(state) {
  return [...state.notes.values()].filter((note) => !note.hidden);
}

function panel(area, title, count, body, extra = {}) {
  return h("section", { class: `board-area ${extra.class || ""}`, style: { "--area": area?.color || "#9aa5b1" }, dataset: { area: area?.key || "" } },
    title !== null ? h("h2", {}, h("span", { class: "board-area-label" }, title), count !== null ? h("span", { class: "count" }, count) : null) : null,
    body);
}

function stage(kind, count, children) {
  return h("div", { class: "board-panels", dataset: { areas: count, layout: kind } }, children);
}

function empty(message) {
  return h("p", { class: "board-empty" }, message);
}

function fitEach(list) {
  return (root) => {
    for (const section of root.querySelectorAll(".board-area")) {
      fit(section, [...section.querySelectorAll(".fit")], list);
    }
  };
}

// Silent writing: how many notes each area holds, face down.
export function facedown(state) {
  const notes = visibleNotes(state);
  const areas = state.format.areas;
  return {
    children: stage("facedown", areas.length, areas.map((area) => {
      const count = notes.filter((note) => note.area === area.key).length;
      return panel(area, localized(area.label), null,
        h("div", { class: "board-facedown-box" },
          h("p", { class: "board-facedown-number", "aria-hidden": "true" }, count),
          h("p", { class: "board-facedown" }, plural("notes_hidden", count))));
    })),
    size: () => {},
  };
}

// Notes in their area columns (1 area: one wide wall; 4: quadrants), largest type that fits.
export function wall(state) {
  const notes = visibleNotes(state);
  const areas = state.format.areas;
  return {
    children: stage("wall", areas.length, areas.map((area) => {
      const own = notes.filter((note) => note.area === area.key).sort((a, b) => a.id - b.id);
      return panel(area, localized(area.label), own.length,
        h("div", { class: "board-notes board-flow fit" }, own.length ? own.map((note) => noteEl(state, note)) : empty(t("no_notes"))));
    })),
    size: fitEach(sizes(56, 11, [5, 4, 3], [8.5, 10.5, 13])),
  };
}

function groupBox(state, group, notes, { pledges = false, dots = false } = {}) {
  const area = areaOf(state, group.area);
  const badges = [];
  if (dots) badges.push(h("span", { class: "board-badge" }, plural("dots", dotsOf(state, `group:${group.id}`))));
  if (pledges) badges.push(h("span", { class: "board-badge pledges" }, plural("pledges", group.pledges || 0)));
  return h("section", { class: "board-group", dataset: { id: group.id }, style: { "--area": area?.color || "#f5f3ee" } },
    h("h3", { class: "board-group-title" }, h("span", {}, group.title || t("untitled_group")), badges.length ? h("span", { class: "board-badges" }, badges) : null),
    notes.length ? h("div", { class: "board-group-notes" }, notes.map((note) => noteEl(state, note))) : null);
}

function looseBox(state, notes, area, label) {
  if (!notes.length) return null;
  return h("section", { class: "board-group loose", style: { "--area": area?.color || "#9aa5b1" } },
    h("h3", { class: "board-group-title" }, h("span", {}, label)),
    h("div", { class: "board-group-notes" }, notes.map((note) => noteEl(state, note))));
}

// Notes clustered in their named groups (group title big), then the loose notes.
// Groups of one area sit in that area's panel; groups across areas share one wall.
export function clusters(state, { pledges = false, dots = false, loose = true } = {}) {
  const notes = visibleNotes(state);
  const groups = groupsInOrder(state);
  const areas = state.format.areas;
  const inGroup = (group) => notes.filter((note) => note.group_id === group.id).sort(byPosition);
  const known = new Set(groups.map((group) => group.id));
  const looseNotes = notes.filter((note) => !note.group_id || !known.has(note.group_id)).sort((a, b) => a.id - b.id);
  const byArea = areas.length > 1 && groups.length > 0 && groups.every((group) => group.area);
  if (byArea) {
    return {
      children: stage("clusters", areas.length, areas.map((area) => {
        const own = groups.filter((group) => group.area === area.key);
        const rest = loose ? looseNotes.filter((note) => note.area === area.key) : [];
        return panel(area, localized(area.label), null,
          h("div", { class: "board-clusters board-flow fit" },
            own.map((group) => groupBox(state, group, inGroup(group), { pledges, dots })),
            looseBox(state, rest, area, t("loose_notes"))));
      })),
      size: fitEach(sizes(48, 10, [5, 4, 3], [11.5, 14])),
    };
  }
  const boxes = groups.map((group) => groupBox(state, group, inGroup(group), { pledges, dots }));
  if (loose) {
    for (const area of areas) {
      const label = areas.length > 1 ? `${localized(area.label)} — ${t("loose_notes")}` : t("loose_notes");
      boxes.push(looseBox(state, looseNotes.filter((note) => note.area === area.key), area, label));
    }
  }
  const content = boxes.filter(Boolean);
  return {
    children: stage("clusters", 1, panel(null, null, null,
      h("div", { class: "board-clusters board-flow fit" }, content.length ? content : empty(groups.length ? t("no_notes") : t("no_groups"))),
      { class: "bare" })),
    size: fitEach(sizes(48, 10, [5, 4, 3], [11.5, 14])),
  };
}

// Voting: the same wall (grouped when groups exist), never the tallies.
export function voting(state) {
  if (voteTarget(state) === "group") return clusters(state, { pledges: allows(state, "pledge"), loose: false });
  return state.groups.size ? clusters(state) : wall(state);
}

function allows(state, capability) {
  return state.format.phases[state.workshop.phase_index].allows.includes(capability);
}

function pending() {
  return {
    children: h("div", { class: "board-message" }, h("p", {}, t("results_pending"))),
    size: () => {},
  };
}

function chart(state, results, limit) {
  const shown = results.slice(0, limit);
  const most = Math.max(1, ...shown.map((result) => result.dots));
  const rows = shown.map((result) => {
    const area = areaOf(state, result.area);
    const colour = area?.color || "#ffd84d";
    return h("li", { class: "board-bar", dataset: { target: result.target }, style: { "--bar": colour } },
      h("span", { class: `board-rank${result.tied ? " tied" : ""}` }, rankLabel(result)),
      h("span", { class: "board-bar-label" }, result.label || t("untitled_group")),
      h("span", { class: "board-bar-track", "aria-hidden": "true" },
        h("span", { class: "board-bar-fill", style: { width: `${(100 * result.dots) / most}%` } })),
      h("span", { class: "board-bar-dots" }, plural("dots", result.dots)));
  });
  const more = results.length - shown.length;
  return h("div", { class: "board-chart fit" },
    rows.length ? h("ol", { class: "board-bars" }, rows) : empty(t("no_votes")),
    more > 0 ? h("p", { class: "board-more" }, plural("more_items", more)) : null);
}

// Results: a ranked bar chart (per area when the vote was per area), once revealed.
export function results(state) {
  if (!state.workshop.results_revealed) return pending();
  const parts = resultsByArea(state, ranking(state));
  const single = parts.length === 1;
  return {
    children: stage("results", parts.length, parts.map(({ area, results: list }) =>
      panel(area, area ? localized(area.label) : null, null, chart(state, list, single ? 12 : 8), { class: single ? "bare" : "" }))),
    size: fitEach(sizes(52, 12, [2])),
  };
}

function cardEl(card) {
  return h("article", { class: "board-card", dataset: { id: card.id } },
    h("p", {}, card.text),
    card.author ? h("footer", {}, card.author) : null);
}

function cardsIn(state, kind, slot, groupId) {
  return [...state.cards.values()]
    .filter((card) => card.kind === kind && card.slot === slot && (groupId === undefined || card.group_id === groupId))
    .sort((a, b) => a.id - b.id);
}

function slotCell(state, kind, slot, groupId, className = "") {
  const cards = cardsIn(state, kind, slot.key, groupId);
  return h("div", { class: `board-slot fit ${className}`, dataset: { slot: slot.key } },
    cards.length ? cards.map(cardEl) : h("p", { class: "board-slot-empty" }, "—"));
}

function topItems(state, area, count = 3) {
  if (!state.workshop.results_revealed || !area) return null;
  const list = ranking(state).filter((result) => result.area === area.key).slice(0, count);
  return list.length ? h("ol", { class: "board-axis-items" }, list.map((result) => h("li", {}, result.label))) : null;
}

function axis(state, area, className) {
  if (!area) return h("div", { class: `board-axis ${className}` });
  return h("div", { class: `board-axis ${className}`, style: { "--area": area.color } },
    h("h3", {}, localized(area.label)),
    topItems(state, area));
}

// TOWS: strengths and weaknesses down the side, opportunities and threats across.
export function strategies(state) {
  const slots = new Map(slotsOf(state, "strategy").map((slot) => [slot.key, slot]));
  const [s, w, o, tt] = state.format.areas.length === 4 ? state.format.areas : [];
  const cell = (key, className) => {
    const slot = slots.get(key) || { key, label: key, hint: "" };
    return h("section", { class: `board-quadrant ${className}` },
      h("h3", {}, h("span", { class: "board-slot-key" }, slot.key), " ", slot.label),
      slot.hint ? h("p", { class: "board-slot-hint" }, slot.hint) : null,
      slotCell(state, "strategy", slot));
  };
  const grid = h("div", { class: "board-tows" },
    h("div", { class: "board-axis corner" }),
    axis(state, o, "col"), axis(state, tt, "col"),
    axis(state, s, "row"), cell("SO", "so"), cell("ST", "st"),
    axis(state, w, "row"), cell("WO", "wo"), cell("WT", "wt"));
  return {
    children: grid,
    size: (root) => fit(root.querySelector(".board-tows") || root, [...root.querySelectorAll(".fit")], sizes(40, 10, [5, 4, 3], [10, 12.5, 15])),
  };
}

export function roadmap(state) {
  const slots = slotsOf(state, "roadmap");
  const grid = h("div", { class: "board-roadmap" }, slots.map((slot) =>
    h("section", { class: "board-horizon" },
      h("h3", {}, slot.label),
      slotCell(state, "roadmap", slot))));
  return {
    children: grid,
    size: (root) => fit(root.querySelector(".board-roadmap") || root, [...root.querySelectorAll(".fit")], sizes(44, 10, [5, 4, 3], [10, 13, 16])),
  };
}

// The coalition canvas: one row per chosen group, one column per field.
export function canvas(state) {
  const slots = slotsOf(state, "canvas");
  const groups = (state.canvasGroups || []).map((id) => state.groups.get(id)).filter(Boolean);
  if (!groups.length) return { children: h("div", { class: "board-message" }, h("p", {}, t("no_canvas_groups"))), size: () => {} };
  const grid = h("div", { class: "board-canvas", style: { "--fields": slots.length, "--rows": groups.length } },
    h("div", { class: "board-canvas-corner" }),
    slots.map((slot) => h("h3", { class: "board-canvas-field" }, slot.label)),
    groups.flatMap((group) => [
      h("h3", { class: "board-canvas-group" }, h("span", {}, group.title || t("untitled_group")),
        h("span", { class: "board-badge pledges" }, plural("pledges", group.pledges || 0))),
      ...slots.map((slot) => slotCell(state, "canvas", slot, group.id)),
    ]));
  return {
    children: grid,
    size: (root) => fit(root.querySelector(".board-canvas") || root, [...root.querySelectorAll(".fit")], sizes(36, 10, [6, 5, 4, 3])),
  };
}

// Proposals and synthesis: the top of the vote, big.
export function summary(state) {
  if (!state.workshop.results_revealed) return pending();
  const parts = resultsByArea(state, ranking(state));
  const single = parts.length === 1;
  const item = (result) => {
    const group = result.kind === "group" ? state.groups.get(result.id) : null;
    const colour = areaOf(state, result.area)?.color || "#ffd84d";
    return h("li", { class: "board-top", style: { "--note": colour, "--ink": inkFor(colour) } },
      h("span", { class: "board-rank" }, rankLabel(result)),
      h("span", { class: "board-top-label" }, result.label || t("untitled_group")),
      h("span", { class: "board-top-meta" }, plural("dots", result.dots), group ? ` · ${plural("pledges", group.pledges || 0)}` : ""));
  };
  return {
    children: stage("summary", parts.length, parts.map(({ area, results: list }) =>
      panel(area, area ? localized(area.label) : null, null,
        h("div", { class: "board-summary fit" }, list.length ? h("ol", {}, list.slice(0, single ? 6 : 3).map(item)) : empty(t("no_votes"))),
        { class: single ? "bare" : "" }))),
    size: fitEach(sizes(64, 14, [3])),
  };
}

// The coalition proposals this workshop produced, with who has joined them so far;
// before the first one, the top results.
export function proposals(state) {
  const list = [...(state.proposals?.values() || [])].sort((a, b) => b.members - a.members || a.id - b.id);
  if (!list.length) return summary(state);
  const item = (proposal) => h("li", { class: "board-top", style: { "--note": "#ffd84d", "--ink": "#14181d" } },
    h("span", { class: "board-rank" }, "★"),
    h("span", { class: "board-top-label" }, proposal.title),
    h("span", { class: "board-top-meta" }, plural("members", proposal.members)));
  return {
    children: stage("summary", 1, [panel(null, t("proposals"), list.length,
      h("div", { class: "board-summary fit" }, h("ol", {}, list.slice(0, 8).map(item))), { class: "bare" })]),
    size: fitEach(sizes(64, 14, [3])),
  };
}

export function intro(state) {
  return {
    children: h("div", { class: "board-message intro" },
      h("p", { class: "board-intro-question" }, state.workshop.question || state.workshop.title),
      h("p", {}, t("scan_to_join"))),
    size: () => {},
  };
}

export const VIEWS = {
  intro,
  silent_writing: facedown,
  ideation: wall,
  reveal: wall,
  grouping: (state) => clusters(state),
  voting,
  results,
  pledges: (state) => clusters(state, { pledges: true, dots: state.workshop.results_revealed, loose: false }),
  strategies,
  roadmap,
  canvas,
  proposals,
  synthesis: summary,
};

// The view for a phase: by its kind, or by what it allows for kinds added later.
export function viewFor(phase) {
  const seesAll = phase.allows.includes("see_all");
  if (["silent_writing", "ideation", "reveal", "grouping", "voting"].includes(phase.kind)) {
    if (!seesAll) return facedown;
    if (phase.kind === "silent_writing") return wall;
  }
  if (VIEWS[phase.kind]) return VIEWS[phase.kind];
  return seesAll ? wall : facedown;
}
