// Grouping assistance on the control page: suggested groups of the loose notes, the loose
// notes most like a group, and notes flagged as saying what an earlier one said. All of it
// is a suggestion: nothing moves until the facilitator accepts, and what they accept goes
// through the notes' and groups' own commands (group.create, notes.place, note.merge), so
// every phone and the board follow. Note texts are set as text, never parsed as HTML.
import { h, lengthLimit, localized, plural, replace, t } from "../dom.js";
import { characters, shorten } from "../graphemes.js";
import { currentPhase } from "../board/common.js";
import { excerpt } from "./selection.js";

const $ = (id) => document.getElementById(id);
const ASK_TIMEOUT_MS = 60000; // the similarity process loads its model on first use
const TITLE_LENGTH = 120; // a group's title (groups/schemas.py)
const OFFERED = 8; // loose notes offered to join a group

export class AssistPanel {
  constructor(live, send, notes) {
    this.live = live;
    this.send = send;
    this.notes = notes; // the NotesPanel: its area filter, its focus helpers
    this.suggestions = []; // [{key, area, notes: [ids], title, terms, editing}]
    this.offer = null; // {groupId, ids: [ids], checked: Set}
    this.dismissed = new Set(); // duplicate flags set aside ("not a duplicate")
    this.asking = false;
    this.counter = 0;
    this.answers = 0;
    this.signature = null;
    $("suggest-groups").addEventListener("click", () => this.suggest());
    notes.onGrouped = (groupId) => this.similar(groupId);
    notes.similarTo = (groupId) => this.similar(groupId, true);
    notes.flagged = (id) => this.flags().has(id);
    notes.onFilter = () => this.render(this.state);
  }

  get state() {
    return this.live.state;
  }

  grouping(state = this.state) {
    return Boolean(state.workshop) && currentPhase(state)?.kind === "grouping";
  }

  // A note the suggestions may still offer: live, shown, in no group.
  loose(id) {
    const note = this.state.notes.get(id);
    return Boolean(note) && !note.hidden && (!note.group_id || !this.state.groups.has(note.group_id));
  }

  // The notes flagged as duplicates, still to decide: id -> the earlier note it repeats.
  flags() {
    const found = new Map();
    for (const [id, of] of this.state.duplicates || []) {
      if (this.dismissed.has(id) || !this.state.notes.has(id)) continue;
      const earlier = of.find((other) => other.id !== id && this.state.notes.has(other.id));
      if (earlier) found.set(id, earlier.id);
    }
    return found;
  }

  // ---- Asking the server (queries: nothing changes) -----------------------------------

  ask(name, payload) {
    return this.live.request(name, payload, 1, ASK_TIMEOUT_MS);
  }

  suggest() {
    if (this.asking) return;
    const area = this.state.format.areas.length > 1 ? this.notes.filter.area : null;
    this.busy(true, t("suggest_working"));
    this.ask("assist.suggest", { area }).then((ack) => {
      const fresh = ack.groups.map((group) => ({
        key: ++this.counter, area: group.area, notes: group.notes, terms: group.terms,
        title: shorten(group.title.replace(/\s+/g, " ").trim(), TITLE_LENGTH), editing: false,
      }));
      // Suggestions for another area stay; those of the areas asked for are replaced.
      this.suggestions = [...this.suggestions.filter((s) => area && s.area !== area), ...fresh];
      this.busy(false, fresh.length ? plural("suggested_count", fresh.length) : t("suggest_none"));
      this.render(this.state, true);
      $("suggestions").querySelector(".suggestion-accept")?.focus();
    }, (error) => this.busy(false, failure(error)));
  }

  // The loose notes most like a group, offered to join it (when the facilitator has just
  // put notes into it, or asks with the group's button).
  similar(groupId, asked = false) {
    if (!this.grouping() || !groupId) return;
    this.ask("assist.similar", { group_id: groupId, limit: OFFERED }).then((ack) => {
      $("seeded").dataset.answers = String(++this.answers); // how many offers came back
      const ids = ack.notes.map((note) => note.id).filter((id) => this.loose(id));
      if (!ids.length) {
        if (asked) this.say(t("similar_none"));
        this.offer = null; // an older offer, for this group or another, is out of date

      } else {
        this.offer = { groupId, ids, checked: new Set(ids) };
        this.say(t("similar_found", { notes: plural("notes_count", ids.length), title: this.groupTitle(groupId) }));
      }
      this.render(this.state, true);
      if (asked && ids.length) $("seeded-accept")?.focus();
    }, (error) => asked && this.say(failure(error)));
  }

  busy(on, message) {
    this.asking = on;
    const button = $("suggest-groups");
    button.disabled = on;
    button.setAttribute("aria-busy", String(on));
    this.say(message);
  }

  say(message) {
    $("assist-status").textContent = message || "";
  }

  groupTitle(groupId) {
    return this.state.groups.get(groupId)?.title || t("untitled_group");
  }

  areaLabel(key) {
    const area = this.state.format.areas.find((a) => a.key === key);
    return area && this.state.format.areas.length > 1 ? localized(area.label) : "";
  }

  // ---- Rendering ---------------------------------------------------------------------

  render(state, force = false) {
    if (!state.workshop) return;
    const grouping = this.grouping(state);
    const flags = this.flags();
    for (const s of this.suggestions) s.notes = s.notes.filter((id) => this.loose(id));
    this.suggestions = this.suggestions.filter((s) => s.notes.length);
    if (this.offer) {
      this.offer.ids = this.offer.ids.filter((id) => this.loose(id));
      if (!this.offer.ids.length || !state.groups.has(this.offer.groupId)) this.offer = null;
    }
    $("assist").hidden = !grouping && !flags.size;
    $("suggest-groups").hidden = !grouping;
    const area = state.format.areas.length > 1 ? this.notes.filter.area : null;
    const label = area ? t("suggest_groups_in", { area: this.areaLabel(area) }) : t("suggest_groups");
    if ($("suggest-groups").textContent !== label) $("suggest-groups").textContent = label;
    const signature = JSON.stringify([
      // Not what is typed or ticked here: redrawn, the field or box would lose the focus.
      grouping, [...flags], this.suggestions.map((s) => [s.key, s.area, s.notes, s.terms, s.editing, s.editing || s.title]),
      this.offer && [this.offer.groupId, this.offer.ids],
      this.offer && this.groupTitle(this.offer.groupId),
      [...flags.keys(), ...flags.values(), ...this.suggestions.flatMap((s) => s.notes), ...(this.offer?.ids || [])]
        .map((id) => state.notes.get(id)?.text),
    ]);
    if (!force && signature === this.signature) return;
    this.signature = signature;
    this.renderDuplicates(flags);
    this.renderOffer(grouping);
    this.renderSuggestions(grouping);
  }

  text(id) {
    return this.state.notes.get(id)?.text ?? "";
  }

  renderDuplicates(flags) {
    replace($("duplicates"), [...flags].map(([id, earlier]) =>
      h("div", { class: "duplicate", dataset: { id, of: earlier } },
        h("p", { class: "duplicate-text" },
          h("span", { class: "badge flag" }, t("duplicate_flag")), " ",
          t("duplicate_says", { note: excerpt(this.text(id), 90), other: excerpt(this.text(earlier), 90) })),
        h("div", { class: "row" },
          h("button", { type: "button", class: "small primary duplicate-merge", dataset: { key: `dup-merge-${id}` }, onclick: () => this.merge(id, earlier) },
            t("duplicate_merge")),
          h("button", { type: "button", class: "small duplicate-dismiss", dataset: { key: `dup-keep-${id}` }, onclick: () => this.dismiss(id) },
            t("duplicate_dismiss"))))));
  }

  renderOffer(grouping) {
    const offer = grouping ? this.offer : null;
    const box = $("seeded");
    if (!offer) { replace(box); return; }
    const title = this.groupTitle(offer.groupId);
    replace(box,
      h("p", { class: "seeded-title", id: "seeded-title" }, t("similar_offer", { title })),
      h("ul", { class: "seeded-notes" }, offer.ids.map((id) => {
        const key = `seeded-${id}`;
        return h("li", { class: "choice" },
          h("input", { type: "checkbox", id: key, checked: offer.checked.has(id), dataset: { key, id }, onchange: (event) => {
            if (event.target.checked) offer.checked.add(id); else offer.checked.delete(id);
            this.renderOfferButton(offer);
          } }),
          h("label", { for: key }, this.text(id)));
      })),
      h("div", { class: "row" },
        h("button", { type: "button", id: "seeded-accept", class: "small primary", "aria-describedby": "seeded-title", onclick: () => this.join() }),
        h("button", { type: "button", id: "seeded-dismiss", class: "small", onclick: () => { this.offer = null; this.render(this.state, true); $("suggest-groups").focus(); } },
          t("dismiss"))));
    this.renderOfferButton(offer);
  }

  // "Add these n notes": follows the boxes ticked, without redrawing them.
  renderOfferButton(offer) {
    const chosen = offer.ids.filter((id) => offer.checked.has(id));
    const button = $("seeded-accept");
    button.disabled = !chosen.length;
    button.textContent = t("similar_add", { notes: plural("notes_count", chosen.length), title: this.groupTitle(offer.groupId) });
  }

  renderSuggestions(grouping) {
    const list = $("suggestions");
    if (!grouping) { replace(list); return; }
    replace(list, this.suggestions.map((s) => {
      const id = `suggestion-${s.key}`;
      const terms = s.terms.length ? t("key_terms", { terms: s.terms.join(", ") }) : "";
      const area = this.notes.filter.area ? "" : this.areaLabel(s.area); // said by the chip
      const head = s.editing
        ? h("form", { class: "suggestion-rename", onsubmit: (event) => { event.preventDefault(); this.edit(s, false); } },
          h("label", { for: `${id}-title`, class: "visually-hidden" }, t("suggestion_name")),
          h("input", { id: `${id}-title`, class: "suggestion-title-input", value: s.title, autocomplete: "off", dataset: { key: `${id}-title`, ...lengthLimit(TITLE_LENGTH) },
            oninput: (event) => { s.title = event.target.value; } }))
        : h("h4", { class: "suggestion-title", id: `${id}-heading` }, s.title || t("untitled_group"));
      return h("li", { class: "suggestion", dataset: { key: String(s.key), area: s.area }, "aria-labelledby": `${id}-heading` },
        head,
        h("p", { class: "hint suggestion-facts" }, [area, plural("notes_count", s.notes.length), terms].filter(Boolean).join(" · ")),
        h("ul", { class: "suggestion-notes" }, s.notes.map((noteId) =>
          h("li", { dataset: { id: noteId } },
            h("span", { class: "suggestion-note" }, this.text(noteId)),
            s.editing ? h("button", {
              type: "button", class: "small suggestion-drop", dataset: { key: `${id}-drop-${noteId}` },
              "aria-label": t("suggestion_drop_note", { note: excerpt(this.text(noteId), 60) }),
              onclick: () => this.drop(s, noteId),
            }, t("suggestion_drop")) : null))),
        h("div", { class: "row suggestion-actions" },
          h("button", { type: "button", class: "small primary suggestion-accept", dataset: { key: `${id}-accept` }, "aria-describedby": `${id}-heading`, onclick: () => this.accept(s) },
            t("suggestion_accept")),
          h("button", { type: "button", class: "small suggestion-edit", "aria-expanded": String(s.editing), dataset: { key: `${id}-edit` }, "aria-describedby": `${id}-heading`, onclick: () => this.edit(s, !s.editing) },
            s.editing ? t("suggestion_done") : t("suggestion_edit")),
          h("button", { type: "button", class: "small suggestion-reject", dataset: { key: `${id}-reject` }, "aria-describedby": `${id}-heading`, onclick: () => this.reject(s) },
            t("suggestion_reject"))));
    }));
  }

  // ---- What the facilitator decides ---------------------------------------------------

  // Accepted: one group.create with its notes, as if picked and grouped by hand.
  accept(s) {
    const ids = s.notes.filter((id) => this.loose(id));
    const title = s.title.trim();
    if (characters(title) > TITLE_LENGTH) {
      const field = $("suggestions").querySelector(`[data-key="suggestion-${s.key}-title"]`);
      if (field) { field.setCustomValidity(t("too_long", { n: TITLE_LENGTH })); field.reportValidity(); }
      return;
    }
    const area = this.state.format.areas.length > 1 ? s.area : null;
    this.forget(s);
    this.send("group.create", { title, area, note_ids: ids }).then(() =>
      this.say(t("grouped_new", { title: title || t("untitled_group"), notes: plural("notes_count", ids.length) })), () => {});
  }

  reject(s) {
    this.forget(s);
    this.say(t("suggestion_rejected", { title: s.title || t("untitled_group") }));
  }

  edit(s, editing) {
    s.editing = editing;
    this.render(this.state, true);
    const id = `suggestion-${s.key}`;
    const target = editing ? `[data-key="${id}-title"]` : `[data-key="${id}-edit"]`;
    $("suggestions").querySelector(target)?.focus();
  }

  drop(s, noteId) {
    const index = s.notes.indexOf(noteId);
    s.notes = s.notes.filter((id) => id !== noteId);
    this.say(t("suggestion_dropped", { note: excerpt(this.text(noteId), 60) }));
    if (!s.notes.length) { this.forget(s); return; }
    this.render(this.state, true);
    const next = s.notes[Math.min(index, s.notes.length - 1)];
    $("suggestions").querySelector(`[data-key="suggestion-${s.key}-drop-${next}"]`)?.focus();
  }

  // A suggestion gone (accepted or rejected): the focus goes to the next one's Accept.
  forget(s) {
    const index = this.suggestions.indexOf(s);
    this.suggestions = this.suggestions.filter((other) => other !== s);
    this.render(this.state, true);
    const buttons = $("suggestions").querySelectorAll(".suggestion-accept");
    (buttons[Math.min(index, buttons.length - 1)] || $("suggest-groups")).focus();
  }

  join() {
    const offer = this.offer;
    if (!offer) return;
    const ids = offer.ids.filter((id) => offer.checked.has(id));
    const title = this.groupTitle(offer.groupId);
    this.offer = null;
    this.render(this.state, true);
    $("suggest-groups").focus();
    // Joined: the group has grown, the loose notes most like it now are offered next.
    this.send("notes.place", { ids, group_id: offer.groupId }).then(() => {
      this.say(t("grouped_into", { title, notes: plural("notes_count", ids.length) }));
      this.similar(offer.groupId);
    }, () => {});
  }

  merge(id, into) {
    this.dismissed.add(id);
    this.render(this.state, true);
    $("duplicates").querySelector(".duplicate-merge")?.focus();
    this.send("note.merge", { id, into }).then(() => this.say(t("duplicate_merged")), () => {
      this.dismissed.delete(id); // refused (it has dots): the flag stays, the refusal is shown
      this.render(this.state, true);
    });
  }

  dismiss(id) {
    this.dismissed.add(id);
    this.render(this.state, true);
    ($("duplicates").querySelector(".duplicate-merge") || $("suggest-groups")).focus();
    this.notes.render(this.state);
  }
}

// A refusal says why (in the page's language); a timeout or a lost connection, that it failed.
function failure(error) {
  return error?.code && error.message ? error.message : t("assist_failed");
}
