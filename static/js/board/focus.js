// The board zoomed onto one area or one group (the facilitator's choice, workshop.board):
// the state narrowed to it, so that every view shows it across the whole stage.
import { t, localized } from "../dom.js";
import { areaOf } from "./common.js";

const CARD_VIEWS = new Set(["strategies", "roadmap"]); // no areas or groups to zoom onto

function only(map, keep) {
  return new Map([...map].filter(([, item]) => keep(item)));
}

// {state, label}: the narrowed state, and what the board says it is zoomed onto (null
// when the zoom does not apply to this phase, or names what is no longer there).
export function focusOn(state, phase) {
  const focus = state.workshop.board?.focus;
  if (!focus || CARD_VIEWS.has(phase.kind)) return { state, label: null };
  const [kind, key] = focus.split(":");
  if (kind === "area") {
    const area = areaOf(state, key);
    if (!area || state.format.areas.length < 2 || phase.kind === "canvas") return { state, label: null };
    const results = Array.isArray(state.results) ? state.results.filter((r) => r.area === key) : state.results;
    return {
      state: {
        ...state,
        format: { ...state.format, areas: [area] },
        notes: only(state.notes, (note) => note.area === key),
        groups: only(state.groups, (group) => !group.area || group.area === key),
        results,
      },
      label: localized(area.label),
    };
  }
  const id = Number(key);
  const group = state.groups.get(id);
  if (!group) return { state, label: null };
  const label = t("focus_group", { title: group.title || t("untitled_group") });
  if (phase.kind === "canvas") {
    if (!(state.canvasGroups || []).includes(id)) return { state, label: null };
    return { state: { ...state, canvasGroups: [id] }, label };
  }
  return {
    state: {
      ...state,
      notes: only(state.notes, (note) => note.group_id === id),
      groups: new Map([[id, group]]),
      results: Array.isArray(state.results)
        ? state.results.filter((r) => (r.kind === "group" ? r.id === id : state.notes.get(r.id)?.group_id === id))
        : state.results,
    },
    label,
  };
}
