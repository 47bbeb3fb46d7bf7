// Rating on the phone: each item the phase rates, each criterion with its scale as big
// buttons (the chosen one pressed, changeable while the phase lasts), how many are
// answered; once the facilitator reveals them, the room's results above the buttons.
import { h, localized, t } from "../dom.js";
import { criteriaOf, itemsOf, ratingPhase } from "../ratings.js";
import { distributionChart, radarChart, signed } from "../radar.js";
import { reconcile, send, sig } from "./model.js";

// The values still on their way, by "item|criterion" (the last one sent wins).
function pendingRatings(live) {
  const pending = new Map();
  for (const { name, payload } of live.unsent()) {
    if (name === "rate.cast") pending.set(`${payload.item}|${payload.criterion}`, payload.value);
  }
  return pending;
}

// Returns what the panel shows: {shown, done, total} (shown false: nothing to rate or see).
export function renderRatings(v, container, rerender) {
  const phase = ratingPhase(v.state);
  const results = phase ? v.state.ratings?.[phase.key] : null;
  const rating = !!phase && v.allows.has("rate");
  if (!phase || !(rating || results)) {
    reconcile(container, []);
    return { shown: false, done: 0, total: 0 };
  }
  const criteria = criteriaOf(phase);
  const items = itemsOf(v.state, phase);
  const mine = v.me.ratings?.[phase.key] || {};
  const pending = pendingRatings(v.live);
  const canRate = rating && v.canAct;
  let done = 0;
  const chosenOf = (item, key) => pending.get(`${item.ref}|${key}`) ?? mine[item.ref]?.[key] ?? null;
  const list = items.map((item) => {
    const chosen = Object.fromEntries(criteria.map((c) => [c.key, chosenOf(item, c.key)]));
    const answered = Object.values(chosen).filter((value) => value !== null).length;
    done += answered;
    const result = results?.items.find((entry) => entry.item === item.ref) || null;
    const sending = criteria.map((c) => pending.has(`${item.ref}|${c.key}`));
    // Built again only when what it shows changes shape; the answers are filled in place,
    // so a button under a finger is never replaced by an ack or another answer.
    return {
      key: item.ref,
      sig: sig(item.label, canRate, result),
      build: () => itemCard(v, criteria, item, result, canRate, rerender),
      fill: (el) => fillCard(el, criteria, chosen, sending, answered),
    };
  });
  if (!items.length) {
    list.push({ key: "none", sig: "none", build: () => h("p", { class: "empty" }, t("phone.rate_nothing")) });
  } else if (!results && !rating) {
    list.unshift({ key: "waiting", sig: "waiting", build: () => h("p", { class: "empty" }, t("phone.rate_not_revealed")) });
  }
  reconcile(container, list);
  return { shown: true, done, total: items.length * criteria.length, rating };
}

function itemCard(v, criteria, item, result, canRate, rerender) {
  return h("article", { class: "rate-item" },
    h("header", { class: "rate-head" },
      h("h3", { class: "rate-title" }, item.label),
      h("span", { class: "rate-progress" })),
    result ? resultOf(criteria, result, item.label) : null,
    criteria.map((criterion) => criterionRow(v, item, criterion, canRate, rerender)));
}

// The answers as they are now: the pressed point of each criterion (and whether it is
// still on its way), its label, and how many are answered.
function fillCard(el, criteria, chosen, sending, answered) {
  const progress = el.querySelector(".rate-progress");
  progress.textContent = t("phone.rate_answered", { done: answered, total: criteria.length });
  progress.classList.toggle("complete", answered === criteria.length);
  criteria.forEach((criterion, i) => {
    const row = el.querySelector(`fieldset[data-criterion="${CSS.escape(criterion.key)}"]`);
    const value = chosen[criterion.key];
    for (const button of row.querySelectorAll("button.rate-point")) {
      const on = Number(button.dataset.value) === value;
      button.classList.toggle("on", on);
      button.classList.toggle("sending", on && sending[i]);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    const label = row.querySelector(".rate-chosen");
    label.textContent = value === null ? "" : localized(criterion.scale.labels[value - criterion.scale.from]);
  });
}

function resultOf(criteria, result, label) {
  const title = t("phone.rate_results_of", { item: label });
  const chart = criteria.length >= 3
    ? radarChart(criteria, result.criteria, { title })
    : h("div", { class: "rate-distributions" }, criteria.map((c) => distributionChart(c, result.criteria[c.key], {
      title: `${title} — ${c.label}`, pointLabels: c.scale.labels.map(localized),
    })));
  const n = Math.max(0, ...Object.values(result.criteria).map((stat) => stat.n));
  return h("section", { class: "rate-result" },
    h("p", { class: "rate-result-title" }, t("phone.rate_room", { n })),
    chart);
}

function criterionRow(v, item, criterion, canRate, rerender) {
  const { scale } = criterion;
  const id = `rate-${item.ref.replace(":", "-")}-${criterion.key}`;
  const points = [];
  for (let point = scale.from; point <= scale.to; point += 1) points.push(point);
  const labelOfPoint = (point) => localized(scale.labels[point - scale.from]);
  return h("fieldset", { class: "rate-criterion", dataset: { criterion: criterion.key } },
    h("legend", { id: `${id}-label` }, criterion.label),
    criterion.description ? h("p", { class: "rate-about" }, localized(criterion.description)) : null,
    h("div", { class: "rate-scale", role: "group", "aria-labelledby": `${id}-label`, style: { "--points": String(points.length) } },
      points.map((point) => h("button", {
        type: "button",
        class: "rate-point",
        "aria-pressed": "false",
        "aria-label": `${signed(point, scale)} — ${labelOfPoint(point)}`,
        disabled: !canRate,
        dataset: { value: String(point) },
        onclick: (event) => {
          if (event.currentTarget.getAttribute("aria-pressed") === "true") return;
          send(v.live, "rate.cast", { item: item.ref, criterion: criterion.key, value: point });
          rerender();
        },
      }, signed(point, scale)))),
    h("p", { class: "rate-ends", "aria-hidden": "true" },
      h("span", {}, labelOfPoint(scale.from)),
      h("strong", { class: "rate-chosen" }),
      h("span", {}, labelOfPoint(scale.to))));
}
