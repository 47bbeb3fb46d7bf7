// The stage as the board and a participant's laptop both draw it: the phase's view of
// what this screen may see, zoomed as the facilitator chose, the spotlight over it, and
// the pages of whichever of the two shows.
import { replace, t } from "../dom.js";
import { currentPhase } from "./common.js";
import { viewFor } from "./views.js";
import { opinions } from "./opinions.js";
import { focusOn } from "./focus.js";
import { spotlight } from "./spotlight.js";

// els: {stage, spotlight, focus} elements; pager: a Pager (pages.js).
export function drawStage(els, state, pager) {
  const before = els.stage.clientHeight;
  layout(els, state, pager);
  // Showing or hiding the page count or the zoom changes the stage's height: again.
  if (els.stage.clientHeight !== before) layout(els, state, pager);
}

function layout(els, state, pager) {
  const phase = currentPhase(state);
  // The facilitator may put the revealed opinion map on the board whatever the phase.
  const map = state.workshop.board?.mode === "opinions" && Boolean(state.opinions);
  els.stage.dataset.kind = map ? "react" : phase.kind;
  const { state: shown, label } = map ? { state, label: null } : focusOn(state, phase);
  els.focus.hidden = !label;
  els.focus.textContent = label ? t("focus_on", { what: label }) : "";
  const view = (map ? opinions : viewFor(phase))(shown);
  replace(els.stage, view.children);
  const stageLayout = view.fit(els.stage);
  const spot = spotlight(state);
  els.spotlight.hidden = !spot;
  replace(els.spotlight, spot ? spot.content : []);
  const shownLayout = spot ? spot.fit(els.spotlight) : stageLayout;
  pager.showPage = (page) => shownLayout.show(page);
  const key = [map ? "opinions" : phase.key, state.workshop.board?.focus, state.workshop.spotlight].join("|");
  pager.update(shownLayout.pages, state.workshop.board?.page ?? null, key);
}
