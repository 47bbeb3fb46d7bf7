// The projected board: areas laid out automatically, notes sized to fit without scrolling,
// the phase and timer always visible, the join code and QR code in a corner.
import { h, replace, readConfig, t, plural, localized } from "./dom.js";
import { Live } from "./live.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);

function phase(state) {
  return state.format.phases[state.workshop.phase_index];
}

function card(note) {
  return h("article", { class: "board-note", dataset: { id: note.id } },
    h("p", {}, note.text),
    note.author ? h("footer", {}, note.author) : null);
}

function hiddenCards(count) {
  return h("p", { class: "board-facedown" }, plural("notes_hidden", count));
}

function renderAreas(state) {
  const visible = phase(state).allows.includes("see_all");
  const notes = [...state.notes.values()].filter((n) => !n.hidden);
  const columns = state.format.areas.map((area) => {
    const own = notes.filter((n) => n.area === area.key).sort((a, b) => a.id - b.id);
    return h("section", { class: "board-area", style: { "--area": area.color } },
      h("h2", {}, localized(area.label), h("span", { class: "count" }, own.length)),
      h("div", { class: "board-notes" }, visible ? own.map(card) : own.length ? hiddenCards(own.length) : null));
  });
  const areas = $("board-areas");
  areas.dataset.areas = state.format.areas.length;
  areas.dataset.density = density(notes.length / state.format.areas.length);
  replace(areas, columns);
}

// Fewer notes, bigger type: about 100 notes fit a 1920×1080 wall without scrolling.
function density(perArea) {
  if (perArea <= 8) return "roomy";
  if (perArea <= 20) return "normal";
  if (perArea <= 45) return "dense";
  return "packed";
}

function render(state) {
  if (!state.workshop) return;
  const current = phase(state);
  $("board-title").textContent = state.workshop.title;
  $("board-question").textContent = state.workshop.question;
  $("board-phase").textContent = localized(current.label);
  $("board-presence").textContent = plural("participants", state.participants);
  renderAreas(state);
}

live.onChange(render);
live.onStatus((status) => {
  const el = $("board-connection");
  el.dataset.status = status;
  el.textContent = status === "online" ? "" : status === "offline" ? t("offline") : t("connecting");
});
