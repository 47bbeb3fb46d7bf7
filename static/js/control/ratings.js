// The rating phase on the control page: how many rated each item on each criterion (only
// the staff see it before the reveal), and revealing or hiding the results for every
// screen. Shown from the first rating phase reached on.
import { h, replace, plural, t } from "../dom.js";
import { criteriaOf, itemsOf, ratingPhase } from "../ratings.js";

const $ = (id) => document.getElementById(id);

export class RatingsPanel {
  constructor(live, send) {
    this.live = live;
    this.send = send;
    this.signature = null;
    $("ratings-toggle").addEventListener("click", () => {
      const phase = ratingPhase(this.live.state);
      if (!phase) return;
      const shown = !!this.live.state.ratings?.[phase.key];
      this.send("ratings.reveal", { phase: phase.key, revealed: !shown });
    });
  }

  render(state) {
    const phase = ratingPhase(state);
    const panel = $("ratings-panel");
    panel.hidden = !phase;
    if (!phase) return;
    const criteria = criteriaOf(phase);
    const counts = state.ratingCounts?.[phase.key] || { items: {}, participants: 0 };
    const shown = !!state.ratings?.[phase.key];
    const items = itemsOf(state, phase);
    const signature = JSON.stringify([phase.key, shown, counts, items, criteria.map((c) => c.label)]);
    if (signature === this.signature) return;
    this.signature = signature;
    const toggle = $("ratings-toggle");
    toggle.textContent = shown ? t("hide_ratings") : t("reveal_ratings");
    toggle.setAttribute("aria-pressed", String(shown));
    $("ratings-status").textContent = `${plural("rating_raters", counts.participants || 0)} — ${shown ? t("ratings_shown_status") : t("ratings_hidden_status")}`;
    // Per item: its answers in all, then each criterion's (a narrow column: they wrap).
    replace($("ratings-counts"), items.length ? h("ul", { class: "rating-counts" },
      items.map((item) => {
        const answered = criteria.map((c) => counts.items[item.ref]?.[c.key] || 0);
        return h("li", { dataset: { item: item.ref } },
          h("p", { class: "rating-count-head" }, h("strong", {}, item.label), " ",
            h("span", { class: "hint" }, plural("rating_answers", answered.reduce((a, b) => a + b, 0)))),
          h("p", { class: "rating-count-criteria" }, criteria.map((c, i) =>
            h("span", { class: "rating-count", dataset: { criterion: c.key } }, `${c.label} `, h("b", {}, String(answered[i]))))));
      }))
      : h("p", { class: "hint" }, t("rating_nothing")));
  }
}
