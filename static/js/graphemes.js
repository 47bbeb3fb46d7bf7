// Text lengths as the server counts them (facilitation/text.py): user-perceived characters,
// the extended grapheme clusters of UAX #29. A family emoji 👨‍👩‍👧‍👦 is one character, seven
// code points and eleven UTF-16 units. HTML's maxlength counts UTF-16 units, so it would
// stop a note of emoji long before the server's limit: limited fields carry
// data-max-characters (and data-too-long, the message) instead, checked here.

const segmenter = globalThis.Intl?.Segmenter
  ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
  : null;

function clusters(text) {
  // Without Intl.Segmenter, code points: never fewer than the server counts.
  return segmenter ? Array.from(segmenter.segment(text), (part) => part.segment) : [...text];
}

export function characters(text) {
  return clusters(text).length;
}

// At most `max` characters, ending with "…" when cut; never inside a character.
export function shorten(text, max = 80) {
  const parts = clusters(text || "");
  return parts.length > max ? `${parts.slice(0, max - 1).join("")}…` : parts.join("");
}

// The field refuses to be submitted beyond its limit (the browser shows data-too-long).
// Call it after changing a field's value from a script: only typing sends `input`.
export function checkLength(field) {
  const max = Number(field.dataset.maxCharacters);
  const over = max > 0 && characters(field.value.trim()) > max;
  field.setCustomValidity(over ? field.dataset.tooLong || String(max) : "");
  return over;
}

export function checkLengthsOnInput(root = document) {
  root.addEventListener("input", (event) => {
    if (event.target?.dataset?.maxCharacters) checkLength(event.target);
  });
}
