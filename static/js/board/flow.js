// Columns and pages for the board's stage. A flow is a container and what it shows, in
// sections: a wall's notes, or groups each with a head (the group's title) and its notes.
// The flow is laid out in columns of equal width, the largest type that shows it all on
// one page; when even the smallest readable type does not, it takes pages rather than
// shrinking the text further (board.js turns them, the facilitator can hold one). A group
// that runs into the next column, or page, takes its title along ("… (continued)").
//
// Everything on the stage is sized in em of --fs, so one measurement per column width at
// the smallest size gives every size by proportion: the search for the largest type costs
// arithmetic, not layouts. Constant pixels (a 2 px border) make the estimate slightly
// pessimistic at larger sizes, never optimistic.
import { h } from "../dom.js";
import { hyphenateOverflowing } from "./hyphens.js";

const GAP = 0.4; // between the entries of a column, in em (CSS: .flow-col)
const COLUMN_GAP = 0.5; // between columns, in em (CSS: .flow-page)
const SLACK = 0.98; // a column is filled to 98 % of its height: rounding never cuts a note

// The smallest type on the board: 24 px on a 1920×1080 screen, in proportion on others
// (the same share of the wall once projected). The participant's laptop sets its own.
let minimum = () => Math.max(12, Math.round(24 * Math.min(innerHeight / 1080, innerWidth / 1920)));
export function setMinimum(fn) { minimum = fn; }
export function readable() { return minimum(); }

// items: elements; box: () => a new empty element holding a fragment of the section, with
// `head` first (the original in the first fragment, a copy of `continued` in the others).
export function section(items, { box = null, head = null, continued = null } = {}) {
  return { items, box, head, continued };
}

export class Flow {
  constructor(container, sections) {
    this.container = container;
    this.sections = sections.filter((s) => s.items.length || s.head);
    this.layout = { n: 1, columns: [], pages: 1 };
  }

  // Everything in one hidden column, to be measured; the boxes are the first fragments.
  attach() {
    this.box = null;
    this.boxes = this.sections.map((s) => {
      if (!s.box) return null;
      const box = s.box();
      box.append(...[s.head, ...s.items, s.continued].filter(Boolean));
      return box;
    });
    this.measurer = h("div", { class: "flow-measure", "aria-hidden": "true" },
      this.sections.flatMap((s, i) => this.boxes[i] || s.items));
    this.container.replaceChildren(this.measurer);
  }

  // Heights in em of the current --fs, at a column `width` em wide.
  measure(width, size) {
    this.measurer.style.width = `${width * size}px`;
    const em = (px) => px / size;
    return this.sections.map((s, i) => {
      const items = s.items.map((el) => em(el.offsetHeight));
      const box = this.boxes[i];
      if (!box) return { items };
      const head = s.head ? em(s.head.offsetHeight) : 0;
      const cont = s.continued ? em(s.continued.offsetHeight) : 0;
      const inner = em(parseFloat(getComputedStyle(box).rowGap) || 0);
      const children = [s.head, ...s.items, s.continued].filter(Boolean).length;
      const overhead = em(box.offsetHeight) - head - cont - sum(items) - Math.max(0, children - 1) * inner;
      return { items, head, cont, inner, overhead };
    });
  }

  // The content box: a cell may have padding.
  size() {
    const style = getComputedStyle(this.container);
    const px = (name) => parseFloat(style[name]) || 0;
    return {
      width: this.container.clientWidth - px("paddingLeft") - px("paddingRight"),
      height: this.container.clientHeight - px("paddingTop") - px("paddingBottom"),
    };
  }

  // The columns at `size` px for heights measured at a column `width` em wide: null when
  // one entry is taller than a column.
  pack(metrics, size, width) {
    const { width: W, height: H } = this.box || (this.box = this.size());
    const gap = GAP * size;
    const columnGap = COLUMN_GAP * size;
    const n = Math.max(1, Math.floor((W + columnGap) / (width * size + columnGap) + 1e-6));
    const full = H * SLACK;
    let columns = packColumns(metrics, size, full, gap);
    if (!columns) return null;
    const pages = Math.max(1, Math.ceil(columns.length / n));
    if (columns.flat().length > 1) columns = balance(metrics, size, full, gap, pages * n) || columns;
    return { n, columns, pages };
  }

  // The width, in em, the columns really take at `size` once stretched to the container.
  stretched(size, width) {
    const { width: W } = this.box || (this.box = this.size());
    const columnGap = COLUMN_GAP * size;
    const n = Math.max(1, Math.floor((W + columnGap) / (width * size + columnGap) + 1e-6));
    return (W - (n - 1) * columnGap) / n / size;
  }

  // The chosen layout, measured again at the columns' real width: they are wider than
  // the width tried, so notes take fewer lines and the estimate only gets roomier.
  settle(metrics, size, width) {
    const exact = this.stretched(size, width);
    const layout = this.pack(this.measure(exact, size), size, exact);
    const estimate = this.pack(metrics, size, width);
    this.layout = layout && (!estimate || layout.pages <= estimate.pages) ? layout : estimate || forced(metrics);
  }

  pages() { return this.layout.pages; }

  // Page p (from 1; a flow with fewer pages shows its last).
  show(p) {
    const { n, columns, pages } = this.layout;
    const page = Math.min(Math.max(1, p), pages);
    const shown = columns.slice((page - 1) * n, page * n);
    this.container.replaceChildren(h("div", { class: "flow-page", style: { "--n": n } },
      shown.map((column) => h("div", { class: "flow-col" }, column.map((entry) => this.build(entry))))));
    return page;
  }

  build({ s, from, to, cont }) {
    const section = this.sections[s];
    if (!section.box) return section.items[from];
    const box = section.box();
    const head = cont ? section.continued?.cloneNode(true) : section.head;
    box.append(...[head, ...section.items.slice(from, to)].filter(Boolean));
    if (cont) box.classList.add("continued");
    return box;
  }

  // Columns that hold more than they show (a rounding the estimate missed).
  overflows() {
    return [...this.container.querySelectorAll(".flow-col")].some((col) => col.scrollHeight > col.clientHeight + 1);
  }
}

function sum(list) {
  return list.reduce((a, b) => a + b, 0);
}

// Entries {s, from, to, cont}, column after column, each filled up to `height` px.
function packColumns(metrics, size, height, gap) {
  const columns = [];
  let column = [];
  let used = 0;
  const start = () => (column.length ? used + gap : 0);
  const next = () => { columns.push(column); column = []; used = 0; };
  const put = (entry, px) => { used = start() + px; column.push(entry); };
  for (let s = 0; s < metrics.length; s += 1) {
    const m = metrics[s];
    const items = m.items.map((em) => em * size);
    if (m.overhead === undefined) { // plain items, one entry each
      for (let j = 0; j < items.length; j += 1) {
        if (items[j] > height) return null;
        if (start() + items[j] > height) next();
        put({ s, from: j, to: j + 1 }, items[j]);
      }
      continue;
    }
    const inner = m.inner * size;
    let j = 0;
    let cont = false;
    for (;;) {
      const base = (m.overhead + (cont ? m.cont : m.head)) * size;
      const top = start();
      let px = base;
      let k = j;
      while (k < items.length && top + px + inner + items[k] <= height) { px += inner + items[k]; k += 1; }
      const nothing = k === j && (j < items.length || top + base > height);
      if (nothing) { // not even the head and one note: the next column, or no layout at all
        if (!column.length) return null;
        next();
        continue;
      }
      put({ s, from: j, to: k, cont }, px);
      j = k;
      cont = true;
      if (j >= items.length) break;
      next();
    }
  }
  if (column.length) columns.push(column);
  return columns;
}

// The lowest column height that still takes `n` columns or fewer: as many pages, evenly
// filled (no last page holding two notes), and even columns on a page of its own.
function balance(metrics, size, height, gap, n) {
  let low = 0;
  let high = height;
  let best = null;
  while (high - low > 1) {
    const mid = (low + high) / 2;
    const columns = packColumns(metrics, size, mid, gap);
    if (columns && columns.length <= n) { high = mid; best = columns; } else low = mid;
  }
  return best;
}

function setVars(root, size, lines) {
  root.style.setProperty("--fs", `${size}px`);
  root.style.setProperty("--lines", String(lines));
}

// The layout for every flow of `root` (they share one type size): one page at the largest
// size from `min` to `max`, else the fewest pages, at the largest size that keeps them.
// `lines`: how many lines a note may take, the first that lays out at all (a note cut
// at 14 lines is one of 280 characters in a narrow column; 8 only where 14 cannot fit).
export function fitFlows(root, flows, { max = 56, min = readable(), lines = [14, 8], widths = [10.5] } = {}) {
  const live = flows.filter((flow) => flow.sections.length);
  for (const flow of flows) if (!flow.sections.length) flow.layout = { n: 1, columns: [], pages: 1 };
  if (!live.length) { setVars(root, max, lines[0]); return { size: max, pages: 1 }; }
  setVars(root, min, lines[0]);
  for (const flow of live) flow.attach();
  hyphenateOverflowing(live.map((flow) => flow.measurer), Math.min(...widths) * min);
  let choices = [];
  let count = lines[0];
  for (count of lines) {
    setVars(root, min, count);
    choices = widths.map((width) => ({ width, metrics: live.map((flow) => flow.measure(width, min)) }));
    if (choices.some((choice) => pagesAt(live, choice, min) < Infinity)) break;
  }
  const target = Math.min(...choices.map((choice) => pagesAt(live, choice, min)));
  let best = null;
  for (const choice of choices) {
    if (target === Infinity || pagesAt(live, choice, min) > target) continue;
    let low = min; // keeps the target
    let high = max + 1;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (pagesAt(live, choice, mid) <= target) low = mid; else high = mid;
    }
    if (!best || low > best.size) best = { ...choice, size: low };
  }
  if (!best) { // a single note taller than its panel even at `min` and the fewest lines
    best = { ...choices[0], size: min };
    root.dataset.overfull = "true";
  } else {
    delete root.dataset.overfull;
  }
  setVars(root, best.size, count);
  live.forEach((flow, i) => flow.settle(best.metrics[i], best.size, best.width));
  return { size: best.size, lines: count, width: best.width, pages: Math.max(...live.map((flow) => flow.pages())) };
}

function pagesAt(flows, choice, size) {
  let most = 1;
  for (let i = 0; i < flows.length; i += 1) {
    const layout = flows[i].pack(choice.metrics[i], size, choice.width);
    if (!layout) return Infinity;
    most = Math.max(most, layout.pages);
  }
  return most;
}

// No layout fits: one entry per column, cut by the container (data-overfull says so).
function forced(metrics) {
  const columns = [];
  metrics.forEach((m, s) => {
    if (m.overhead === undefined) m.items.forEach((_, j) => columns.push([{ s, from: j, to: j + 1 }]));
    else columns.push([{ s, from: 0, to: m.items.length, cont: false }]);
  });
  return { n: 1, columns, pages: columns.length };
}
