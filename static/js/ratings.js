// What a rating phase rates and how far the room has got, as every screen reads it from
// the live state: the phase's rules (format), its items (proposals, notes or groups), the
// counts (staff) and the revealed results (all).
import { localized, t } from "./dom.js";

// The rating phase a screen shows: the current one, else the latest one reached.
export function ratingPhase(state) {
  const phases = state.format.phases;
  const index = Math.min(state.workshop.phase_index, phases.length - 1);
  if (phases[index].rate) return phases[index];
  return phases.slice(0, index + 1).reverse().find((phase) => phase.rate) || null;
}

export function criteriaOf(phase) {
  return phase.rate.criteria.map((criterion) => ({ ...criterion, label: localized(criterion.label) }));
}

// The items the phase rates, in id order ("proposal:7"…), as the screen holds them.
export function itemsOf(state, phase) {
  const target = phase.rate.target;
  const kind = target.slice(0, -1);
  const source = target === "proposals" ? state.proposals : target === "notes" ? state.notes : state.groups;
  return [...(source?.values() || [])]
    .filter((item) => !item.hidden && !item.redacted)
    .sort((a, b) => a.id - b.id)
    .map((item) => ({ ref: `${kind}:${item.id}`, id: item.id, label: labelOf(item, kind) }));
}

function labelOf(item, kind) {
  if (kind === "note") return item.text || "";
  return item.title || t("untitled_group");
}

export function itemLabel(state, ref) {
  const [kind, id] = ref.split(":");
  const source = kind === "proposal" ? state.proposals : kind === "note" ? state.notes : state.groups;
  const item = source?.get(Number(id));
  return item ? labelOf(item, kind) : "";
}
