// The control page's notes and groups: moderation (hide, restore, fix a typo, spotlight,
// merge a duplicate) and grouping, by drag and drop (SortableJS) or, from the keyboard,
// with each note's "Group" menu. Elements are kept per note and updated in place, so a
// new note arriving never takes the focus or an edit in progress away.
import Sortable from "/static/vendor/sortablejs/sortable.esm.js";
import { h, lengthLimit, replace, t, plural, localized } from "../dom.js";
import { checkLength } from "../graphemes.js";
import { areaOf, byPosition, dotsOf, groupDots, groupsInOrder } from "../board/common.js";

const $ = (id) => document.getElementById(id);
const FILTER = "button, select, textarea, input, label, a";

export class NotesPanel {
  constructor(live, send) {
    this.live = live;
    this.send = send;
    this.notes = new Map(); // id -> {el, parts, key}
    this.groups = new Map(); // id -> {el, parts, key}
    this.editing = new Set();
    this.dragging = false;
    this.sortable($("loose-notes"));
  }

  sortable(list) {
    return Sortable.create(list, {
      group: {
        name: "notes",
        // A group of one area takes only notes of that area (the server would refuse).
        put: (to, _from, item) => !to.el.dataset.area || to.el.dataset.area === item.dataset.area,
      },
      animation: 150,
      filter: FILTER,
      preventOnFilter: false,
      ghostClass: "dragging-ghost",
      onStart: () => { this.dragging = true; },
      onEnd: (event) => { this.dragging = false; this.dropped(event); },
    });
  }

  // A note dropped into a group (renumbered there), or back among the loose notes.
  dropped(event) {
    const id = Number(event.item.dataset.id);
    if (event.from === event.to && event.oldIndex === event.newIndex) return;
    const groupId = event.to.dataset.group ? Number(event.to.dataset.group) : null;
    if (groupId === null) {
      this.send("note.place", { id, group_id: null, position: null });
    } else {
      [...event.to.children].forEach((li, index) => {
        const noteId = Number(li.dataset.id);
        const note = this.live.state.notes.get(noteId);
        if (noteId === id || !note || note.group_id !== groupId || note.position !== index + 1) {
          this.send("note.place", { id: noteId, group_id: groupId, position: index + 1 });
        }
      });
    }
    this.render(this.live.state);
  }

  render(state) {
    if (this.dragging) return;
    const multiArea = state.format.areas.length > 1;
    const groups = groupsInOrder(state);
    const known = new Set(groups.map((group) => group.id));
    const groupsKey = JSON.stringify(groups.map((group) => [group.id, group.title, group.area]));
    const context = { state, groups, groupsKey, multiArea, spotlight: state.workshop.spotlight };

    // Groups first (their lists must exist before notes go into them).
    for (const [id, view] of this.groups) {
      if (!known.has(id)) { view.sortable.destroy(); view.el.remove(); this.groups.delete(id); }
    }
    const container = $("control-groups");
    groups.forEach((group, index) => {
      const view = this.groups.get(group.id) || this.createGroup(group);
      this.updateGroup(view, group, context);
      if (container.children[index] !== view.el) container.insertBefore(view.el, container.children[index] || null);
    });

    const notes = [...state.notes.values()];
    for (const [id, view] of this.notes) {
      if (!state.notes.has(id)) { view.el.remove(); this.notes.delete(id); this.editing.delete(id); }
    }
    const lists = new Map([[null, []], ...groups.map((group) => [group.id, []])]);
    for (const note of notes) lists.get(note.group_id && known.has(note.group_id) ? note.group_id : null).push(note);
    for (const [groupId, members] of lists) {
      members.sort(groupId === null ? (a, b) => b.id - a.id : byPosition);
      const list = groupId === null ? $("loose-notes") : this.groups.get(groupId).parts.list;
      members.forEach((note, index) => {
        const view = this.notes.get(note.id) || this.createNote(note);
        this.updateNote(view, note, context);
        if (list.children[index] !== view.el) list.insertBefore(view.el, list.children[index] || null);
      });
    }
    const empty = $("no-notes");
    empty.hidden = notes.length > 0;
    empty.textContent = t("no_notes");
  }

  createGroup(group) {
    const title = h("input", { class: "group-title-input", "aria-label": t("group_title"), dataset: { key: `group-title-${group.id}`, ...lengthLimit(120) } });
    const rename = h("form", { class: "group-rename", onsubmit: (event) => {
      event.preventDefault();
      this.send("group.update", { id: group.id, title: title.value.trim(), position: null });
    } }, title, h("button", { type: "submit", class: "small", dataset: { key: `group-rename-${group.id}` } }, t("rename")));
    const meta = h("span", { class: "group-meta" });
    const spot = h("button", { type: "button", class: "small", dataset: { key: `group-spot-${group.id}` }, onclick: () => this.toggleSpotlight(`group:${group.id}`) }, t("spotlight"));
    const remove = h("button", { type: "button", class: "small danger", dataset: { key: `group-delete-${group.id}` }, onclick: () => this.send("group.delete", { id: group.id }) }, t("delete"));
    const list = h("ul", { class: "note-list", dataset: { group: group.id } });
    const heading = h("h3", { class: "visually-hidden", id: `group-${group.id}-heading` });
    const el = h("section", { class: "control-group", dataset: { id: group.id }, "aria-labelledby": `group-${group.id}-heading` },
      heading,
      h("header", { class: "control-group-head" }, rename, meta, h("span", { class: "group-actions" }, spot, remove)),
      list);
    const view = { el, parts: { title, meta, spot, remove, list, heading }, key: null };
    view.sortable = this.sortable(list);
    this.groups.set(group.id, view);
    return view;
  }

  updateGroup(view, group, { state, spotlight }) {
    const area = areaOf(state, group.area);
    const dots = groupDots(state, group);
    const key = JSON.stringify([group.seq, group.title, dots, group.pledges, spotlight, state.format.areas.length]);
    if (view.key === key) return;
    view.key = key;
    const { title, meta, spot, list, heading } = view.parts;
    if (document.activeElement !== title) title.value = group.title;
    heading.textContent = group.title || t("untitled_group");
    view.el.style.setProperty("--area", area?.color || "#8a939e");
    list.dataset.area = group.area || "";
    const facts = [];
    if (area && state.format.areas.length > 1) facts.push(localized(area.label));
    if (dots) facts.push(plural("dots", dots));
    if (group.pledges) facts.push(plural("pledges", group.pledges));
    meta.textContent = facts.join(" · ");
    spot.setAttribute("aria-pressed", String(spotlight === `group:${group.id}`));
  }

  createNote(note) {
    const id = note.id;
    const text = h("p", { class: "note-text", id: `note-${id}-text` });
    const meta = h("p", { class: "note-meta" });
    const described = { "aria-describedby": `note-${id}-text` };
    const hide = h("button", { type: "button", class: "small", ...described, dataset: { key: `hide-${id}` }, onclick: () => {
      const current = this.live.state.notes.get(id);
      this.send("note.moderate", { id, hidden: !current.hidden });
    } });
    const edit = h("button", { type: "button", class: "small", ...described, dataset: { key: `edit-${id}` }, onclick: () => this.startEdit(id) }, t("edit"));
    const spot = h("button", { type: "button", class: "small", ...described, dataset: { key: `spot-${id}` }, onclick: () => this.toggleSpotlight(`note:${id}`) }, t("spotlight"));
    const merge = h("button", { type: "button", class: "small", ...described, "aria-expanded": "false", dataset: { key: `merge-${id}` }, onclick: () => this.openMerge(id) }, t("merge"));
    const group = h("select", { class: "note-group", id: `note-${id}-group`, dataset: { key: `group-${id}` }, onchange: (event) => {
      const value = event.target.value;
      this.send("note.place", { id, group_id: value ? Number(value) : null, position: null });
    } });
    const groupField = h("span", { class: "note-group-field" }, h("label", { for: `note-${id}-group` }, t("group")), group);
    const mergeBox = h("div", { class: "note-merge", hidden: true });
    const editBox = h("div", { class: "note-edit", hidden: true });
    const el = h("li", { class: "control-note", dataset: { id } },
      text, editBox, meta,
      h("div", { class: "note-actions" }, hide, edit, spot, merge, groupField),
      mergeBox);
    const view = { el, parts: { text, meta, hide, edit, spot, merge, group, mergeBox, editBox }, key: null, groupsKey: null };
    this.notes.set(id, view);
    return view;
  }

  updateNote(view, note, { state, groups, groupsKey, multiArea, spotlight }) {
    const dots = dotsOf(state, `note:${note.id}`);
    const key = JSON.stringify([note.seq, note.text, note.hidden, note.group_id, dots, spotlight]);
    const { text, meta, hide, spot, group } = view.parts;
    if (view.groupsKey !== groupsKey) {
      view.groupsKey = groupsKey;
      // Only the groups this note may join: any area, or its own.
      const options = groups.filter((g) => !g.area || g.area === note.area)
        .map((g) => h("option", { value: g.id }, g.title || t("untitled_group")));
      replace(group, h("option", { value: "" }, t("no_group")), options);
      view.key = null;
    }
    if (view.key === key) return;
    view.key = key;
    const area = areaOf(state, note.area);
    view.el.dataset.area = note.area;
    view.el.style.setProperty("--area", area?.color || "#ffd84d");
    view.el.classList.toggle("hidden-note", Boolean(note.hidden));
    text.textContent = note.text ?? "";
    const facts = [];
    if (multiArea && area) facts.push(localized(area.label));
    if (note.author) facts.push(note.author);
    if (dots) facts.push(plural("dots", dots));
    replace(meta, note.hidden ? h("span", { class: "badge" }, t("hidden")) : null, facts.join(" · "));
    hide.textContent = note.hidden ? t("restore") : t("hide");
    spot.setAttribute("aria-pressed", String(spotlight === `note:${note.id}`));
    spot.disabled = Boolean(note.hidden);
    group.value = note.group_id && groups.some((g) => g.id === note.group_id) ? String(note.group_id) : "";
  }

  toggleSpotlight(target) {
    const current = this.live.state.workshop.spotlight;
    this.send("spotlight", { target: current === target ? null : target });
  }

  // Typo fixes in place: Ctrl+Enter or Save keeps the change, Escape or Cancel drops it.
  startEdit(id) {
    const view = this.notes.get(id);
    const note = this.live.state.notes.get(id);
    if (!view || !note) return;
    const { text, editBox, edit } = view.parts;
    const area = h("textarea", { rows: 3, "aria-label": t("note_text"), dataset: { key: `edit-text-${id}`, ...lengthLimit(280) } });
    area.value = note.text;
    const close = () => {
      this.editing.delete(id);
      editBox.hidden = true;
      replace(editBox);
      text.hidden = false;
      edit.focus();
    };
    const save = () => {
      if (checkLength(area)) { area.reportValidity(); return; }
      const value = area.value.trim();
      if (value && value !== note.text) this.send("note.edit", { id, text: value });
      close();
    };
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); close(); }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(); }
    });
    replace(editBox, area, h("div", { class: "row" },
      h("button", { type: "button", class: "small primary", onclick: save }, t("save")),
      h("button", { type: "button", class: "small", onclick: close }, t("cancel"))));
    this.editing.add(id);
    text.hidden = true;
    editBox.hidden = false;
    area.focus();
  }

  // Merging a duplicate: choose the note it repeats, then confirm.
  openMerge(id) {
    const view = this.notes.get(id);
    const state = this.live.state;
    const note = state.notes.get(id);
    if (!view || !note) return;
    const { mergeBox, merge } = view.parts;
    if (!mergeBox.hidden) { this.closeMerge(view); return; }
    const others = [...state.notes.values()].filter((other) => other.id !== id && !other.hidden)
      .sort((a, b) => (a.area === note.area ? 0 : 1) - (b.area === note.area ? 0 : 1) || a.id - b.id);
    const select = h("select", { id: `note-${id}-into`, dataset: { key: `merge-into-${id}` } },
      others.map((other) => h("option", { value: other.id }, excerpt(other.text))));
    replace(mergeBox,
      h("label", { for: `note-${id}-into` }, t("merge_into")), select,
      h("div", { class: "row" },
        h("button", { type: "button", class: "small primary", disabled: !others.length, onclick: () => {
          this.send("note.merge", { id, into: Number(select.value) });
          this.closeMerge(view);
        } }, t("merge_confirm")),
        h("button", { type: "button", class: "small", onclick: () => this.closeMerge(view) }, t("cancel"))));
    mergeBox.hidden = false;
    merge.setAttribute("aria-expanded", "true");
    select.focus();
  }

  closeMerge(view) {
    view.parts.mergeBox.hidden = true;
    replace(view.parts.mergeBox);
    view.parts.merge.setAttribute("aria-expanded", "false");
    view.parts.merge.focus();
  }
}

export function excerpt(text, length = 70) {
  const clean = (text || "").replace(/\s+/g, " ").trim();
  return clean.length > length ? `${clean.slice(0, length - 1)}…` : clean;
}
