// Hyphenation in the workshop's language. The board asks the browser first (CSS
// `hyphens: auto` with the `lang` of the text); a browser without that language's
// dictionary — Debian's Chromium has none — would break a long word anywhere and without
// a hyphen ("Dématérialisati/on"). There, a word too long for its column gets soft
// hyphens (U+00AD) at its syllables, from TeX's hyphenation patterns (the `hyphen`
// package, served from static/vendor/hyphen), and the browser breaks it there with a
// hyphen. Only such words are touched: the text of every other note stays as typed.
const PATTERNS = { fr: "fr", en: "en-us" };
const GLOBALS = { fr: "hyphenationPatternsFr", en: "hyphenationPatternsEnUs" };
const PROBE_WORDS = { fr: "anticonstitutionnellement", en: "incomprehensibilities" };
const VENDOR = "/static/vendor/hyphen";

const hyphenators = new Map(); // language -> (text) => hyphenated text
const native = new Map(); // language -> does the browser hyphenate it itself?
const loading = new Map();

function script(src) {
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.onload = resolve;
    el.onerror = reject;
    document.head.append(el);
  });
}

// Does the browser hyphenate this language? A long word in a narrow box: if it takes two
// lines, the browser broke it at a syllable (`hyphens: auto` never breaks anywhere else).
function browserHyphenates(lang) {
  const probe = document.createElement("div");
  probe.lang = lang;
  probe.textContent = PROBE_WORDS[lang];
  probe.style.cssText = "position:absolute;visibility:hidden;width:6em;font-size:20px;line-height:20px;hyphens:auto;-webkit-hyphens:auto;overflow-wrap:normal";
  document.body.append(probe);
  const lines = Math.round(probe.offsetHeight / 20);
  probe.remove();
  return lines > 1;
}

// Ready the hyphenation of `lang`; resolves true when something new became available
// (the caller lays the board out again).
export function prepare(lang) {
  const key = PATTERNS[lang] ? lang : null;
  if (!key || hyphenators.has(key) || native.get(key)) return Promise.resolve(false);
  if (loading.has(key)) return loading.get(key);
  native.set(key, browserHyphenates(key));
  if (native.get(key)) return Promise.resolve(false);
  const load = (window.createHyphenator ? Promise.resolve() : script(`${VENDOR}/hyphen.js`))
    .then(() => script(`${VENDOR}/patterns/${PATTERNS[key]}.js`))
    .then(() => {
      const hyphenate = window.createHyphenator(window[GLOBALS[key]], { hyphenChar: "\u00AD" });
      hyphenators.set(key, hyphenate);
      return true;
    })
    .catch(() => false); // no patterns: long words still break, without a hyphen
  loading.set(key, load);
  return load;
}

// In these hidden columns, `width` px wide, give the words that overflow their line soft
// hyphens. Elements with the class "hy" hold user text (a note, a card, a group title).
export function hyphenateOverflowing(measurers, width) {
  if (!measurers.length || !hyphenators.size) return;
  const saved = measurers.map((m) => m.style.width);
  for (const m of measurers) { m.style.width = `${width}px`; m.classList.add("probe"); }
  const long = [];
  for (const m of measurers) {
    for (const el of m.querySelectorAll(".hy")) {
      if (el.scrollWidth > el.clientWidth + 1) long.push(el);
    }
  }
  for (const el of long) {
    const hyphenate = hyphenators.get(languageOf(el));
    if (hyphenate && !el.textContent.includes("\u00AD")) el.textContent = hyphenate(el.textContent);
  }
  measurers.forEach((m, i) => { m.style.width = saved[i]; m.classList.remove("probe"); });
}

function languageOf(el) {
  const lang = (el.closest("[lang]")?.lang || "").slice(0, 2);
  return PATTERNS[lang] ? lang : null;
}

// The spotlight's text, one element at its own size.
export function hyphenateIfOverflowing(el) {
  if (!el || !hyphenators.size) return false;
  el.classList.add("probe");
  const overflowing = el.scrollWidth > el.clientWidth + 1;
  el.classList.remove("probe");
  const hyphenate = hyphenators.get(languageOf(el));
  if (!overflowing || !hyphenate || el.textContent.includes("\u00AD")) return false;
  el.textContent = hyphenate(el.textContent);
  return true;
}
