// The control page's notes and groups, made for sorting a hundred notes: loose notes on
// the left as compact cards, groups on the right; a search and an area filter; notes
// picked into a selection (click, Space, Shift for a range, Ctrl+A) that one action then
// groups, hides or merges (control/selection.js). A card, or the whole selection, can be
// dragged onto a group or back to the loose notes. Elements are kept per note and group
// and updated in place, so a note arriving never takes the focus away.
import { h, lengthLimit, localized, plural, replace, t } from "../dom.js";
import { areaOf, byPosition, currentPhase, dotsOf, groupDots, groupsInOrder } from "../board/common.js";
import { SelectionBar } from "./selection.js";

const $ = (id) => document.getElementById(id);
const DRAG_TYPE = "application/x-fabrique-notes";

// Search ignores case and accents: "velo" finds "Vélo".
export function folded(text) {
  return (text || "").normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase();
}

export { excerpt } from "./selection.js";

export class NotesPanel {
  constructor(live, send) {
    this.live = live;
    this.send = send;
    this.notes = new Map(); // id -> {el, text, meta, key}
    this.groups = new Map(); // id -> {el, parts, key}
    this.selected = new Set();
    this.anchor = null; // the last note clicked: Shift extends from it
    // Notes sent to a group or back to the loose notes, shown there before the page's
    // state says so (``moveTo``): note id -> {group: id or null, seq: the ack's, once in}.
    this.moves = new Map();
    this.filter = { text: "", area: null };
    this.bar = new SelectionBar(this);
    // Set by the grouping assistance (control/assist.js): notes just put into a group,
    // a group's "Similar notes", whether a note is flagged as a duplicate.
    this.onGrouped = () => {};
    this.similarTo = null;
    this.flagged = () => false;
    this.onFilter = () => {}; // the area shown changed (the suggestions follow it)
    $("notes-search").addEventListener("input", (event) => {
      this.filter.text = folded(event.target.value.trim());
      this.render(this.live.state);
    });
    $("select-shown").addEventListener("click", () => this.selectAll($("loose-notes")));
    this.listbox($("loose-notes"));
    this.dropZone($("loose-pane"), () => null);
  }

  get state() {
    return this.live.state;
  }

  // ---- Rendering ---------------------------------------------------------------------

  render(state) {
    if (!state.workshop) return;
    for (const id of this.selected) if (!state.notes.has(id)) this.selected.delete(id);
    for (const [id, move] of this.moves) {
      if (!state.notes.has(id) || (move.seq !== null && this.live.seq >= move.seq)) this.moves.delete(id);
    }
    const groups = groupsInOrder(state);
    const known = new Set(groups.map((group) => group.id));
    this.renderAreas(state);
    this.renderGroups(state, groups);
    const lists = new Map([[null, []], ...groups.map((group) => [group.id, []])]);
    for (const note of state.notes.values()) {
      const groupId = this.groupOf(note);
      lists.get(groupId && known.has(groupId) ? groupId : null).push(note);
    }
    for (const [id, view] of this.notes) {
      if (!state.notes.has(id)) { view.el.remove(); this.notes.delete(id); }
    }
    let shown = 0;
    for (const [groupId, members] of lists) {
      members.sort(groupId === null ? (a, b) => a.id - b.id : byPosition);
      const list = groupId === null ? $("loose-notes") : this.groups.get(groupId).parts.list;
      const visible = members.filter((note) => this.matches(state, note));
      if (groupId === null) shown = visible.length;
      else this.groups.get(groupId).parts.filtered.textContent = visible.length < members.length
        ? t("notes_filtered_out", { n: members.length - visible.length }) : "";
      visible.forEach((note, index) => {
        const view = this.notes.get(note.id) || this.createNote(note);
        this.updateNote(view, note, state);
        if (list.children[index] !== view.el) list.insertBefore(view.el, list.children[index] || null);
      });
      for (const note of members) if (!visible.includes(note)) this.notes.get(note.id)?.el.remove();
      this.rove(list);
    }
    const loose = lists.get(null).length;
    $("loose-count").textContent = shown < loose ? t("shown_of", { shown, total: loose }) : String(loose);
    $("select-shown").textContent = t("select_shown", { n: shown });
    $("select-shown").disabled = !shown;
    const empty = $("no-notes");
    empty.hidden = shown > 0;
    empty.textContent = state.notes.size ? (loose ? t("no_match") : t("all_grouped")) : t("no_notes");
    $("notes-summary").textContent = t("notes_summary", {
      loose: plural("loose_notes_count", loose), groups: plural("groups_count", groups.length),
    });
    this.bar.render(state);
  }

  // Where a note is shown: where it was sent, until the page's state has caught up.
  groupOf(note) {
    const move = this.moves.get(note.id);
    return move ? move.group : note.group_id;
  }

  // Notes sent into a group (or back to the loose notes, ``groupId`` null) move there at
  // once: the list closes up as the facilitator acts, not a moment later under the
  // pointer aiming at the next note. Once the server has done it (``result``: the acks),
  // they stay there until the events up to the last ack's are applied; refused, they go
  // back where the state has them (the refusal is shown by send()).
  moveTo(ids, groupId, result) {
    const move = { group: groupId, seq: null };
    for (const id of ids) this.moves.set(id, move);
    result.then((acks) => {
      move.seq = Math.max(0, ...acks.map((ack) => ack.seq ?? 0));
      this.render(this.state);
    }, () => {
      for (const id of ids) if (this.moves.get(id) === move) this.moves.delete(id);
      this.render(this.state);
    });
    this.render(this.state);
  }

  matches(state, note) {
    if (this.filter.area && note.area !== this.filter.area) return false;
    if (!this.filter.text) return true;
    const author = note.author ? ` ${note.author}` : "";
    return folded(`${note.text ?? ""}${author}`).includes(this.filter.text);
  }

  // The area filter: chips "All", then one per area with its loose notes.
  renderAreas(state) {
    const box = $("notes-areas");
    box.hidden = state.format.areas.length < 2;
    if (box.hidden) return;
    const loose = new Map();
    for (const note of state.notes.values()) {
      const groupId = this.groupOf(note);
      if (!groupId || !state.groups.has(groupId)) loose.set(note.area, (loose.get(note.area) || 0) + 1);
    }
    const chips = [[null, t("all_areas"), null], ...state.format.areas.map((area) => [area.key, localized(area.label), area.color])];
    // The chips are made once per format and then updated in place: a chip being clicked
    // or holding the keyboard's focus is never replaced under it.
    const signature = JSON.stringify(chips);
    if (box.dataset.signature !== signature) {
      box.dataset.signature = signature;
      replace(box, chips.map(([key, label, color]) => h("button", {
        type: "button", class: "chip", style: color ? { "--area": color } : null,
        dataset: { key: `area-${key || "all"}`, area: key || "" },
        onclick: () => { this.filter.area = key; this.render(this.live.state); this.onFilter(); },
      }, label, key ? h("span", { class: "chip-count" }, "0") : null)));
    }
    for (const chip of box.children) {
      const key = chip.dataset.area || null;
      chip.setAttribute("aria-pressed", String(this.filter.area === key));
      const count = chip.querySelector(".chip-count");
      if (count) count.textContent = String(loose.get(key) || 0);
    }
  }

  renderGroups(state, groups) {
    const known = new Set(groups.map((group) => group.id));
    for (const [id, view] of this.groups) {
      if (!known.has(id)) { view.el.remove(); this.groups.delete(id); }
    }
    // Every group has its view (its notes' list too); those of another area than the
    // one shown are out of the page.
    const container = $("control-groups");
    const shown = groups.filter((group) => !this.filter.area || !group.area || group.area === this.filter.area);
    for (const group of groups) {
      const view = this.groups.get(group.id) || this.createGroup(group);
      this.updateGroup(view, group, state);
      if (!shown.includes(group)) view.el.remove();
    }
    shown.forEach((group, index) => {
      const { el } = this.groups.get(group.id);
      if (container.children[index] !== el) container.insertBefore(el, container.children[index] || null);
    });
    $("no-groups").hidden = groups.length > 0;
    $("groups-count").textContent = shown.length < groups.length ? t("shown_of", { shown: shown.length, total: groups.length }) : String(groups.length);
  }

  createGroup(group) {
    const id = group.id;
    const title = h("input", { class: "group-title-input", "aria-label": t("group_title"), dataset: { key: `group-title-${id}`, ...lengthLimit(120) } });
    const rename = h("form", { class: "group-rename", onsubmit: (event) => {
      event.preventDefault();
      const value = title.value.trim();
      if (value !== this.state.groups.get(id)?.title) this.send("group.update", { id, title: value, position: null });
    } }, title);
    title.addEventListener("blur", () => rename.requestSubmit());
    const meta = h("span", { class: "group-meta" });
    const add = h("button", { type: "button", class: "small add-here", dataset: { key: `group-add-${id}` }, onclick: () => this.bar.into(id) });
    const spot = h("button", { type: "button", class: "small", dataset: { key: `group-spot-${id}` }, onclick: () => this.toggleSpotlight(`group:${id}`) }, t("spotlight"));
    const similar = h("button", { type: "button", class: "small group-similar", dataset: { key: `group-similar-${id}` }, "aria-describedby": `group-${id}-heading`, onclick: () => this.similarTo?.(id) }, t("similar_notes"));
    const remove = h("button", { type: "button", class: "small danger group-delete", title: t("delete_group"), "aria-label": t("delete_group"), dataset: { key: `group-delete-${id}` }, onclick: () => this.send("group.delete", { id }) }, "✕");
    const heading = h("h4", { class: "visually-hidden", id: `group-${id}-heading` });
    const list = h("ul", { class: "group-notes", role: "listbox", "aria-multiselectable": "true", "aria-labelledby": `group-${id}-heading`, dataset: { group: id } });
    const filtered = h("p", { class: "hint group-filtered" });
    const el = h("section", { class: "control-group", dataset: { id }, "aria-labelledby": `group-${id}-heading` },
      heading,
      h("header", { class: "control-group-head" }, h("div", { class: "group-line" }, rename, remove),
        h("div", { class: "group-line" }, meta, h("span", { class: "group-actions" }, add, similar, spot))),
      list, filtered);
    const view = { el, parts: { title, meta, add, similar, spot, remove, list, heading, filtered }, key: null };
    this.listbox(list);
    this.dropZone(el, () => id);
    this.groups.set(id, view);
    return view;
  }

  updateGroup(view, group, state) {
    const area = areaOf(state, group.area);
    const dots = groupDots(state, group);
    const count = [...state.notes.values()].filter((note) => this.groupOf(note) === group.id).length;
    const fits = this.fitting(group);
    const grouping = currentPhase(state)?.kind === "grouping";
    const key = JSON.stringify([group.seq, group.title, dots, group.pledges, count, state.workshop.spotlight, state.format.areas.length, fits, this.selected.size, grouping]);
    if (view.key === key) return;
    view.key = key;
    const { title, meta, add, similar, spot, heading } = view.parts;
    similar.hidden = !grouping || !count;
    if (document.activeElement !== title) title.value = group.title;
    heading.textContent = group.title || t("untitled_group");
    view.el.style.setProperty("--area", area?.color || "#8a939e");
    view.el.dataset.area = group.area || "";
    const facts = [];
    if (area && state.format.areas.length > 1) facts.push(localized(area.label));
    facts.push(plural("notes_count", count));
    if (dots) facts.push(plural("dots", dots));
    if (group.pledges) facts.push(plural("pledges", group.pledges));
    meta.textContent = facts.join(" · ");
    add.hidden = !this.selected.size;
    add.disabled = !fits;
    add.textContent = t("add_selected", { n: this.selected.size });
    add.title = fits ? "" : t("other_area_selected");
    spot.setAttribute("aria-pressed", String(state.workshop.spotlight === `group:${group.id}`));
  }

  // Whether the selection may go into this group: a group of one area takes that area's.
  fitting(group) {
    if (!group.area) return true;
    return [...this.selected].every((id) => this.state.notes.get(id)?.area === group.area);
  }

  createNote(note) {
    const id = note.id;
    const text = h("p", { class: "note-text", id: `note-${id}-text` });
    const meta = h("p", { class: "note-meta" });
    const el = h("li", {
      class: "control-note", role: "option", tabindex: "-1", "aria-selected": "false",
      draggable: "true", dataset: { id, key: `note-${id}` },
      onclick: (event) => this.pick(id, event), ondragstart: (event) => this.dragStart(id, event),
    }, text, meta);
    const view = { el, text, meta, key: null };
    this.notes.set(id, view);
    return view;
  }

  updateNote(view, note, state) {
    const dots = dotsOf(state, `note:${note.id}`);
    const chosen = this.selected.has(note.id);
    // Its area is said unless the page, or its group, already says it.
    const sayArea = state.format.areas.length > 1 && !this.filter.area && !state.groups.get(note.group_id)?.area;
    const flagged = this.flagged(note.id);
    const key = JSON.stringify([note.seq, note.text, note.hidden, dots, chosen, state.workshop.spotlight, sayArea, flagged]);
    if (view.key === key) return;
    view.key = key;
    const area = areaOf(state, note.area);
    view.el.dataset.area = note.area;
    view.el.style.setProperty("--area", area?.color || "#ffd84d");
    view.el.classList.toggle("hidden-note", Boolean(note.hidden));
    view.el.classList.toggle("in-spotlight", state.workshop.spotlight === `note:${note.id}`);
    view.el.classList.toggle("flagged-note", flagged);
    view.el.setAttribute("aria-selected", String(chosen));
    view.text.textContent = note.text ?? "";
    const facts = [];
    if (sayArea && area) facts.push(localized(area.label));
    if (note.author) facts.push(note.author);
    if (dots) facts.push(plural("dots", dots));
    replace(view.meta, note.hidden ? h("span", { class: "badge" }, t("hidden")) : null,
      flagged ? h("span", { class: "badge flag" }, t("duplicate_flag")) : null, facts.join(" · "));
  }

  // ---- Selection ---------------------------------------------------------------------

  // A click (or Space) picks or unpicks a note; with Shift, every note from the last one.
  pick(id, event = {}) {
    const list = this.notes.get(id)?.el.parentElement;
    if (event.shiftKey && this.anchor !== null && list?.contains(this.notes.get(this.anchor)?.el)) {
      const items = [...list.children];
      const [from, to] = [items.indexOf(this.notes.get(this.anchor).el), items.indexOf(this.notes.get(id).el)].sort((a, b) => a - b);
      for (const li of items.slice(from, to + 1)) this.selected.add(Number(li.dataset.id));
    } else if (this.selected.has(id)) {
      this.selected.delete(id);
    } else {
      this.selected.add(id);
    }
    this.anchor = id;
    this.focusNote(id);
    this.render(this.state);
  }

  selectAll(list) {
    for (const li of list.children) this.selected.add(Number(li.dataset.id));
    this.render(this.state);
  }

  clear() {
    this.unpick([...this.selected]);
  }

  unpick(ids) {
    for (const id of ids) this.selected.delete(id);
    if (!this.selected.size) this.anchor = null;
    this.render(this.state);
  }

  // One Tab stop per list (roving tabindex): arrows move, Space picks, Shift+Space (or
  // Shift+arrows) extends, Ctrl+A picks every note shown, Escape clears, Enter goes to
  // the group title to name the selection's group.
  listbox(list) {
    list.addEventListener("keydown", (event) => {
      const items = [...list.children];
      const index = items.indexOf(document.activeElement);
      if (index < 0) return;
      const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
      const id = Number(items[index].dataset.id);
      if (step || event.key === "Home" || event.key === "End") {
        event.preventDefault();
        const next = event.key === "Home" ? 0 : event.key === "End" ? items.length - 1 : Math.max(0, Math.min(items.length - 1, index + step));
        const nextId = Number(items[next].dataset.id);
        if (event.shiftKey) { this.selected.add(id); this.selected.add(nextId); this.render(this.state); }
        this.focusNote(nextId);
      } else if (event.key === " ") {
        event.preventDefault();
        this.pick(id, event);
      } else if (event.key === "a" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.selectAll(list);
      } else if (event.key === "Escape") {
        this.clear();
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (!this.selected.size) this.pick(id, event);
        $("group-title").focus();
      }
    });
  }

  focusNote(id) {
    const el = this.notes.get(id)?.el;
    if (!el) return;
    for (const li of el.parentElement.children) li.tabIndex = li === el ? 0 : -1;
    el.focus({ preventScroll: false });
  }

  // Exactly one note of each list can take the focus with Tab: the focused one, else the first.
  rove(list) {
    const items = [...list.children];
    if (!items.length) return;
    const current = items.find((li) => li.tabIndex === 0);
    if (!current) items[0].tabIndex = 0;
    for (const li of items) if (li !== (current || items[0])) li.tabIndex = -1;
  }

  // ---- Drag and drop: a card, or the whole selection if the card is part of it -------

  dragStart(id, event) {
    const ids = this.selected.has(id) ? [...this.selected] : [id];
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(ids));
    event.dataTransfer.setData("text/plain", ids.map((one) => this.state.notes.get(one)?.text || "").join("\n"));
    event.dataTransfer.effectAllowed = "move";
    this.dragging = ids;
  }

  dropZone(el, groupOf) {
    el.addEventListener("dragover", (event) => {
      if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
      const groupId = groupOf();
      const group = groupId ? this.state.groups.get(groupId) : null;
      if (group?.area && !(this.dragging || []).every((id) => this.state.notes.get(id)?.area === group.area)) return;
      event.preventDefault();
      el.classList.add("drop-target");
    });
    el.addEventListener("dragleave", (event) => { if (!el.contains(event.relatedTarget)) el.classList.remove("drop-target"); });
    el.addEventListener("drop", (event) => {
      event.preventDefault();
      el.classList.remove("drop-target");
      const ids = JSON.parse(event.dataTransfer.getData(DRAG_TYPE) || "[]");
      this.dragging = null;
      if (!ids.length) return;
      const groupId = groupOf();
      const onto = event.target.closest?.("li.control-note");
      const list = this.groups.get(groupId)?.parts.list;
      // One note dropped onto another of its own group takes its place; the group is
      // renumbered (one command per note whose place changes).
      if (groupId && ids.length === 1 && !this.filter.text && onto && list?.contains(onto) && this.state.notes.get(ids[0])?.group_id === groupId) {
        const order = [...list.children].map((li) => Number(li.dataset.id)).filter((one) => one !== ids[0]);
        order.splice(order.indexOf(Number(onto.dataset.id)), 0, ids[0]);
        order.forEach((one, index) => {
          if (this.state.notes.get(one)?.position !== index + 1) this.send("note.place", { id: one, group_id: groupId, position: index + 1 });
        });
        return;
      }
      this.bar.place(ids, groupId);
    });
  }

  toggleSpotlight(target) {
    const current = this.state.workshop.spotlight;
    this.send("spotlight", { target: current === target ? null : target });
  }
}
