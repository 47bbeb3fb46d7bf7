// Ranked results once the facilitator reveals them, and the item the board spotlights.
import { h, localized, plural, replace, t } from "../dom.js";
import { reconcile, sig } from "./model.js";
import { resultsByArea } from "../board/common.js";

export function renderResults(v, container) {
  const results = v.workshop.results_revealed ? v.state.results : null;
  if (!results) {
    reconcile(container, [{
      key: "waiting",
      sig: sig(t("phone.results_not_yet")),
      build: () => h("p", { class: "empty" }, t("phone.results_not_yet")),
    }]);
    return 0;
  }
  const top = Math.max(1, ...results.map((r) => r.dots));
  const tallies = v.state.tallies;
  const items = [];
  if (tallies && tallies.total) {
    const summary = t("phone.results_summary", {
      dots: plural("phone.dots", tallies.total), voters: plural("phone.voters", tallies.voters),
    });
    items.push({ key: "summary", sig: sig(summary), build: () => h("p", { class: "hint" }, summary) });
  }
  if (!results.length) {
    items.push({ key: "none", sig: "none", build: () => h("p", { class: "empty" }, t("phone.no_votes")) });
  }
  // A vote per area (a SWOT's quadrants) is ranked and shown per area, as on the board.
  for (const { area, results: ranked } of resultsByArea(v.state, results)) {
    const most = area ? Math.max(1, ...ranked.map((r) => r.dots)) : top;
    items.push({
      key: `list-${area?.key || ""}`,
      sig: sig(ranked, most, ranked.map((r) => (r.kind === "group" ? v.state.groups.get(r.id)?.pledges : 0))),
      build: () => h("section", { class: "results-area", style: { "--area": area?.color || null } },
        area ? h("h3", { class: "results-area-title" }, localized(area.label)) : null,
        ranked.length ? h("ol", { class: "results" }, ranked.map((result) => resultItem(v, result, most, !area)))
          : h("p", { class: "empty" }, t("phone.no_votes"))),
    });
  }
  reconcile(container, items);
  return results.length;
}

function resultItem(v, result, top, tagArea) {
  const area = v.areaOf.get(result.area);
  const rank = result.tied ? `=${result.rank}` : String(result.rank);
  const rankText = result.tied ? t("phone.rank_tied", { n: result.rank }) : t("phone.rank", { n: result.rank });
  const group = result.kind === "group" ? v.state.groups.get(result.id) : null;
  return h("li", { class: "result", style: { "--area": area?.color || "#8a8f98" } },
    h("span", { class: "rank", "aria-hidden": "true" }, rank),
    h("span", { class: "visually-hidden" }, rankText),
    h("div", { class: "result-body" },
      h("p", { class: "result-label" }, result.label),
      h("div", { class: "result-bar", "aria-hidden": "true" },
        h("span", { style: { width: `${Math.round((result.dots / top) * 100)}%` } })),
      h("p", { class: "result-meta" },
        h("span", { class: "result-dots" }, plural("phone.dots", result.dots)),
        tagArea && area && v.areas.length > 1 ? h("span", {}, localized(area.label)) : null,
        group && group.pledges ? h("span", {}, plural("phone.pledges", group.pledges)) : null)));
}

// The facilitator shows one note, group or card big on the board: the phone shows it on top.
export function renderSpotlight(v, el) {
  const target = v.workshop.spotlight;
  const [kind, id] = (target || "").split(":");
  const item = kind === "note" ? v.state.notes.get(Number(id))
    : kind === "group" ? v.state.groups.get(Number(id))
      : kind === "card" ? v.state.cards.get(Number(id)) : null;
  const visible = item && !(kind === "note" && item.hidden);
  el.hidden = !visible;
  if (!visible) {
    el.replaceChildren();
    el._sig = null;
    return;
  }
  const area = v.areaOf.get(item.area);
  const text = kind === "group" ? item.title : item.text;
  const count = kind === "group"
    ? [...v.state.notes.values()].filter((n) => n.group_id === item.id && !n.hidden).length : null;
  const signature = sig(target, text, area?.color, count);
  if (el._sig === signature) return;
  el._sig = signature;
  el.style.setProperty("--area", area?.color || "#ffd84d");
  replace(el,
    h("p", { class: "eyebrow" }, t("phone.spotlight")),
    h("p", { class: "spotlight-text" }, text),
    count !== null ? h("p", { class: "hint" }, plural("phone.notes_count", count)) : null,
  );
}
