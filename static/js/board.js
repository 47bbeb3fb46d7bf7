// The projected board: 1920×1080 read from the back of a room, no scrolling. The phase,
// the timer and the number of participants are always on top; the stage below shows what
// the phase is about (board/views.js), in type never below the readable size: what does
// not fit takes pages, turned every PAGE_SECONDS unless the facilitator holds one. The
// facilitator may zoom the board onto one area or group, or show the join screen.
import { h, replace, readConfig, t, plural, localized } from "./dom.js";
import { Live } from "./live.js";
import { currentPhase, timerView } from "./board/common.js";
import { drawStage } from "./board/stage.js";
import { prepare } from "./board/hyphens.js";
import { Pager } from "./board/pages.js";
import { renderPoll } from "./board/polls.js";
import { fadeDelay } from "./timer.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);

function renderHead(state) {
  const phase = currentPhase(state);
  $("board-title").textContent = state.workshop.title;
  $("board-question").textContent = state.workshop.question;
  $("board-question").hidden = !state.workshop.question;
  $("board-phase").textContent = localized(phase.label);
  $("board-presence").textContent = plural("participants", state.participants);
  $("board-joinview-presence").textContent = plural("joined", state.participants);
  const flags = [];
  if (state.workshop.status === "ended") flags.push(h("span", { class: "board-flag ended" }, t("workshop_ended")));
  else if (state.workshop.locked) flags.push(h("span", { class: "board-flag locked" }, t("board_locked")));
  if (state.workshop.status !== "ended" && !state.workshop.joining_open) {
    flags.push(h("span", { class: "board-flag joining-closed" }, t("joining_closed")));
  }
  replace($("board-flags"), flags);
  renderSynthesis(state);
  renderBanner(state, phase);
  const joining = state.workshop.board?.mode === "join";
  $("board-joinview").hidden = !joining;
  document.body.classList.toggle("joining", joining);
}

// Once the synthesis of an ended workshop is published, its QR code takes the join's place.
function renderSynthesis(state) {
  const url = state.workshop.status === "ended" ? state.workshop.synthesis_url : null;
  $("board-synthesis").hidden = !url;
  $("board-join").hidden = Boolean(url);
  const qr = $("board-synthesis-qr");
  if (url && qr.getAttribute("src") !== `${url}/qr.svg`) qr.setAttribute("src", `${url}/qr.svg`);
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

// The timer: a countdown, then "time is up" said calmly, fading away (timer.js).
function renderTimer() {
  const state = live.state;
  const el = $("board-timer");
  if (!state.workshop) return;
  const view = timerView(state.workshop, live.serverNow());
  const shown = view && view.state !== "done" && state.workshop.status !== "ended";
  const key = shown ? `${view.state}:${view.text}` : "";
  if (key === el.dataset.key) return;
  el.dataset.key = key;
  el.hidden = !shown;
  if (!shown) return;
  el.dataset.state = view.state;
  el.style.setProperty("--fade-delay", fadeDelay(view));
  el.dataset.low = view.state === "running" && view.left <= 30 ? "true" : "false";
  if (view.state === "over") { replace(el, h("span", { class: "board-timer-label" }, t("time_up"))); return; }
  const label = view.state === "paused" ? t("timer_paused") : "";
  replace(el, h("span", { class: "board-timer-clock" }, view.text), label ? h("span", { class: "board-timer-label" }, label) : null);
}

const pager = new Pager($("board-page"), () => {});
const stageEls = { stage: $("board-stage"), spotlight: $("board-spotlight"), focus: $("board-focus") };

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
    renderPoll($("board-poll"), state);
    if (stageDirty) {
      stageDirty = false;
      lastStage = performance.now();
      drawStage(stageEls, state, pager);
    }
    document.body.dataset.ready = "true";
  }), wait);
}

let language = null;
live.onChange((state, detail = {}) => {
  if (state.workshop && state.workshop.language !== language) {
    language = state.workshop.language;
    prepare(language).then((ready) => ready && schedule(true));
  }
  schedule(!(detail.heartbeat || detail.presence));
});
live.onStatus((status) => {
  const el = $("board-connection");
  el.dataset.status = status;
  el.textContent = status === "online" ? "" : status === "offline" ? t("offline") : status === "refused" ? t("refused") : t("connecting");
});
window.addEventListener("resize", () => schedule(true));
setInterval(renderTimer, 250);
