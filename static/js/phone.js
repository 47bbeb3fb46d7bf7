// The participant's phone: post notes into the format's areas; see them saved only once
// the server has acknowledged them; keep them through dropped connections.
import { h, replace, readConfig, t, localized } from "./dom.js";
import { Live } from "./live.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);
const form = $("note-form");
const text = $("note-text");
let area = null;
let lastError = null;

function phase(state) {
  return state.format.phases[state.workshop.phase_index];
}

function openAreas(state) {
  const allowed = phase(state).areas;
  return state.format.areas.filter((a) => !allowed || allowed.includes(a.key));
}

function renderPhase(state) {
  const current = phase(state);
  $("phone-phase").textContent = localized(current.label);
  $("phone-instructions").textContent = localized(current.instructions);
  const canPost = current.allows.includes("post") && !state.workshop.locked && state.workshop.status !== "ended";
  form.hidden = !canPost;
  $("phone-closed").hidden = canPost;
  $("phone-closed").textContent = canPost ? "" : t("phase_closed");
  renderAreas(state);
}

function renderAreas(state) {
  const areas = openAreas(state);
  if (!areas.some((a) => a.key === area)) area = areas[0]?.key ?? null;
  const picker = $("area-picker");
  picker.hidden = areas.length < 2;
  replace(picker, h("legend", {}, t("area")), areas.map((a) =>
    h("label", { class: "area-chip", style: { "--area": a.color } },
      h("input", { type: "radio", name: "area", value: a.key, checked: a.key === area,
        onchange: () => { area = a.key; } }),
      h("span", {}, localized(a.label)))));
}

function noteItem(note, status) {
  const areaInfo = live.state.format.areas.find((a) => a.key === note.area);
  return h("li", { class: `phone-note ${status}`, style: { "--area": areaInfo?.color || "#ffd84d" }, dataset: { status } },
    h("p", { class: "note-text" }, note.text),
    h("p", { class: "note-meta" },
      areaInfo && live.state.format.areas.length > 1 ? h("span", {}, localized(areaInfo.label)) : null,
      note.author ? h("span", {}, note.author) : null,
      status === "sending" ? h("span", { class: "badge" }, t("sending")) : null,
      status === "saved" ? h("span", { class: "badge ok" }, t("saved")) : null,
      status === "failed" ? h("span", { class: "badge error" }, t("failed")) : null));
}

function renderNotes(state) {
  const pending = live.unsent().filter((c) => c.name === "note.post")
    .map((c) => noteItem({ ...c.payload, id: c.payload.command_id }, "sending"));
  const notes = [...state.notes.values()].filter((n) => !n.hidden).sort((a, b) => b.id - a.id)
    .map((n) => noteItem(n, n.mine ? "saved" : "other"));
  const failed = lastError ? [h("li", { class: "phone-note failed", role: "alert" }, lastError)] : [];
  replace($("phone-notes"), failed, pending, notes);
}

function render(state) {
  if (!state.workshop) return;
  renderPhase(state);
  renderNotes(state);
}

function updateCount() {
  const left = config.noteMaxLength - text.value.length;
  $("note-count").textContent = t("chars_left", { n: left });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = text.value.trim();
  if (!value || !area) return;
  lastError = null;
  const { result } = live.send("note.post", { area, text: value });
  text.value = "";
  updateCount();
  result.catch((ack) => {
    lastError = ack.error?.message || t("failed");
    if (!text.value) text.value = value;
    render(live.state);
  });
  render(live.state);
});
text.addEventListener("input", updateCount);
updateCount();

live.onChange(render);
live.onStatus((status) => {
  const dot = $("phone-connection");
  dot.dataset.status = status;
  dot.textContent = status === "online" ? t("online") : status === "offline" ? t("offline") : t("connecting");
  if (live.state.workshop) render(live.state);
});
