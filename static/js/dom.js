// Tiny DOM helpers. User text only ever goes through textContent: never parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "style") for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
}

export function readConfig() {
  return JSON.parse(document.getElementById("page-config").textContent);
}

const messages = JSON.parse(document.getElementById("script-messages")?.textContent || "{}");
export const locale = document.documentElement.lang || "fr";

// A translated string with its %(name)s filled in. The values are people's text (a group
// title, a note): inserted by a function, so "$&" or "$1" in them stays as typed.
export function t(key, values = {}) {
  return (messages[key] || key).replace(/%\((\w+)\)s/g, (whole, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole);
}

// The dataset of a field limited to `n` characters (graphemes.js checks it as people type).
export function lengthLimit(n) {
  return { maxCharacters: n, tooLong: t("too_long", { n }) };
}

// The plural the page's language uses for n (Intl.PluralRules: French "0 note" and
// "1 note", English "0 notes"): `key_one`, or `key_<category>` when a translation has
// one ("few" in Polish), else `key_many`. n is written as the language writes numbers.
const pluralRules = new Intl.PluralRules(locale);
const numbers = new Intl.NumberFormat(locale);
export function plural(key, n) {
  const category = pluralRules.select(n);
  const chosen = category === "one" ? `${key}_one` : messages[`${key}_${category}`] ? `${key}_${category}` : `${key}_many`;
  return t(chosen, { n: numbers.format(n) });
}

// A number as the page's language writes it, at most `digits` decimals: "4,25" and
// "0,5" in French, "4.25" and "0.5" in English. A share (0.625) as a percentage: "62,5 %".
export function decimal(value, digits = 2) {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

export function percent(share, digits = 0) {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(share);
}

export function localized(text) {
  if (!text) return "";
  return text[locale] || text.fr || text.en || "";
}
