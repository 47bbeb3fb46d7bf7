// The notes as the phone lists them: by area when the format has several, by group when
// the facilitator made groups, loose notes newest first; one's own editable while the
// phase allows; dots (− / +) on what can be voted; "I would join" on groups.
import { h, localized, plural, t } from "../dom.js";
import {
  byNewest, byPosition, dotsLeft, myDots, pledged, reconcile, shorten, sig, sortedGroups,
  targetArea, visibleNotes,
} from "./model.js";

const MAX_DRAWN_DOTS = 5; // beyond this cap, dots are shown as a number

export function renderNotes(v, container, actions) {
  const notes = visibleNotes(v);
  const seeAll = v.allows.has("see_all");
  const groups = seeAll ? sortedGroups(v) : [];
  const groupIds = new Set(groups.map((group) => group.id));
  const inGroup = (note) => note.group_id != null && groupIds.has(note.group_id);
  const pending = v.pending.posts.map((payload) => ({
    id: payload.command_id, area: payload.area, text: payload.text, mine: true, sending: true,
  }));
  const multiArea = v.areas.length > 1;
  const sections = [];

  // Groups open to every area (a coalition drawing on projects and challenges) come first.
  const crossGroups = groups.filter((group) => !multiArea || !group.area || !v.areaOf.has(group.area));
  if (multiArea && crossGroups.length) {
    sections.push(section(v, "groups", { title: t("phone.groups") }, crossGroups, [], notes, actions));
  }
  const areaKeys = multiArea ? v.areas.map((area) => area.key) : [null];
  for (const key of areaKeys) {
    const area = key ? v.areaOf.get(key) : null;
    const own = (note) => !key || note.area === key;
    const areaGroups = multiArea ? groups.filter((group) => group.area === key) : crossGroups;
    const loose = [
      ...pending.filter(own).reverse(),
      ...notes.filter((note) => own(note) && !inGroup(note)).sort(byNewest),
    ];
    if (multiArea && !areaGroups.length && !loose.length && !showEmptyAreas(v)) continue;
    sections.push(section(v, `area:${key ?? "*"}`, area ? { area } : {}, areaGroups, loose, notes, actions));
  }
  reconcile(container, sections);
  return { count: notes.length + pending.length, groups: groups.length };
}

// While posting or voting per area, every area is listed even when still empty.
function showEmptyAreas(v) {
  return v.allows.has("post") || (v.rules && v.rules.perArea);
}

function section(v, key, { title, area }, groups, loose, notes, actions) {
  const perArea = v.rules && v.rules.perArea && area;
  const left = perArea ? dotsLeft(v, area.key) : null;
  const heading = area ? localized(area.label) : title;
  return {
    key,
    sig: sig(heading, area?.color, area ? localized(area.hint) : null, left),
    build: () => h("section", { class: "note-section", style: area ? { "--area": area.color } : {} },
      heading ? h("h3", { class: "section-title" },
        area ? h("span", { class: "swatch", "aria-hidden": "true" }) : null,
        h("span", {}, heading),
        left !== null ? h("span", { class: "section-dots" }, plural("phone.dots_left", left)) : null) : null,
      area?.hint && v.allows.has("post") ? h("p", { class: "hint section-hint" }, localized(area.hint)) : null,
      h("div", { class: "section-body" })),
    fill: (el) => {
      const blocks = groups.map((group) => groupBlock(v, group,
        notes.filter((note) => note.group_id === group.id).sort(byPosition), actions));
      if (loose.length || !groups.length) {
        blocks.push(looseList(v, key, loose, groups.length > 0, actions));
      }
      reconcile(el.querySelector(".section-body"), blocks);
    },
  };
}

function looseList(v, key, loose, titled, actions) {
  const empty = !loose.length;
  const emptyText = v.allows.has("see_all") ? t("phone.no_notes") : t("phone.no_notes_yet");
  return {
    key: `loose:${key}`,
    sig: sig(titled, empty, emptyText),
    build: () => h("div", { class: "loose" },
      titled ? h("h4", { class: "sub-title" }, t("phone.not_grouped")) : null,
      empty ? h("p", { class: "empty" }, emptyText) : null,
      h("ul", { class: "phone-notes" })),
    fill: (el) => reconcile(el.querySelector("ul"), loose.map((note) => noteItem(v, note, actions))),
  };
}

function groupBlock(v, group, notes, actions) {
  const target = `group:${group.id}`;
  const votable = v.rules && v.rules.target === "group";
  const canPledge = v.allows.has("pledge");
  const on = canPledge && pledged(v, group.id);
  const count = pledgeCount(v, group);
  const vote = votable ? voteState(v, target) : null;
  const spotlit = v.workshop.spotlight === target;
  return {
    key: target,
    sig: sig(group.seq, group.title, group.area, count, canPledge, on, v.pending.pledges.has(group.id),
      v.canAct, vote, spotlit, notes.length),
    build: () => h("section", {
      class: `group-block${votable ? " votable" : ""}${spotlit ? " spotlit" : ""}`,
      style: { "--area": v.areaOf.get(group.area)?.color || "#8a8f98" },
      "aria-label": group.title,
    },
    h("div", { class: "group-head" },
      h("h4", { class: "group-title" }, group.title),
      h("p", { class: "group-meta" },
        h("span", {}, plural("phone.notes_count", notes.length)),
        count ? h("span", { class: "pledge-count" }, plural("phone.pledges", count)) : null)),
    vote ? voteControl(v, target, group.title, vote, actions) : null,
    canPledge ? h("button", {
      type: "button",
      class: `pledge-btn${on ? " on" : ""}`,
      "aria-pressed": on ? "true" : "false",
      disabled: !v.canAct,
      onclick: () => actions.pledge(group, !on),
    }, h("span", { class: "pledge-box", "aria-hidden": "true" }, on ? "✓" : ""), t("phone.would_join"),
    v.pending.pledges.has(group.id) ? h("span", { class: "badge" }, t("sending")) : null) : null,
    h("ul", { class: "phone-notes in-group" })),
    fill: (el) => reconcile(el.querySelector("ul"), notes.map((note) => noteItem(v, note, actions))),
  };
}

function pledgeCount(v, group) {
  let count = group.pledges || 0;
  if (v.pending.pledges.has(group.id)) {
    const before = v.pledgedGroups.includes(group.id);
    const after = v.pending.pledges.get(group.id);
    count += Number(after) - Number(before);
  }
  return Math.max(0, count);
}

function noteItem(v, note, actions) {
  const area = v.areaOf.get(note.area);
  const { editing, confirming } = v.ui;
  const isEditing = !note.sending && editing?.kind === "note" && editing.id === note.id;
  const isConfirming = !note.sending && confirming?.kind === "note" && confirming.id === note.id;
  const pendingText = v.pending.noteEdits.get(note.id);
  const status = note.sending || pendingText !== undefined ? "sending" : note.mine ? "saved" : "other";
  const canChange = !note.sending && note.mine && v.allows.has("edit_own") && v.canAct;
  const target = `note:${note.id}`;
  const vote = v.rules && v.rules.target === "note" && !note.sending && !note.hidden
    ? voteState(v, target) : null;
  const posting = v.allows.has("post");
  const text = pendingText ?? note.text ?? "";
  const spotlit = v.workshop.spotlight === target;
  return {
    key: note.sending ? `pending:${note.id}` : target,
    sig: sig(note.seq, text, note.hidden, note.mine, note.area, note.author, status, isEditing,
      isConfirming, canChange, vote, posting, spotlit),
    build: () => h("li", {
      class: `phone-note ${status}${note.hidden ? " moderated" : ""}${spotlit ? " spotlit" : ""}`,
      style: { "--area": area?.color || "#ffd84d" },
      dataset: { status },
    },
    isEditing ? actions.editor("note", note.id) : h("p", { class: "note-text" }, text),
    isEditing ? null : h("div", { class: "item-foot" },
      h("p", { class: "note-meta" },
        note.author ? h("span", { class: "author" }, note.author) : null,
        status === "sending" ? h("span", { class: "badge" }, t("sending")) : null,
        status === "saved" ? h("span", { class: posting ? "badge ok" : "badge" },
          posting ? t("saved") : t("phone.yours")) : null,
        note.hidden ? h("span", { class: "badge error" }, t("phone.hidden_by_facilitator")) : null),
      canChange && !isConfirming ? h("div", { class: "item-actions" },
        h("button", { type: "button", class: "small", onclick: () => actions.edit("note", note.id) }, t("phone.edit")),
        h("button", { type: "button", class: "small", onclick: () => actions.askDelete("note", note.id) }, t("phone.delete"))) : null),
    isConfirming ? actions.confirm("note", note.id) : null,
    vote ? voteControl(v, target, shorten(text, 60), vote, actions) : null),
  };
}

function voteState(v, target) {
  const mine = myDots(v, target);
  const left = dotsLeft(v, targetArea(v, target));
  return {
    mine,
    cap: v.rules.cap,
    pending: v.pending.votes.get(target) || 0,
    add: v.canAct && mine < v.rules.cap && left > 0,
    remove: v.canAct && mine > 0,
  };
}

function voteControl(v, target, label, state, actions) {
  const { mine, cap, pending } = state;
  const dots = [];
  if (cap <= MAX_DRAWN_DOTS) {
    const settled = pending > 0 ? mine - pending : mine;
    for (let i = 0; i < cap; i += 1) {
      const cls = i < settled ? "dot on" : i < mine ? "dot on pending" : "dot";
      dots.push(h("span", { class: cls }));
    }
  } else {
    dots.push(h("span", { class: "dot on" }), h("span", { class: "dot-number" }, String(mine)));
  }
  return h("div", { class: "vote" },
    h("button", {
      type: "button", class: "vote-btn", disabled: !state.remove,
      "aria-label": t("phone.vote_remove", { item: label }),
      onclick: () => actions.vote(target, -1),
    }, "−"),
    h("span", { class: "my-dots", role: "img", "aria-label": t("phone.my_dots", { n: mine, max: cap }) }, dots),
    h("button", {
      type: "button", class: "vote-btn plus", disabled: !state.add,
      "aria-label": t("phone.vote_add", { item: label }),
      onclick: () => actions.vote(target, 1),
    }, "+"));
}
