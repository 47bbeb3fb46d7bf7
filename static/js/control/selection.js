// What the facilitator does with the notes they picked, each in one command: group them
// under a title (an existing group's, or a new one: one field for both), send them back
// to the loose notes, hide or restore them, merge them into one; with a single note,
// spotlight or fix it. The bar stays at the bottom of the screen while notes are sorted.
import { h, localized, plural, replace, t } from "../dom.js";
import { checkLength, shorten } from "../graphemes.js";
import { groupsInOrder } from "../board/common.js";

const $ = (id) => document.getElementById(id);
const MAX_SELECTION = 200; // notes in one command (notes/schemas.py)

export class SelectionBar {
  constructor(panel) {
    this.panel = panel;
    $("selection-bar").addEventListener("submit", (event) => { event.preventDefault(); this.group(); });
    $("group-title").addEventListener("input", () => this.render(this.panel.state));
    $("sel-loose").addEventListener("click", () => this.place(this.ids(), null));
    $("sel-hide").addEventListener("click", () => this.moderate());
    $("sel-merge").addEventListener("click", () => this.openMerge());
    $("sel-spotlight").addEventListener("click", () => this.panel.toggleSpotlight(`note:${this.ids()[0]}`));
    $("sel-edit").addEventListener("click", () => this.openEdit());
    $("sel-clear").addEventListener("click", () => this.panel.clear());
  }

  ids() {
    return [...this.panel.selected];
  }

  notes() {
    return this.ids().map((id) => this.panel.state.notes.get(id)).filter(Boolean);
  }

  send(name, payload) {
    return this.panel.send(name, payload);
  }

  // Commands of at most MAX_SELECTION notes (one, unless the selection is bigger).
  chunks(ids) {
    const parts = [];
    for (let i = 0; i < ids.length; i += MAX_SELECTION) parts.push(ids.slice(i, i + MAX_SELECTION));
    return parts;
  }

  // An action sent: its notes leave the selection at once (notes picked meanwhile stay
  // picked, and the next action never takes these along); a focus left on one of the
  // bar's buttons, hidden with the selection, goes back to the notes acted on. Once the
  // server has carried it out, `message` is read out.
  sent(ids, result, message) {
    const fromActions = Boolean(document.activeElement?.closest?.(".selection-actions, .selection-box"));
    this.panel.unpick(ids);
    if (fromActions) {
      const back = ids.find((id) => this.panel.notes.get(id)?.el.isConnected);
      if (back !== undefined) this.panel.focusNote(back);
      else $("group-title").focus();
    }
    return result.then(() => announce(message), () => {}); // a refusal is shown by send()
  }

  // ---- Grouping ----------------------------------------------------------------------

  // The area a new group takes: the selection's, when it has only one and the format
  // has several; else the area the page is filtered on; else none (any area).
  newArea(state) {
    if (state.format.areas.length < 2) return null;
    const areas = new Set(this.notes().map((note) => note.area));
    if (areas.size === 1) return [...areas][0];
    return areas.size ? null : this.panel.filter.area;
  }

  // The group a title names: an existing group that may take the selection, or null.
  existing(state, title) {
    const wanted = title.trim().toLocaleLowerCase();
    if (!wanted) return null;
    return groupsInOrder(state).find((group) => (group.title || "").trim().toLocaleLowerCase() === wanted && this.panel.fitting(group)) || null;
  }

  group() {
    const field = $("group-title");
    if (checkLength(field)) { field.reportValidity(); return; }
    const title = field.value.trim();
    const state = this.panel.state;
    const target = this.existing(state, title);
    const ids = this.ids();
    if (target && !ids.length) return;
    field.value = ""; // at once: the next group's title may be typed before this one is made
    if (target) { this.place(ids, target.id); return; }
    const [first = [], ...rest] = this.chunks(ids);
    const made = this.send("group.create", { title, area: this.newArea(state), note_ids: first }).then((ack) =>
      Promise.all(rest.map((part) => this.send("notes.place", { ids: part, group_id: ack.data.group.id }))).then(() => {
        if (ids.length) this.panel.onGrouped(ack.data.group.id);
      }));
    this.sent(ids, made, t("grouped_new", { title: title || t("untitled_group"), notes: plural("notes_count", ids.length) }));
  }

  into(groupId) {
    this.place(this.ids(), groupId);
  }

  place(ids, groupId) {
    if (!ids.length) return;
    const group = groupId ? this.panel.state.groups.get(groupId) : null;
    const placed = Promise.all(this.chunks(ids).map((part) => this.send("notes.place", { ids: part, group_id: groupId })));
    this.panel.moveTo(ids, groupId, placed);
    if (groupId) placed.then(() => this.panel.onGrouped(groupId), () => {});
    this.sent(ids, placed, group
      ? t("grouped_into", { title: group.title || t("untitled_group"), notes: plural("notes_count", ids.length) })
      : t("back_to_loose", { notes: plural("notes_count", ids.length) }));
  }

  // ---- Moderation --------------------------------------------------------------------

  moderate() {
    const notes = this.notes();
    const ids = notes.map((note) => note.id);
    const hidden = !notes.every((note) => note.hidden);
    const done = Promise.all(this.chunks(ids).map((part) => this.send("notes.moderate", { ids: part, hidden })));
    this.sent(ids, done, t(hidden ? "hidden_done" : "restored_done", { notes: plural("notes_count", ids.length) }));
  }

  // Merging duplicates: choose the note to keep (the oldest by default), confirm.
  openMerge() {
    const notes = this.notes().sort((a, b) => a.id - b.id);
    const box = $("merge-box");
    if (!box.hidden) { this.closeBox(box, "sel-merge"); return; }
    const select = h("select", { id: "merge-keep" },
      notes.map((note) => h("option", { value: note.id }, excerpt(note.text))));
    replace(box,
      h("label", { for: "merge-keep" }, t("merge_keep")), select,
      h("div", { class: "row" },
        h("button", { type: "button", class: "small primary", onclick: () => {
          const into = Number(select.value);
          const ids = notes.map((note) => note.id).filter((id) => id !== into);
          this.sent([into, ...ids], this.send("notes.merge", { ids, into }), t("merged_done", { notes: plural("notes_count", ids.length) }));
        } }, t("merge_confirm")),
        h("button", { type: "button", class: "small", onclick: () => this.closeBox(box, "sel-merge") }, t("cancel"))));
    box.hidden = false;
    $("sel-merge").setAttribute("aria-expanded", "true");
    select.focus();
  }

  // A typo fixed in place: Ctrl+Enter or Save keeps the change, Escape or Cancel drops it.
  openEdit() {
    const [note] = this.notes();
    const box = $("edit-box");
    if (!note) return;
    const area = h("textarea", { rows: 3, "aria-label": t("note_text"), dataset: { maxCharacters: 280, tooLong: t("too_long", { n: 280 }) } });
    area.value = note.text;
    const save = () => {
      if (checkLength(area)) { area.reportValidity(); return; }
      const value = area.value.trim();
      if (value && value !== note.text) this.send("note.edit", { id: note.id, text: value });
      this.closeBox(box, "sel-edit");
    };
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); this.closeBox(box, "sel-edit"); }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(); }
    });
    replace(box, area, h("div", { class: "row" },
      h("button", { type: "button", class: "small primary", onclick: save }, t("save")),
      h("button", { type: "button", class: "small", onclick: () => this.closeBox(box, "sel-edit") }, t("cancel"))));
    box.hidden = false;
    $("sel-edit").setAttribute("aria-expanded", "true");
    area.focus();
  }

  closeBox(box, opener, refocus = true) {
    box.hidden = true;
    replace(box);
    $(opener).setAttribute("aria-expanded", "false");
    if (refocus) $(opener).focus();
  }

  // ---- The bar -----------------------------------------------------------------------

  render(state) {
    const notes = this.notes();
    const count = notes.length;
    const shown = notes.filter((note) => this.panel.notes.get(note.id)?.el.isConnected).length;
    $("selection-bar").classList.toggle("active", count > 0);
    $("selection-count").textContent = count
      ? `${plural("selected", count)}${shown < count ? ` ${t("not_shown", { n: count - shown })}` : ""}`
      : t("nothing_selected");
    const title = $("group-title").value;
    const target = this.existing(state, title);
    $("group-submit").textContent = target ? t("group_into_existing") : count ? t("group_new") : t("create_group");
    $("group-submit").disabled = Boolean(target) && !count;
    const area = this.newArea(state);
    const areaLabel = area ? localized(state.format.areas.find((a) => a.key === area)?.label) : null;
    $("group-target").textContent = target ? t("target_existing", { title: target.title || t("untitled_group") })
      : title.trim() ? (areaLabel ? t("target_new_in", { title: title.trim(), area: areaLabel }) : t("target_new", { title: title.trim() })) : "";
    this.renderTitles(state);
    // Only what applies to this selection is offered.
    $("sel-loose").hidden = !notes.some((note) => note.group_id);
    $("sel-hide").textContent = count && notes.every((note) => note.hidden) ? t("restore") : t("hide");
    $("sel-merge").hidden = count < 2;
    $("sel-spotlight").hidden = count !== 1 || notes[0].hidden;
    $("sel-spotlight").setAttribute("aria-pressed", String(count === 1 && state.workshop.spotlight === `note:${notes[0].id}`));
    $("sel-edit").hidden = count !== 1;
    if (count < 2 && !$("merge-box").hidden) this.closeBox($("merge-box"), "sel-merge", false);
    if (count !== 1 && !$("edit-box").hidden) this.closeBox($("edit-box"), "sel-edit", false);
  }

  // The existing groups' titles, offered as the title is typed.
  renderTitles(state) {
    const titles = [...new Set(groupsInOrder(state).map((group) => group.title).filter(Boolean))];
    const list = $("group-titles");
    const signature = JSON.stringify(titles);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    replace(list, titles.map((title) => h("option", { value: title })));
  }
}

function announce(text) {
  const status = $("control-status");
  status.textContent = "";
  setTimeout(() => { status.textContent = text; }, 50);
}

// A note on one line, at most `length` characters (never cut inside one).
export function excerpt(text, length = 70) {
  return shorten((text || "").replace(/\s+/g, " ").trim(), length);
}
