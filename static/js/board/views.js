// What the board's stage shows in each kind of phase. Each view returns the stage's
// children and `fit(root)`, which lays them out once they are in the page and returns
// {pages, show(page)}: notes and cards flow in columns and take pages rather than shrink
// below the readable size (flow.js); charts and lists are sized by fit.js.
import { h, t, plural, localized } from "../dom.js";
import {
  areaOf, byPosition, groupsInOrder, rankLabel, ranking, resultsByArea, slotsOf, voteTarget, groupDots,
} from "./common.js";
import { fit, sizes } from "./fit.js";
import { Flow, fitFlows, readable, section } from "./flow.js";
import { opinions } from "./opinions.js";
import { rating } from "./ratings.js";

const ONE_PAGE = { pages: 1, show: () => {} };
const still = () => ONE_PAGE;

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

// User text is in the workshop's language, whatever the page's: hyphenation follows it.
export function textIn(state, tag, className, text) {
  return h(tag, { class: `hy ${className}`.trim(), lang: state.workshop.language || null }, text);
}

export function noteEl(state, note) {
  const colour = colourOf(state, note);
  return h("article", { class: "board-note", dataset: { id: note.id }, style: { "--note": colour, "--ink": inkFor(colour) } },
    textIn(state, "p", "", note.text),
    note.author ? h("footer", {}, note.author) : null);
}

function visibleNotes(state) {
  return [...state.notes.values()].filter((note) => !note.hidden);
}

function panel(area, title, count, body, extra = {}) {
  return h("section", { class: `board-area ${extra.class || ""}`, style: { "--area": area?.color || "#9aa5b1" }, dataset: { area: area?.key || "" } },
    title !== null ? h("h2", {}, h("span", { class: "board-area-label" }, title),
      h("span", { class: "board-area-meta" }, h("span", { class: "board-area-page" }),
        count !== null ? h("span", { class: "count" }, count) : null)) : null,
    body);
}

// Flows of one root share a type size; each shows its own page count ("2/3") in `label`.
function fitted(entries, options) {
  const results = entries.map(({ root, flows }) => fitFlows(root, flows, options));
  return {
    pages: Math.max(1, ...results.map((result) => result.pages)),
    show(page) {
      for (const { flows } of entries) {
        for (const flow of flows) {
          const shown = flow.show(page);
          if (flow.label) flow.label.textContent = flow.pages() > 1 ? `${shown}/${flow.pages()}` : "";
        }
      }
    },
  };
}

// A panel's notes as one flow, laid out once the panel is in the page.
function flowIn(container, sections, label = null) {
  const flow = new Flow(container, sections);
  flow.label = label;
  return flow;
}

function stage(kind, count, children) {
  return h("div", { class: "board-panels", dataset: { areas: count, layout: kind } }, children);
}

function empty(message) {
  return h("p", { class: "board-empty" }, message);
}

// Charts and lists: each panel's largest type from fit.js, never below the readable size.
function fitEach(list) {
  return (root) => {
    for (const section of root.querySelectorAll(".board-area")) {
      fit(section, [...section.querySelectorAll(".fit")], { ...list, min: readable() });
    }
    return ONE_PAGE;
  };
}

// Silent writing: how many notes each area holds, face down.
export function facedown(state) {
  const notes = visibleNotes(state);
  const areas = state.format.areas;
  return {
    children: stage("facedown", areas.length, areas.map((area) => {
      const count = notes.filter((note) => note.area === area.key).length;
      // A participant's screen knows only its own notes until the reveal.
      const key = state.me?.kind === "participant" ? "notes_yours_hidden" : "notes_hidden";
      return panel(area, localized(area.label), null,
        h("div", { class: "board-facedown-box" },
          h("p", { class: "board-facedown-number", "aria-hidden": "true" }, count),
          h("p", { class: "board-facedown" }, plural(key, count))));
    })),
    fit: still,
  };
}

// Notes in their area columns (1 area: one wide wall; 4: quadrants), largest type that fits.
export function wall(state) {
  const notes = visibleNotes(state);
  const areas = state.format.areas;
  const flows = [];
  const children = stage("wall", areas.length, areas.map((area) => {
    const own = notes.filter((note) => note.area === area.key).sort((a, b) => a.id - b.id);
    const container = h("div", { class: "board-notes board-flow" }, own.length ? null : empty(t("no_notes")));
    const root = panel(area, localized(area.label), own.length, container);
    if (own.length) {
      flows.push(flowIn(container, [section(own.map((note) => noteEl(state, note)))], root.querySelector(".board-area-page")));
    }
    return root;
  }));
  // One type size for every panel: one board, read as one.
  return { children, fit: () => fitted([{ root: children, flows }], { max: 56, widths: [8.5, 10.5, 13] }) };
}

function groupBox(state, group, notes, { pledges = false, dots = false } = {}) {
  const area = areaOf(state, group.area);
  const badges = [];
  if (dots) badges.push(h("span", { class: "board-badge" }, plural("dots", groupDots(state, group))));
  if (pledges) badges.push(h("span", { class: "board-badge pledges" }, plural("pledges", group.pledges || 0)));
  const title = group.title || t("untitled_group");
  return section(notes.map((note) => noteEl(state, note)), {
    box: () => h("section", { class: "board-group", dataset: { id: group.id }, style: { "--area": area?.color || "#f5f3ee" } }),
    head: h("h3", { class: "board-group-title" }, textIn(state, "span", "", title), badges.length ? h("span", { class: "board-badges" }, badges) : null),
    continued: h("h3", { class: "board-group-title" }, textIn(state, "span", "", t("continued", { title }))),
  });
}

function looseBox(state, notes, area, label) {
  if (!notes.length) return null;
  return section(notes.map((note) => noteEl(state, note)), {
    box: () => h("section", { class: "board-group loose", style: { "--area": area?.color || "#9aa5b1" } }),
    head: h("h3", { class: "board-group-title" }, h("span", {}, label)),
    continued: h("h3", { class: "board-group-title" }, h("span", {}, t("continued", { title: label }))),
  });
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
  const options = { max: 48, widths: [11.5, 14] };
  const flows = [];
  const clusterPanel = (area, title, sections, message, extra) => {
    const content = sections.filter(Boolean);
    const container = h("div", { class: "board-clusters board-flow" }, content.length ? null : empty(message));
    const root = panel(area, title, null, container, extra);
    if (content.length) flows.push(flowIn(container, content, root.querySelector(".board-area-page")));
    return root;
  };
  if (byArea) {
    const children = stage("clusters", areas.length, areas.map((area) => {
      const own = groups.filter((group) => group.area === area.key);
      const rest = loose ? looseNotes.filter((note) => note.area === area.key) : [];
      return clusterPanel(area, localized(area.label),
        [...own.map((group) => groupBox(state, group, inGroup(group), { pledges, dots })), looseBox(state, rest, area, t("loose_notes"))],
        t("no_notes"));
    }));
    return { children, fit: () => fitted([{ root: children, flows }], options) };
  }
  const boxes = groups.map((group) => groupBox(state, group, inGroup(group), { pledges, dots }));
  if (loose) {
    for (const area of areas) {
      const label = areas.length > 1 ? `${localized(area.label)} — ${t("loose_notes")}` : t("loose_notes");
      boxes.push(looseBox(state, looseNotes.filter((note) => note.area === area.key), area, label));
    }
  }
  const children = stage("clusters", 1, clusterPanel(null, null, boxes, groups.length ? t("no_notes") : t("no_groups"), { class: "bare" }));
  return { children, fit: () => fitted([{ root: children, flows }], options) };
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
    fit: still,
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
    fit: fitShorter(sizes(52, 12, [2]), (list, limit) => chart(state, list, limit), parts, single ? 12 : 8),
  };
}

// A chart or list that does not fit at the readable size shows fewer items ("and 9
// more"): the type never shrinks below it.
function fitShorter(options, build, parts, limit) {
  return (root) => {
    root.querySelectorAll(".board-area").forEach((panelEl, i) => {
      for (let shown = limit; ; shown -= 1) {
        // A narrow panel (a laptop's pane) keeps the label column wide enough to read.
        const max = Math.max(readable(), Math.min(options.max, Math.floor(panelEl.clientWidth / 28)));
        fit(panelEl, [...panelEl.querySelectorAll(".fit")], { ...options, max, min: readable() });
        if (!panelEl.dataset.overfull || shown <= 1) break;
        panelEl.querySelector(".fit").replaceWith(build(parts[i].results, shown - 1));
      }
    });
    return ONE_PAGE;
  };
}

function cardEl(state, card) {
  return h("article", { class: "board-card", dataset: { id: card.id } },
    textIn(state, "p", "", card.text),
    card.author ? h("footer", {}, card.author) : null);
}

function cardsIn(state, kind, slot, groupId) {
  return [...state.cards.values()]
    .filter((card) => card.kind === kind && card.slot === slot && (groupId === undefined || card.group_id === groupId))
    .sort((a, b) => a.id - b.id);
}

// A slot's cards, a flow of their own (`flows` collects it); its page count in `label`.
function slotCell(state, kind, slot, groupId, flows, label = null) {
  const cards = cardsIn(state, kind, slot.key, groupId);
  const cell = h("div", { class: "board-slot", dataset: { slot: slot.key } },
    cards.length ? null : h("p", { class: "board-slot-empty" }, "—"));
  if (cards.length) flows.push(flowIn(cell, [section(cards.map((card) => cardEl(state, card)))], label));
  return cell;
}

function topItems(state, area, count = 3) {
  if (!state.workshop.results_revealed || !area) return null;
  const list = ranking(state).filter((result) => result.area === area.key).slice(0, count);
  return list.length ? h("ol", { class: "board-axis-items" }, list.map((result) => textIn(state, "li", "", result.label))) : null;
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
  const flows = [];
  const cell = (key, className) => {
    const slot = slots.get(key) || { key, label: key, hint: "" };
    const page = h("span", { class: "board-area-page" });
    return h("section", { class: `board-quadrant ${className}` },
      h("h3", {}, h("span", { class: "board-slot-key" }, slot.key), " ", slot.label, page),
      slot.hint ? h("p", { class: "board-slot-hint" }, slot.hint) : null,
      slotCell(state, "strategy", slot, undefined, flows, page));
  };
  const grid = h("div", { class: "board-tows" },
    h("div", { class: "board-axis corner" }),
    axis(state, o, "col"), axis(state, tt, "col"),
    axis(state, s, "row"), cell("SO", "so"), cell("ST", "st"),
    axis(state, w, "row"), cell("WO", "wo"), cell("WT", "wt"));
  return { children: grid, fit: () => fitted([{ root: grid, flows }], { max: 40, widths: [10, 12.5, 15] }) };
}

export function roadmap(state) {
  const slots = slotsOf(state, "roadmap");
  const flows = [];
  const grid = h("div", { class: "board-roadmap" }, slots.map((slot) => {
    const page = h("span", { class: "board-area-page" });
    return h("section", { class: "board-horizon" },
      h("h3", {}, slot.label, page),
      slotCell(state, "roadmap", slot, undefined, flows, page));
  }));
  return { children: grid, fit: () => fitted([{ root: grid, flows }], { max: 44, widths: [10, 13, 16] }) };
}

// The coalition canvas: one row per chosen group, one column per field.
export function canvas(state) {
  const slots = slotsOf(state, "canvas");
  const groups = (state.canvasGroups || []).map((id) => state.groups.get(id)).filter(Boolean);
  if (!groups.length) return { children: h("div", { class: "board-message" }, h("p", {}, t("no_canvas_groups"))), fit: still };
  const flows = [];
  // Pledges are counted where a format takes them (a project review takes none).
  const pledging = state.format.phases.some((phase) => phase.allows.includes("pledge"));
  const grid = h("div", { class: "board-canvas", style: { "--fields": slots.length, "--rows": groups.length } },
    h("div", { class: "board-canvas-corner" }),
    slots.map((slot) => h("h3", { class: "board-canvas-field" }, slot.label)),
    groups.flatMap((group) => [
      h("h3", { class: "board-canvas-group" }, textIn(state, "span", "", group.title || t("untitled_group")),
        pledging ? h("span", { class: "board-badge pledges" }, plural("pledges", group.pledges || 0)) : null),
      ...slots.map((slot) => slotCell(state, "canvas", slot, group.id, flows)),
    ]));
  return { children: grid, fit: () => fitted([{ root: grid, flows }], { max: 36, widths: [8, 11] }) };
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
  const list = (results, limit) =>
    h("div", { class: "board-summary fit" }, results.length ? h("ol", {}, results.slice(0, limit).map(item)) : empty(t("no_votes")));
  const limit = single ? 6 : 3;
  return {
    children: stage("summary", parts.length, parts.map(({ area, results: ranked }) =>
      panel(area, area ? localized(area.label) : null, null, list(ranked, limit), { class: single ? "bare" : "" }))),
    fit: fitShorter(sizes(64, 14, [3]), list, parts, limit),
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
    fit: fitEach(sizes(64, 14, [3])),
  };
}

export function intro(state) {
  return {
    children: h("div", { class: "board-message intro" },
      h("p", { class: "board-intro-question" }, state.workshop.question || state.workshop.title),
      h("p", {}, t("scan_to_join"))),
    fit: still,
  };
}

export const VIEWS = {
  intro,
  silent_writing: facedown,
  ideation: wall,
  reveal: wall,
  // Once results are out, each group shows its dots (its own and its notes').
  grouping: (state) => clusters(state, { dots: state.workshop.results_revealed }),
  voting,
  results,
  react: opinions,
  pledges: (state) => clusters(state, { pledges: true, dots: state.workshop.results_revealed, loose: false }),
  strategies,
  roadmap,
  canvas,
  proposals,
  rate: rating,
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
