// The projected board: 1920×1080 read from the back of a room, no scrolling. The phase,
// the timer and the number of participants are always on top; the stage below shows what
// the phase is about (board/views.js), sized automatically to fit (board/fit.js).
import { h, replace, readConfig, t, plural, localized } from "./dom.js";
import { Live } from "./live.js";
import { currentPhase, timerView, areaOf, byPosition } from "./board/common.js";
import { viewFor, noteEl, inkFor } from "./board/views.js";
import { fit, sizes } from "./board/fit.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);

// Kinds whose screens need the canvas groups, which only snapshots carry.

function renderHead(state) {
  const phase = currentPhase(state);
  $("board-title").textContent = state.workshop.title;
  $("board-question").textContent = state.workshop.question;
  $("board-question").hidden = !state.workshop.question;
  $("board-phase").textContent = localized(phase.label);
  $("board-presence").textContent = plural("participants", state.participants);
  const flags = [];
  if (state.workshop.status === "ended") flags.push(h("span", { class: "board-flag ended" }, t("workshop_ended")));
  else if (state.workshop.locked) flags.push(h("span", { class: "board-flag locked" }, t("board_locked")));
  replace($("board-flags"), flags);
  renderBanner(state, phase);
}

// Voting: how many dots are cast and by how many people, never where they went.
function renderBanner(state, phase) {
  const banner = $("board-banner");
  const voting = phase.allows.includes("vote");
  banner.hidden = !voting;
  if (!voting) return;
  const total = state.tallies?.total || 0;
  const voters = state.tallies?.voters || 0;
  banner.textContent = `${plural("dots_cast", total)} ${plural("by_voters", voters)}`;
}

function renderTimer() {
  const state = live.state;
  const el = $("board-timer");
  if (!state.workshop) return;
  const view = timerView(state.workshop, live.serverNow());
  const key = view ? `${view.state}:${view.text}` : "";
  if (key === el.dataset.key) return;
  el.dataset.key = key;
  el.hidden = !view;
  if (!view) return;
  el.dataset.state = view.state;
  el.dataset.low = view.state === "running" && view.left <= 30 ? "true" : "false";
  const label = view.state === "paused" ? t("timer_paused") : view.state === "over" ? t("time_up") : "";
  replace(el, h("span", { class: "board-timer-clock" }, view.text), label ? h("span", { class: "board-timer-label" }, label) : null);
}

function renderStage(state) {
  const phase = currentPhase(state);
  const el = $("board-stage");
  el.dataset.kind = phase.kind;
  const view = viewFor(phase)(state);
  replace(el, view.children);
  view.size(el);
}

// One item shown very large over the board: a note, or a group with its notes.
function renderSpotlight(state) {
  const el = $("board-spotlight");
  const [kind, id] = (state.workshop.spotlight || "").split(":");
  let content = null;
  if (kind === "note") {
    const note = state.notes.get(Number(id));
    if (note && !note.hidden) {
      const colour = note.color || areaOf(state, note.area)?.color || "#ffd84d";
      const area = areaOf(state, note.area);
      content = h("article", { class: "board-spotlight-note fit", style: { "--note": colour, "--ink": inkFor(colour) } },
        area && state.format.areas.length > 1 ? h("p", { class: "board-spotlight-area" }, localized(area.label)) : null,
        h("p", { class: "board-spotlight-text" }, note.text),
        note.author ? h("footer", {}, note.author) : null);
    }
  } else if (kind === "group") {
    const group = state.groups.get(Number(id));
    if (group) {
      const notes = [...state.notes.values()].filter((note) => note.group_id === group.id && !note.hidden).sort(byPosition);
      content = h("section", { class: "board-spotlight-group" },
        h("h2", {}, group.title || t("untitled_group")),
        h("div", { class: "board-flow board-notes fit" }, notes.map((note) => noteEl(state, note))));
    }
  }
  el.hidden = !content;
  if (!content) { replace(el); return; }
  replace(el, content);
  fit(el, [...el.querySelectorAll(".fit")], kind === "note" ? sizes(140, 24, [24]) : sizes(64, 14, [5, 4, 3], [9, 11, 13]));
}

// Drawing the stage measures the page, so it happens once per frame at most, and only
// when something it shows has changed (a heartbeat alone only updates the header).
// During a burst (a hundred phones posting at once) the stage is redrawn every 300 ms.
const STAGE_INTERVAL_MS = 300;
let stageDirty = true;
let frame = null;
let lastStage = 0;

function schedule(full) {
  stageDirty = stageDirty || full;
  if (frame) return;
  const wait = stageDirty ? Math.max(0, lastStage + STAGE_INTERVAL_MS - performance.now()) : 0;
  frame = setTimeout(() => requestAnimationFrame(() => {
    frame = null;
    const state = live.state;
    if (!state.workshop) return;
    renderHead(state);
    renderTimer();
    if (stageDirty) {
      stageDirty = false;
      lastStage = performance.now();
      renderStage(state);
      renderSpotlight(state);
    }
    document.body.dataset.ready = "true";
  }), wait);
}

live.onChange((state, detail = {}) => {
  schedule(!(detail.heartbeat || detail.presence));
});
live.onStatus((status) => {
  const el = $("board-connection");
  el.dataset.status = status;
  el.textContent = status === "online" ? "" : status === "offline" ? t("offline") : status === "refused" ? t("refused") : t("connecting");
});
window.addEventListener("resize", () => schedule(true));
setInterval(renderTimer, 250);
