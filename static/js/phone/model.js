// What the phone shows, derived from the live state: the current phase and what it
// allows, the commands still waiting in the outbox (shown as "Sending…"), dots left.
import { locale, localized, plural, readConfig, t } from "../dom.js";

export const CARD_MAX_LENGTH = readConfig().cardMaxLength; // from the server's schema
export const MAX_LINKS = 10; // the server takes at most ten links on a card
// The capability that lets participants add each kind of card (formats/kinds.py).
export const CARD_CAPABILITY = { strategy: "strategies", roadmap: "roadmap", canvas: "canvas" };

export function view(live, ui) {
  const { state } = live;
  const { workshop, format } = state;
  const index = Math.max(0, Math.min(workshop.phase_index, format.phases.length - 1));
  const phase = format.phases[index];
  const allows = new Set(phase.allows);
  const ended = workshop.status === "ended";
  const me = state.me || {};
  // A proposal.pledge ack says {pledged: true}, which live.js stores as me.pledges: keep
  // the last list of group ids seen.
  if (Array.isArray(me.pledges)) ui.pledgedGroups = me.pledges;
  return {
    live, state, ui, me, workshop, code: live.join.code, format, phase, index, allows, ended,
    locked: !!workshop.locked,
    canAct: !ended && !workshop.locked && live.status !== "refused",
    areas: format.areas,
    areaOf: new Map(format.areas.map((area) => [area.key, area])),
    pledgedGroups: ui.pledgedGroups || [],
    pending: pendingOf(live.unsent()),
    rules: voteRules(phase, allows, me, workshop.vote_rules),
    // The workshop state carries them with every update; the snapshot's copy may be older.
    canvasGroups: workshop.canvas_groups || state.canvasGroups || [],
    cardKinds: Object.keys(CARD_CAPABILITY).filter((kind) => allows.has(CARD_CAPABILITY[kind])),
    slots: slotCatalog(format),
  };
}

// The outbox as the screen shows it: what is on its way and not yet acknowledged.
function pendingOf(unsent) {
  const pending = {
    posts: [], noteEdits: new Map(), noteDeletes: new Set(),
    cardAdds: [], cardEdits: new Map(), cardDeletes: new Set(),
    votes: new Map(), pledges: new Map(), proposals: new Set(),
    reactions: new Map(), // note id (as a string) -> the answer on its way
  };
  for (const { name, payload } of unsent) {
    if (name === "note.post") pending.posts.push(payload);
    else if (name === "note.edit") pending.noteEdits.set(payload.id, payload.text);
    else if (name === "note.delete") pending.noteDeletes.add(payload.id);
    else if (name === "card.add") pending.cardAdds.push(payload);
    else if (name === "card.edit") pending.cardEdits.set(payload.id, payload.text);
    else if (name === "card.delete") pending.cardDeletes.add(payload.id);
    else if (name === "vote.cast" || name === "vote.retract") {
      const delta = name === "vote.cast" ? 1 : -1;
      pending.votes.set(payload.target, (pending.votes.get(payload.target) || 0) + delta);
    } else if (name === "pledge.add") pending.pledges.set(payload.group_id, true);
    else if (name === "pledge.withdraw") pending.pledges.set(payload.group_id, false);
    else if (name === "proposal.pledge") pending.proposals.add(payload.proposal_id);
    else if (name === "react.cast") pending.reactions.set(String(payload.note_id), payload.value);
  }
  return pending;
}

// What waits in the outbox, named: "2 notes and 3 dots" ("" when nothing waits).
const UNSENT_KIND = {
  "note.post": "notes", "vote.cast": "dots", "vote.retract": "dots", "card.add": "cards",
  "pledge.add": "pledges", "pledge.withdraw": "pledges", "proposal.pledge": "pledges",
  "react.cast": "answers", "poll.answer": "answers",
};
export function unsentSummary(unsent) {
  const counts = new Map();
  const answered = new Set(); // a note answered twice offline is one answer on its way
  for (const { name, payload } of unsent) {
    if (name === "react.cast") {
      if (answered.has(payload.note_id)) continue;
      answered.add(payload.note_id);
    }
    const kind = UNSENT_KIND[name] || "changes";
    counts.set(kind, (counts.get(kind) || 0) + 1);
  }
  if (!counts.size) return "";
  const order = ["notes", "dots", "answers", "cards", "pledges", "changes"].filter((kind) => counts.has(kind));
  const items = order.map((kind) => plural(`phone.unsent_${kind}`, counts.get(kind)));
  return t("phone.unsent", { items: new Intl.ListFormat(locale, { type: "conjunction" }).format(items) });
}

// Slot labels of every card kind the format uses, from whichever phase names them.
function slotCatalog(format) {
  const catalog = {};
  for (const phase of format.phases) {
    for (const [kind, slots] of Object.entries(phase.slots || {})) catalog[kind] ||= slots;
  }
  return catalog;
}

export function slotLabel(v, kind, key) {
  const slot = (v.slots[kind] || []).find((s) => s.key === key);
  return slot ? localized(slot.label) : key;
}

// Dot voting: the rules in force (the workshop state carries the facilitator's override),
// and what the server last said this participant has spent.
function voteRules(phase, allows, me, inForce) {
  const rules = inForce || phase.vote;
  if (!rules || !allows.has("vote")) return null;
  const budget = me.budget || {};
  return {
    target: (rules.target || phase.vote?.target) === "groups" ? "group" : "note",
    budget: inForce?.budget ?? budget.budget ?? rules.budget,
    cap: inForce?.max_per_item ?? budget.max_per_item ?? rules.max_per_item,
    perArea: inForce?.per_area ?? budget.per_area ?? rules.per_area,
    used: budget.used || {},
  };
}

// Send a command; a refusal is handled where every ack is seen (phone.js: onFailure),
// so the promise's rejection is caught here rather than left unhandled.
export function send(live, name, payload) {
  const sent = live.send(name, payload);
  sent.result.catch(() => {});
  return sent;
}

export function targetArea(v, target) {
  const [kind, id] = target.split(":");
  const item = (kind === "group" ? v.state.groups : v.state.notes).get(Number(id));
  return item?.area || "";
}

// My dots on an item, counting those still on their way.
export function myDots(v, target) {
  return Math.max(0, (v.me.votes?.[target] || 0) + (v.pending.votes.get(target) || 0));
}

export function dotsLeft(v, area = "") {
  const { rules } = v;
  const key = rules.perArea ? area || "" : "";
  let used = rules.used[key] || 0;
  for (const [target, delta] of v.pending.votes) {
    if (!rules.perArea || targetArea(v, target) === key) used += delta;
  }
  return Math.max(0, rules.budget - used);
}

export function pledged(v, groupId) {
  if (v.pending.pledges.has(groupId)) return v.pending.pledges.get(groupId);
  return v.pledgedGroups.includes(groupId);
}

// Notes this phone shows: others' hidden notes are left out, one's own are kept (marked).
export function visibleNotes(v) {
  return [...v.state.notes.values()].filter(
    (note) => (!note.hidden || note.mine) && !v.pending.noteDeletes.has(note.id));
}

export function sortedGroups(v) {
  return [...v.state.groups.values()].sort(
    (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

export function byNewest(a, b) {
  return b.id - a.id;
}

export function byPosition(a, b) {
  return (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;
}

// Keyed lists: an element whose signature has not changed is kept as it is (with the
// focus and the text being typed inside it); only what changed is rebuilt or moved.
export function reconcile(parent, items) {
  const old = new Map();
  for (const el of parent.children) if (el.dataset.key) old.set(el.dataset.key, el);
  const next = items.map((item) => {
    let el = old.get(item.key);
    if (!el || el._sig !== item.sig) {
      el = item.build();
      el.dataset.key = item.key;
      el._sig = item.sig;
    }
    if (item.fill) item.fill(el);
    return el;
  });
  const keep = new Set(next);
  for (const el of [...parent.children]) if (!keep.has(el)) el.remove();
  next.forEach((el, i) => {
    if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
  });
}

export function sig(...parts) {
  return JSON.stringify(parts);
}

export { clock, parseTime } from "../timer.js";

// Lengths in characters as people count them, as the server does (graphemes.js).
export { characters, shorten } from "../graphemes.js";
