// Rating charts, drawn here as SVG (no library): a radar for several criteria — one axis
// per criterion, the median as a filled shape, the spread between the quartiles as a
// band around it — and a distribution's bars for one criterion. Labels are text nodes.
// The board, the phones and the control page share them; the synthesis draws the same
// radar on the server (facilitation/ratings/chart.py).

import { decimal } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Where a value sits on its axis, 0 (the scale's lowest point) to 1 (its highest).
function share(value, scale) {
  if (value === null || value === undefined) return 0;
  return (value - scale.from) / Math.max(1, scale.to - scale.from);
}

function point(i, n, r) {
  const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
  return [r * Math.cos(angle), r * Math.sin(angle)];
}

function polygon(values, n, r) {
  return values.map((v, i) => point(i, n, r * v).map((c) => c.toFixed(1)).join(",")).join(" ");
}

function ring(values, n, r) {
  return `M${polygon(values, n, r).split(" ").join("L")}Z`;
}

// criteria: [{key, label, scale: {from, to}}]; stats: {key: {n, median, q1, q3}}.
export function radarChart(criteria, stats, { title = "", labels = true } = {}) {
  const n = criteria.length;
  const R = 100;
  const pad = labels ? 62 : 8;
  const size = R + pad;
  const side = labels ? 70 : 0; // room for the longest labels beside the chart
  const svg = el("svg", {
    class: "radar", viewBox: `${-size - side} ${-size} ${2 * (size + side)} ${2 * size}`,
    role: "img", "aria-label": title,
  });
  if (title) svg.append(el("title", {}, title));
  const levels = Math.max(1, (criteria[0]?.scale.to ?? 5) - (criteria[0]?.scale.from ?? 1));
  for (let level = 1; level <= levels; level += 1) {
    svg.append(el("polygon", { class: "radar-grid", points: polygon(Array(n).fill(level / levels), n, R) }));
  }
  criteria.forEach((_, i) => {
    const [x, y] = point(i, n, R);
    svg.append(el("line", { class: "radar-axis", x1: 0, y1: 0, x2: x.toFixed(1), y2: y.toFixed(1) }));
  });
  const of = (field) => criteria.map((c) => share(stats[c.key]?.[field], c.scale));
  if (criteria.some((c) => stats[c.key]?.n)) {
    svg.append(el("path", { class: "radar-spread", d: `${ring(of("q3"), n, R)}${ring(of("q1"), n, R)}`, "fill-rule": "evenodd" }));
    svg.append(el("polygon", { class: "radar-median", points: polygon(of("median"), n, R) }));
    of("median").forEach((v, i) => {
      const [x, y] = point(i, n, R * v);
      svg.append(el("circle", { class: "radar-dot", cx: x.toFixed(1), cy: y.toFixed(1), r: 3.5 }));
    });
  }
  if (labels) {
    criteria.forEach((criterion, i) => {
      const [x, y] = point(i, n, R + 14);
      const anchor = Math.abs(x) < 8 ? "middle" : x > 0 ? "start" : "end";
      const median = stats[criterion.key]?.median;
      const text = el("text", {
        class: "radar-label", x: x.toFixed(1), y: (y + (y > 8 ? 12 : y < -8 ? -4 : 4)).toFixed(1), "text-anchor": anchor,
      }, criterion.label);
      if (median !== null && median !== undefined) {
        text.append(el("tspan", { class: "radar-value", dx: 4 }, decimal(median, 1)));
      }
      svg.append(text);
    });
  }
  return svg;
}

// One criterion's answers: a bar per point of its scale, its count above, its label below.
export function distributionChart(criterion, stat, { title = "", pointLabels = [] } = {}) {
  const counts = stat?.distribution || [];
  const most = Math.max(1, ...counts);
  const width = 60 * counts.length;
  const svg = el("svg", { class: "distribution", viewBox: `0 0 ${width} 190`, role: "img", "aria-label": title });
  if (title) svg.append(el("title", {}, title));
  counts.forEach((count, i) => {
    const height = (120 * count) / most;
    const x = 60 * i + 8;
    svg.append(el("rect", { class: "distribution-bar", x, y: 140 - height, width: 44, height: Math.max(height, 1) }));
    svg.append(el("text", { class: "distribution-count", x: x + 22, y: 134 - height, "text-anchor": "middle" }, count));
    const value = criterion.scale.from + i;
    svg.append(el("text", { class: "distribution-point", x: x + 22, y: 160, "text-anchor": "middle" }, signed(value, criterion.scale)));
    if (pointLabels[i] && (i === 0 || i === counts.length - 1 || counts.length <= 3)) {
      svg.append(el("text", { class: "distribution-label", x: x + 22, y: 180, "text-anchor": "middle" }, pointLabels[i]));
    }
  });
  return svg;
}

// "median +1, spread 1.5": a criterion's summary, as its scale and the page's language
// write it ("médiane 3,5, dispersion 0,5" in French).
export function medianText(stat, scale, t) {
  if (!stat?.n) return "";
  const spread = decimal(stat.q3 - stat.q1);
  return t("rating_median_spread", { median: signed(stat.median, scale), spread });
}

// A point as the scale writes it: "+2" on a scale that goes below zero, "4" otherwise.
export function signed(value, scale) {
  return scale.from < 0 && value > 0 ? `+${decimal(value)}` : decimal(value);
}
