// The facilitator's control page: phases, presence, the notes as they arrive.
import { h, replace, readConfig, t, localized } from "./dom.js";
import { Live } from "./live.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);

function renderPhases(state) {
  const items = state.format.phases.map((phase, index) =>
    h("li", { class: index === state.workshop.phase_index ? "current" : "", "aria-current": index === state.workshop.phase_index ? "step" : null },
      h("button", { type: "button", class: "link", onclick: () => move(index) }, localized(phase.label))));
  replace($("control-phases"), items);
  $("phase-previous").disabled = state.workshop.phase_index === 0;
  $("phase-next").disabled = state.workshop.phase_index >= state.format.phases.length - 1;
}

function renderNotes(state) {
  const notes = [...state.notes.values()].sort((a, b) => b.id - a.id);
  $("control-count").textContent = notes.length;
  const areas = new Map(state.format.areas.map((a) => [a.key, a]));
  replace($("control-notes"), notes.length ? notes.map((note) =>
    h("article", { class: `control-note${note.hidden ? " hidden-note" : ""}`, style: { "--area": areas.get(note.area)?.color } },
      h("p", {}, note.text),
      h("footer", {}, localized(areas.get(note.area)?.label), note.author ? ` · ${note.author}` : ""))) : h("p", {}, t("no_notes")));
}

function render(state) {
  if (!state.workshop) return;
  $("control-presence").textContent = state.participants;
  renderPhases(state);
  renderNotes(state);
}

function move(index) {
  live.send("phase.move", { index });
}

$("phase-previous").addEventListener("click", () => move(live.state.workshop.phase_index - 1));
$("phase-next").addEventListener("click", () => move(live.state.workshop.phase_index + 1));
live.onChange(render);
live.onStatus((status) => {
  $("control-connection").textContent = status === "online" ? t("online") : status === "offline" ? t("offline") : t("connecting");
});
