// What the board and the control page both need to know about the live state: the
// current phase, the timer, card slots and the vote ranking. No DOM here.
import { t, localized } from "../dom.js";

export const CARD_KIND = { strategies: "strategy", roadmap: "roadmap", canvas: "canvas" };

// Until the format summary carries its slots (phase.slots), the registry's keys.
const FALLBACK_SLOTS = {
  strategy: ["SO", "ST", "WO", "WT"],
  roadmap: ["now", "next", "later"],
  canvas: ["diagnostic", "impact", "actors", "levers", "evaluation"],
};

export function currentPhase(state) {
  return state.format.phases[state.workshop.phase_index];
}

export function areaOf(state, key) {
  return state.format.areas.find((area) => area.key === key);
}

// [{key, label, hint}] with label and hint already in the page's language.
export function slotsOf(state, kind) {
  const declared = state.format.phases.map((phase) => phase.slots?.[kind]).find(Boolean);
  if (declared) return declared.map((slot) => ({ key: slot.key, label: localized(slot.label), hint: localized(slot.hint) }));
  return FALLBACK_SLOTS[kind].map((key) => ({ key, label: t(`slot_${key}`), hint: t(`slot_hint_${key}`) === `slot_hint_${key}` ? "" : t(`slot_hint_${key}`) }));
}

export { clock, timerView } from "../timer.js";

// The voting phase the results are about: the current or latest one, else the first.
export function votingPhase(state) {
  const phases = state.format.phases;
  const upTo = phases.slice(0, state.workshop.phase_index + 1).filter((phase) => phase.vote);
  return upTo[upTo.length - 1] || phases.find((phase) => phase.vote) || null;
}

export function voteTarget(state) {
  return votingPhase(state)?.vote?.target === "groups" ? "group" : "note";
}

export function perArea(state) {
  return Boolean(votingPhase(state)?.vote?.per_area);
}

const COLLECTIONS = { note: "notes", group: "groups", card: "cards" };

export function targetOf(state, target) {
  const [kind, id] = target.split(":");
  const item = state[COLLECTIONS[kind]]?.get(Number(id));
  if (!item || (kind === "note" && item.hidden)) return null;
  return { kind, id: Number(id), item, label: kind === "group" ? item.title : item.text, area: item.area };
}

// Ranked as the server ranks: most dots first, equal dots share a rank and are tied.
// Staff screens have the live tallies; once revealed, the server's own list is used.
export function ranking(state) {
  if (state.workshop.results_revealed && Array.isArray(state.results)) return state.results;
  const kind = voteTarget(state);
  const items = [];
  for (const [target, dots] of Object.entries(state.tallies?.items || {})) {
    if (!dots || !target.startsWith(`${kind}:`)) continue;
    const found = targetOf(state, target);
    if (found) items.push({ target, kind, id: found.id, label: found.label, area: found.area, dots });
  }
  return rank(items);
}

export function rank(items) {
  items.sort((a, b) => b.dots - a.dots || a.id - b.id);
  const counts = new Map();
  for (const item of items) counts.set(item.dots, (counts.get(item.dots) || 0) + 1);
  let above = 0;
  let last = null;
  let rankOf = 0;
  return items.map((item) => {
    if (item.dots !== last) { rankOf = above + 1; last = item.dots; }
    above += 1;
    return { ...item, rank: rankOf, tied: counts.get(item.dots) > 1 };
  });
}

export function rankLabel(result) {
  return `${result.tied ? "=" : ""}${result.rank}`;
}

// Results split by area (in the format's order) when the vote was per area.
export function resultsByArea(state, results) {
  if (!perArea(state)) return [{ area: null, results }];
  return state.format.areas.map((area) => ({ area, results: rank(results.filter((r) => r.area === area.key).map((r) => ({ ...r }))) }));
}

export function liveNotes(state) {
  return [...state.notes.values()];
}

export function groupsInOrder(state) {
  return [...state.groups.values()].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

export function byPosition(a, b) {
  return (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;
}

export function dotsOf(state, target) {
  return state.tallies?.items?.[target] || 0;
}

// A group's dots as the room counts them: its own and those of its visible notes (in a
// brainstorm the dots go on notes, and a group is worth what its notes got).
export function groupDots(state, group) {
  let total = dotsOf(state, `group:${group.id}`);
  for (const note of state.notes.values()) {
    if (note.group_id === group.id && !note.hidden) total += dotsOf(state, `note:${note.id}`);
  }
  return total;
}
