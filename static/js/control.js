// The facilitator's control page, keyboard first: phases, timer, the board's lock, the
// results and the spotlight, moderation and grouping (control/notes.js), the live vote,
// the coalition canvas, cards. Every change goes through live.send; refusals are read
// out in an assertive live region.
import { h, replace, readConfig, t, plural, localized } from "./dom.js";
import { Live } from "./live.js";
import {
  CARD_KIND, currentPhase, timerView, votingPhase, ranking, rankLabel, slotsOf, dotsOf, groupDots, targetOf,
} from "./board/common.js";
import { NotesPanel, excerpt } from "./control/notes.js";
import { BoardViewPanel } from "./control/board.js";
import { AssistPanel } from "./control/assist.js";
import { OpinionsPanel } from "./control/opinions.js";
import { RatingsPanel } from "./control/ratings.js";
import { PollsPanel } from "./control/polls.js";
import { Chime } from "./timer.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);
const RULES_KEY = `fabrique.voterules.${config.code}`;

// ---- Commands and their refusals -------------------------------------------------------

function send(name, payload = {}) {
  const { result } = live.send(name, payload);
  result.catch((ack) => showError(ack?.error));
  return result;
}

function showError(error) {
  if (!error) return;
  const fields = Object.values(error.fields || {}).flat();
  const text = [error.message, ...fields].filter(Boolean).join(" ");
  const box = $("control-feedback");
  const item = h("p", { class: "feedback-item" },
    h("span", {}, text || t("failed")),
    h("button", { type: "button", class: "small", onclick: () => { item.remove(); $("phase-next").focus(); } }, t("dismiss")));
  box.append(item);
  while (box.children.length > 3) box.firstElementChild.remove();
}

function announce(text) {
  const status = $("control-status");
  status.textContent = "";
  setTimeout(() => { status.textContent = text; }, 50);
}

// ---- Rendering, keeping the focus where it was ----------------------------------------

const notesPanel = new NotesPanel(live, send);
const boardView = new BoardViewPanel(live, send);
const assist = new AssistPanel(live, send, notesPanel);
const opinionsPanel = new OpinionsPanel(live, send);
const ratings = new RatingsPanel(live, send);
const polls = new PollsPanel(live, send);
const signatures = new Map();

// Run a section's render only when what it shows has changed.
function section(name, signature, render) {
  const key = JSON.stringify(signature);
  if (signatures.get(name) === key) return;
  signatures.set(name, key);
  render();
}

function render(state) {
  if (!state.workshop) return;
  const focusKey = document.activeElement?.dataset?.key || document.activeElement?.id;
  const focused = document.activeElement;
  $("control-presence").textContent = state.participants;
  $("control-count").textContent = [...state.notes.values()].length;
  renderPhases(state);
  renderBoardControls(state);
  boardView.render(state);
  renderVoting(state);
  opinionsPanel.render(state);
  ratings.render(state);
  polls.render(state);
  renderCanvas(state);
  renderCards(state);
  renderProposals(state);
  assist.render(state);
  notesPanel.render(state);
  renderTimer();
  // An element that was moved or redrawn loses the focus: give it back to its twin.
  if (focusKey && document.activeElement !== focused && (!document.activeElement || document.activeElement === document.body)) {
    const again = document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`) || document.getElementById(focusKey);
    again?.focus();
  }
}

function renderPhases(state) {
  const index = state.workshop.phase_index;
  section("phases", [index, state.format.phases.length], () => {
    const items = state.format.phases.map((phase, i) =>
      h("li", { class: i === index ? "current" : "" },
        h("button", { type: "button", class: "link", "aria-current": i === index ? "step" : null, dataset: { key: `phase-${i}` }, onclick: () => move(i) },
          localized(phase.label))));
    replace($("control-phases"), items);
    const phase = currentPhase(state);
    $("phase-instructions").textContent = localized(phase.instructions);
    $("phase-previous").disabled = index === 0;
    $("phase-next").disabled = index >= state.format.phases.length - 1;
    if (phase.duration_minutes) $("timer-minutes").value = phase.duration_minutes;
  });
  renderResultsStep(state);
}

// Once the room has voted, the results: where the phase shows them (results, strategies
// drawn from them, a canvas…) and they are still hidden, revealing them is the next thing
// to do, so it is the primary action, above "Next phase".
function renderResultsStep(state) {
  const w = state.workshop;
  const voted = votingPhase(state);
  const step = $("results-step");
  step.hidden = !voted || state.format.phases.indexOf(voted) > w.phase_index;
  if (step.hidden) return;
  const showsResults = currentPhase(state).allows.includes("see_results");
  const first = showsResults && !w.results_revealed;
  const toggle = $("results-toggle");
  toggle.textContent = w.results_revealed ? t("hide_results") : t("reveal_results");
  toggle.setAttribute("aria-pressed", String(w.results_revealed));
  toggle.className = first ? "primary" : "small";
  $("phase-next").classList.toggle("primary", !first);
  step.classList.toggle("first", first);
  $("results-status").textContent = w.results_revealed ? t("results_shown_status")
    : first ? t("results_waiting_status") : t("results_hidden_status");
}

function renderBoardControls(state) {
  const w = state.workshop;
  const lock = $("lock-toggle");
  lock.textContent = w.locked ? t("unlock_board") : t("lock_board");
  lock.setAttribute("aria-pressed", String(w.locked));
  $("lock-status").textContent = w.locked ? t("locked_status") : t("unlocked_status");
  const joining = $("joining-toggle");
  joining.textContent = w.joining_open ? t("close_joining") : t("open_joining");
  joining.setAttribute("aria-pressed", String(!w.joining_open));
  $("joining-status").textContent = w.joining_open ? t("joining_open_status") : t("joining_closed_status");
  const spotlight = w.spotlight ? targetOf(state, w.spotlight) : null;
  $("spotlight-status").textContent = spotlight ? t("spotlight_on", { what: excerpt(spotlight.label || t("untitled_group"), 60) }) : t("spotlight_none");
  $("spotlight-clear").hidden = !w.spotlight;
  const ended = w.status === "ended";
  $("end-workshop").disabled = ended;
  $("ended-status").hidden = !ended;
  renderPublication(w, ended);
}

// The synthesis of an ended workshop, published at a public link (or withdrawn).
function renderPublication(w, ended) {
  const toggle = $("publish-toggle");
  toggle.disabled = !ended;
  toggle.textContent = w.synthesis_url ? t("withdraw_synthesis") : t("publish_synthesis");
  toggle.setAttribute("aria-pressed", String(Boolean(w.synthesis_url)));
  $("publish-value").value = w.synthesis_url ? "0" : "1";
  const address = w.synthesis_url ? new URL(w.synthesis_url, location.origin).href : null;
  replace($("publish-status"), address
    ? [t("synthesis_published_at"), " ", h("a", { href: address, target: "_blank", rel: "noopener", id: "publish-link" }, address)]
    : (ended ? t("synthesis_not_published") : t("synthesis_after_end")));
}

// The timer: "time is up" in calm colours, a chime if the facilitator asked for one.
let lastTimerState = null;
function renderTimer() {
  const state = live.state;
  if (!state.workshop) return;
  const view = timerView(state.workshop, live.serverNow());
  const display = $("timer-display");
  const suffix = { paused: t("timer_paused"), over: t("time_up"), done: t("time_up") }[view?.state];
  const text = view ? `${view.text}${suffix ? ` · ${suffix}` : ""}` : t("timer_none");
  if (display.textContent !== text) display.textContent = text;
  display.dataset.state = view?.state || "none";
  if (lastTimerState === "running" && view?.state === "over") {
    announce(t("time_up"));
    if (chimeWanted()) chime.play();
  }
  lastTimerState = view?.state || null;
  const toggle = $("timer-toggle");
  const label = view?.state === "paused" ? t("timer_resume") : t("timer_pause");
  if (toggle.textContent !== label) toggle.textContent = label;
  toggle.disabled = !view || view.state === "over" || view.state === "done";
  $("timer-stop").disabled = !view;
}

const CHIME_KEY = "fabrique.chime";
const chime = new Chime();
const chimeWanted = () => localStorage.getItem(CHIME_KEY) === "on";
$("timer-chime").checked = chimeWanted();
$("timer-chime").addEventListener("change", (event) => {
  localStorage.setItem(CHIME_KEY, event.target.checked ? "on" : "off");
  if (event.target.checked) { chime.unlock(); chime.play(); } // heard once: the sound works
});
// Browsers let a page play sound once someone has clicked or typed on it.
for (const kind of ["pointerdown", "keydown"]) {
  document.addEventListener(kind, () => { if (chimeWanted()) chime.unlock(); }, { capture: true });
}

function renderVoting(state) {
  const phase = currentPhase(state);
  const voting = votingPhase(state);
  const panel = $("vote-panel");
  const total = state.tallies?.total || 0;
  panel.hidden = !(phase.vote || total);
  if (panel.hidden) return;
  $("vote-progress").textContent = `${plural("dots_cast", total)} ${plural("by_voters", state.tallies?.voters || 0)}`;
  const stored = JSON.parse(localStorage.getItem(RULES_KEY) || "null");
  const rules = { ...(voting?.vote || {}), ...(stored || {}) };
  section("vote-rules", [rules.budget, rules.max_per_item, rules.per_area], () => {
    if (!rules.budget) return;
    $("vote-budget").value = rules.budget;
    $("vote-max").value = rules.max_per_item;
    $("vote-rules-current").textContent = t(rules.per_area ? "rules_now_per_area" : "rules_now", { budget: rules.budget, max: rules.max_per_item });
  });
  const ranked = ranking({ ...state, workshop: { ...state.workshop, results_revealed: false } });
  section("tallies", [ranked.map((r) => [r.target, r.dots, r.label]), state.format.areas.length], () => {
    const areas = new Map(state.format.areas.map((area) => [area.key, area]));
    replace($("tallies"), ranked.length ? ranked.map((result) =>
      h("li", { style: { "--area": areas.get(result.area)?.color || "#ffd84d" } },
        h("span", { class: "tally-rank" }, rankLabel(result)),
        h("span", { class: "tally-label" }, result.label || t("untitled_group")),
        h("span", { class: "tally-dots" }, plural("dots", result.dots)))) : h("li", { class: "hint" }, t("no_votes")));
  });
}

function hasKind(state, kind) {
  return state.format.phases.some((phase) => phase.kind === kind || phase.allows.includes(kind));
}

function renderCanvas(state) {
  const panel = $("canvas-panel");
  panel.hidden = !hasKind(state, "canvas") || !state.groups.size;
  if (panel.hidden) return;
  const groups = [...state.groups.values()].sort((a, b) =>
    groupDots(state, b) - groupDots(state, a) || (b.pledges || 0) - (a.pledges || 0) || a.position - b.position);
  const chosen = new Set(state.canvasGroups || []);
  section("canvas", [groups.map((g) => [g.id, g.title, g.pledges, groupDots(state, g)]), [...chosen]], () => {
    replace($("canvas-choices"), groups.map((group) => {
      const id = `canvas-group-${group.id}`;
      const facts = [plural("dots", groupDots(state, group)), plural("pledges", group.pledges || 0)].join(" · ");
      return h("div", { class: "choice" },
        h("input", { type: "checkbox", id, value: group.id, checked: chosen.has(group.id), dataset: { key: id } }),
        h("label", { for: id }, group.title || t("untitled_group"), h("span", { class: "hint" }, ` — ${facts}`)));
    }));
  });
}

function cardPhaseKind(state) {
  return CARD_KIND[currentPhase(state).kind] || null;
}

function renderCards(state) {
  const cards = [...state.cards.values()];
  const kind = cardPhaseKind(state);
  const panel = $("cards-panel");
  panel.hidden = !kind && !cards.length;
  if (panel.hidden) return;
  const canvasGroups = (state.canvasGroups || []).map((id) => state.groups.get(id)).filter(Boolean);
  section("card-form", [kind, canvasGroups.map((g) => [g.id, g.title])], () => {
    $("card-form").hidden = !kind;
    if (!kind) return;
    replace($("card-slot"), slotsOf(state, kind).map((slot) => h("option", { value: slot.key }, slot.label)));
    $("card-group-field").hidden = kind !== "canvas";
    replace($("card-group"), canvasGroups.map((group) => h("option", { value: group.id }, group.title || t("untitled_group"))));
  });
  section("cards", cards.map((card) => [card.id, card.seq, card.text]), () => {
    const slotLabels = new Map();
    for (const k of Object.values(CARD_KIND)) for (const slot of slotsOf(state, k)) slotLabels.set(`${k}:${slot.key}`, slot.label);
    const ordered = cards.sort((a, b) => a.kind.localeCompare(b.kind) || a.slot.localeCompare(b.slot) || a.id - b.id);
    replace($("cards-list"), ordered.length ? h("ul", { class: "cards" }, ordered.map((card) => {
      const group = card.group_id ? state.groups.get(card.group_id) : null;
      return h("li", { class: "control-card" },
        h("p", { class: "card-place" }, [slotLabels.get(`${card.kind}:${card.slot}`) || card.slot, group?.title].filter(Boolean).join(" · ")),
        h("p", { class: "card-text", id: `card-${card.id}-text` }, card.text),
        card.author ? h("p", { class: "hint" }, card.author) : null,
        h("div", { class: "row" },
          h("button", { type: "button", class: "small", "aria-describedby": `card-${card.id}-text`, dataset: { key: `card-spotlight-${card.id}` }, onclick: () => send("spotlight", { target: `card:${card.id}` }) }, t("spotlight")),
          h("button", { type: "button", class: "small danger", "aria-describedby": `card-${card.id}-text`, dataset: { key: `card-delete-${card.id}` }, onclick: () => send("card.delete", { id: card.id }) }, t("delete"))));
    })) : h("p", { class: "hint" }, t("no_cards")));
  });
}

// What can become a proposal: groups first (most dots first: their own and their notes'),
// then the voted notes.
function promotable(state) {
  const groups = [...state.groups.values()].map((group) => ({
    target: `group:${group.id}`, label: group.title || t("untitled_group"), dots: groupDots(state, group),
  }));
  const notes = [...state.notes.values()].filter((note) => !note.hidden).map((note) => ({
    target: `note:${note.id}`, label: excerpt(note.text, 80), dots: dotsOf(state, `note:${note.id}`),
  }));
  const byDots = (a, b) => b.dots - a.dots;
  return [...groups.sort(byDots), ...notes.sort(byDots).slice(0, 30)];
}

let promoteChosen = false; // until the facilitator picks, the first (most voted) is selected
function renderProposals(state) {
  const options = promotable(state);
  section("promote", options.map((option) => [option.target, option.label, option.dots]), () => {
    const current = promoteChosen ? $("promote-target").value : options[0]?.target;
    replace($("promote-target"), options.map((option) =>
      h("option", { value: option.target, selected: option.target === current },
        option.dots ? `${option.label} — ${plural("dots", option.dots)}` : option.label)));
  });
  const proposals = [...state.proposals.values()].sort((a, b) => a.id - b.id);
  section("proposals", proposals.map((p) => [p.id, p.title, p.status, p.members]), () => {
    replace($("proposals-list"), proposals.length ? proposals.map((proposal) =>
      h("li", {},
        h("a", { href: `/coalitions/${proposal.id}`, target: "_blank", rel: "noopener" }, proposal.title),
        h("span", { class: "hint" }, ` — ${t(`status_${proposal.status}`)} · ${plural("members", proposal.members)}`)))
      : h("li", { class: "hint" }, t("no_proposals")));
  });
}

// ---- Actions -------------------------------------------------------------------------

function move(index) {
  send("phase.move", { index });
}

$("phase-previous").addEventListener("click", () => move(live.state.workshop.phase_index - 1));
$("phase-next").addEventListener("click", () => move(live.state.workshop.phase_index + 1));

$("timer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const minutes = Number($("timer-minutes").value);
  if (!(minutes > 0)) { showError({ message: t("timer_minutes_invalid") }); return; }
  send("timer.start", { seconds: Math.min(4 * 3600, Math.round(minutes * 60)) });
});
$("timer-add").addEventListener("click", () => send("timer.add", { seconds: 60 }));
$("timer-toggle").addEventListener("click", () => {
  const paused = live.state.workshop?.timer_remaining !== null && live.state.workshop?.timer_remaining !== undefined && !live.state.workshop?.timer_ends_at;
  send(paused ? "timer.resume" : "timer.pause");
});
$("timer-stop").addEventListener("click", () => send("timer.stop"));

$("lock-toggle").addEventListener("click", () => send("workshop.lock", { locked: !live.state.workshop.locked }));
$("publish-form").addEventListener("submit", (event) => {
  if (live.status !== "online" || !live.state.workshop) return; // the form posts it
  event.preventDefault();
  send("synthesis.publish", { published: !live.state.workshop.synthesis_url });
});
$("joining-toggle").addEventListener("click", () => send("workshop.joining", { open: !live.state.workshop.joining_open }));
$("results-toggle").addEventListener("click", () => send("results.reveal", { revealed: !live.state.workshop.results_revealed }));
$("spotlight-clear").addEventListener("click", () => { send("spotlight", { target: null }); $("phase-next").focus(); });

const dialog = $("end-dialog");
$("end-workshop").addEventListener("click", () => dialog.showModal());
dialog.addEventListener("close", () => {
  if (dialog.returnValue === "end") send("workshop.end");
  $("end-workshop").focus();
});

$("vote-rules").addEventListener("submit", (event) => {
  event.preventDefault();
  const budget = Number($("vote-budget").value);
  const max = Number($("vote-max").value);
  send("vote.rules", { budget, max_per_item: max }).then(() => {
    localStorage.setItem(RULES_KEY, JSON.stringify({ budget, max_per_item: max }));
    announce(t("rules_saved"));
    signatures.delete("vote-rules");
    render(live.state);
  });
});

$("canvas-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const ids = [...$("canvas-choices").querySelectorAll("input:checked")].map((input) => Number(input.value));
  send("canvas.groups", { group_ids: ids }).then(() => {
    live.state.canvasGroups = ids;
    announce(t("saved"));
    render(live.state);
  });
});

$("promote-target").addEventListener("change", () => { promoteChosen = true; });
$("promote-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const target = $("promote-target").value;
  if (!target) return;
  send("proposal.promote", { target }).then(() => announce(t("promoted")));
});

$("card-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const kind = cardPhaseKind(live.state);
  const text = $("card-text").value.trim();
  if (!kind || !text) return;
  const groupId = kind === "canvas" ? Number($("card-group").value) || null : null;
  send("card.add", { kind, slot: $("card-slot").value, text, group_id: groupId, links: [] }).then(() => {
    $("card-text").value = "";
    announce(t("saved"));
  });
});

// ---- Live ----------------------------------------------------------------------------

let frame = null;
function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => { frame = null; render(live.state); });
}

live.onChange((state, detail = {}) => {
  if (detail.heartbeat) {
    $("control-presence").textContent = state.participants;
    return;
  }
  schedule();
});
live.onStatus((status) => {
  const el = $("control-connection");
  el.dataset.status = status;
  el.textContent = status === "online" ? t("online") : status === "offline" ? `${t("offline")} — ${t("commands_kept")}` : status === "refused" ? t("refused") : t("connecting");
});
setInterval(renderTimer, 500);
