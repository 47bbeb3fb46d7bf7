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

export function t(key, values = {}) {
  let text = messages[key] || key;
  for (const [name, value] of Object.entries(values)) text = text.replace(`%(${name})s`, value);
  return text;
}

// The dataset of a field limited to `n` characters (graphemes.js checks it as people type).
export function lengthLimit(n) {
  return { maxCharacters: n, tooLong: t("too_long", { n }) };
}

// French uses the singular for 0 and 1, English only for 1.
export function plural(key, n) {
  const one = locale.startsWith("fr") ? n <= 1 : n === 1;
  return t(one ? `${key}_one` : `${key}_many`, { n });
}

export function localized(text) {
  if (!text) return "";
  return text[locale] || text.fr || text.en || "";
}
