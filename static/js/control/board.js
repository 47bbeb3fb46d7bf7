// What the projected board shows, set from the control page: the join screen (a big QR
// code, at the start), the zoom onto one area or group, and its pages — turning by
// themselves when the notes do not fit at the readable size, or held on one.
import { h, replace, t, localized } from "../dom.js";
import { groupsInOrder } from "../board/common.js";
import { PAGE_SECONDS } from "../board/pages.js";

const $ = (id) => document.getElementById(id);

export class BoardViewPanel {
  constructor(live, send) {
    this.live = live;
    this.send = send;
    $("joinview-toggle").addEventListener("click", () => {
      const view = this.view();
      this.set({ mode: view.mode === "join" ? "stage" : "join" });
    });
    $("board-focus-select").addEventListener("change", (event) => this.set({ focus: event.target.value || null, page: null }));
    $("board-page-previous").addEventListener("click", () => this.set({ page: Math.max(1, (this.view().page || 1) - 1) }));
    $("board-page-next").addEventListener("click", () => this.set({ page: (this.view().page || 1) + 1 }));
    $("board-page-auto").addEventListener("click", () => this.set({ page: null }));
  }

  view() {
    return { mode: "stage", focus: null, page: null, ...(this.live.state.workshop?.board || {}) };
  }

  set(change) {
    this.send("board.view", { ...this.view(), ...change });
  }

  render(state) {
    const view = this.view();
    const toggle = $("joinview-toggle");
    toggle.textContent = view.mode === "join" ? t("hide_join_screen") : t("show_join_screen");
    toggle.setAttribute("aria-pressed", String(view.mode === "join"));
    this.renderFocus(state, view);
    $("board-page-auto").setAttribute("aria-pressed", String(view.page === null));
    $("board-page-previous").disabled = !view.page || view.page <= 1;
    $("board-view-status").textContent = view.page === null
      ? t("pages_turning", { n: PAGE_SECONDS })
      : t("page_held", { n: view.page });
  }

  renderFocus(state, view) {
    const areas = state.format.areas.length > 1 ? state.format.areas : [];
    const options = [
      ["", t("whole_board")],
      ...areas.map((area) => [`area:${area.key}`, localized(area.label)]),
      ...groupsInOrder(state).map((group) => [`group:${group.id}`, t("focus_group", { title: group.title || t("untitled_group") })]),
    ];
    const signature = JSON.stringify([options, view.focus]);
    const select = $("board-focus-select");
    if (select.dataset.signature === signature) return;
    select.dataset.signature = signature;
    replace(select, options.map(([value, label]) => h("option", { value, selected: value === (view.focus || "") }, label)));
  }
}
