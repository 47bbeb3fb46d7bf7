// Agree, disagree or pass: in a phase that allows `react`, the phone shows the notes one
// at a time, in the board's order (oldest first, so that "note 3" is the same note for
// everyone), with three big answers. An answer goes through the outbox (it survives a lost
// connection) and the next unanswered note comes; going back changes an answer. Notes
// posted meanwhile join the end of the queue. Every note shown to the room can be answered,
// one's own included, as the server accepts (docs/protocol.md, "Reactions").
import { h, localized, replace, t } from "../dom.js";
import { send, sig } from "./model.js";

export const ANSWERS = [
  { value: 1, key: "agree", label: "phone.react_agree", mark: "✓" },
  { value: -1, key: "disagree", label: "phone.react_disagree", mark: "✗" },
  { value: 0, key: "pass", label: "phone.react_pass", mark: "…" },
];

// The notes to answer: those every screen shows (not hidden), by id.
export function queue(v) {
  return [...v.state.notes.values()]
    .filter((note) => !note.hidden && !v.pending.noteDeletes.has(note.id))
    .sort((a, b) => a.id - b.id);
}

// My answer to a note: the one on its way if any, else the server's.
export function answerOf(v, noteId) {
  const key = String(noteId);
  if (v.pending.reactions.has(key)) return v.pending.reactions.get(key);
  const value = v.me.reactions?.[key];
  return value === undefined ? null : value;
}

const unanswered = (v) => (note) => answerOf(v, note.id) === null;

// Which note is shown: the one chosen (ui.reactAt), or the first unanswered one; null
// once every note has an answer and none was chosen ("all done").
function current(v, notes) {
  const chosen = notes.findIndex((note) => note.id === v.ui.reactAt);
  if (chosen >= 0) return chosen;
  const next = notes.findIndex(unanswered(v));
  return next >= 0 ? next : null;
}

// The title, and while the facilitator shows the opinion map, a line that says so (the
// phone does not draw it: the room reads it on the board).
const title = (mapShown) => [
  h("h2", { class: "react-title", id: "react-title" }, t("phone.react_title")),
  mapShown ? h("p", { class: "react-map-shown", role: "status" }, t("phone.react_map_shown")) : null,
];

export function renderReact(v, el, rerender) {
  const shown = v.allows.has("react") && !v.ended;
  el.hidden = !shown;
  if (!shown) { el._sig = null; return; }
  const notes = queue(v);
  const index = current(v, notes);
  const answered = notes.filter((note) => answerOf(v, note.id) !== null).length;
  const note = index === null ? null : notes[index];
  const answer = note ? answerOf(v, note.id) : null;
  const area = note ? v.areaOf.get(note.area) : null;
  const mapShown = Boolean(v.state.opinions);
  const signature = sig(note?.id, note?.text, area?.color, answer, index, notes.length, answered,
    v.canAct, v.pending.reactions.has(String(note?.id)), mapShown);
  if (el._sig === signature) return;
  const focused = el.contains(document.activeElement) ? document.activeElement.dataset.answer : null;
  el._sig = signature;

  const choose = (i) => { v.ui.reactAt = notes[i]?.id ?? null; rerender(); };
  const answerWith = (value) => {
    send(v.live, "react.cast", { note_id: note.id, value });
    // The next note still without an answer, after this one (or from the start); none
    // left: "all done" (-1 names no note) until a new note comes.
    const later = notes.find((other, i) => i > index && unanswered(v)(other));
    const next = later || notes.find((other) => other.id !== note.id && unanswered(v)(other));
    v.ui.reactAt = next ? next.id : -1;
    rerender();
  };

  const progress = h("div", { class: "react-progress" },
    h("p", { class: "react-count", "aria-live": "polite" },
      note ? t("phone.react_position", { n: index + 1, total: notes.length })
        : t("phone.react_progress", { n: answered, total: notes.length })),
    h("div", {
      class: "react-bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": notes.length,
      "aria-valuenow": answered, "aria-label": t("phone.react_progress", { n: answered, total: notes.length }),
    }, h("span", { style: { width: `${notes.length ? Math.round((100 * answered) / notes.length) : 0}%` } })));

  if (!notes.length) {
    replace(el, title(mapShown),
      h("p", { class: "empty" }, t("phone.react_no_notes")));
    return;
  }
  if (!note) {
    replace(el, title(mapShown), progress,
      h("div", { class: "react-done" },
        h("p", { class: "react-done-title" }, t("phone.react_done")),
        h("p", { class: "hint" }, t("phone.react_done_hint"))),
      h("div", { class: "react-nav" },
        h("button", { type: "button", class: "small", onclick: () => choose(0) }, t("phone.react_review"))));
    return;
  }
  const buttons = ANSWERS.map((option) => h("button", {
    type: "button",
    class: `react-answer ${option.key}`,
    "aria-pressed": String(answer === option.value),
    disabled: !v.canAct,
    dataset: { answer: option.key },
    onclick: () => answerWith(option.value),
  }, h("span", { class: "react-mark", "aria-hidden": "true" }, option.mark), h("span", {}, t(option.label))));
  const sending = v.pending.reactions.has(String(note.id));
  replace(el,
    title(mapShown),
    progress,
    h("article", { class: "react-note", style: { "--area": area?.color || "#ffd84d" }, dataset: { id: note.id } },
      area && v.areas.length > 1 ? h("p", { class: "react-area" }, localized(area.label)) : null,
      h("p", { class: "react-text", lang: v.workshop.language || null }, note.text),
      note.mine ? h("p", { class: "react-mine" }, t("phone.react_yours")) : null),
    h("div", { class: "react-answers", role: "group", "aria-label": t("phone.react_answers") }, buttons),
    h("p", { class: "react-status", "aria-live": "polite" },
      sending ? t("sending") : answer !== null ? t("phone.react_change_hint") : ""),
    h("div", { class: "react-nav" },
      h("button", { type: "button", class: "small", disabled: index === 0, onclick: () => choose(index - 1) },
        `‹ ${t("phone.react_previous")}`),
      h("button", { type: "button", class: "small", disabled: index >= notes.length - 1, onclick: () => choose(index + 1) },
        `${t("phone.react_next")} ›`)));
  if (focused) el.querySelector(`[data-answer="${focused}"]`)?.focus();
}
