// Automatic sizing: the largest type at which every container shows all its content
// without scrolling. The board sets, on a root, --fs (font size in px), --lines (lines a
// note may take before it is cut) and --col (a column's width in em); the CSS derives
// the rest from them.
//
// For each number of lines and each column width, the largest size that fits is found
// by bisection (the page is measured, so real text decides); the biggest type wins, then
// the layout that shows more of each note. Column widths vary because the number of
// columns is a whole number: one width may waste a fifth of a panel another fills.

export const sizes = (max, min, lines = [5, 4, 3], widths = [10.5]) => ({ max, min, lines, widths });

function overflows(container) {
  return container.scrollHeight > container.clientHeight + 1 || container.scrollWidth > container.clientWidth + 1;
}

export function fit(root, containers, { max = 56, min = 12, lines = [5, 4, 3], widths = [10.5] } = {}) {
  const apply = (size, count, width) => {
    root.style.setProperty("--fs", `${size}px`);
    root.style.setProperty("--lines", String(count));
    root.style.setProperty("--col", String(width));
  };
  const fits = (size, count, width) => { apply(size, count, width); return !containers.some(overflows); };
  if (!containers.length) { apply(max, lines[0], widths[0]); return { size: max, lines: lines[0], width: widths[0] }; }
  let best = null;
  for (const count of lines) {
    for (const width of widths) {
      if (best && best.size >= max) break;
      const floor = best ? Math.max(min, best.size + 2) : min; // must beat the best clearly
      if (!fits(floor, count, width)) continue;
      let low = floor; // fits
      let high = max + 1; // too big
      while (high - low > 1) {
        const mid = (low + high) >> 1;
        if (fits(mid, count, width)) low = mid;
        else high = mid;
      }
      best = { size: low, lines: count, width };
    }
  }
  if (!best) {
    root.dataset.overfull = "true";
    best = { size: min, lines: lines[lines.length - 1], width: widths[0] };
  } else {
    delete root.dataset.overfull;
  }
  apply(best.size, best.lines, best.width);
  return best;
}
