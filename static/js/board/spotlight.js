// One item shown very large over the stage: a note, a group with its notes, or a card
// (a TOWS strategy, a roadmap step, a canvas entry). Shared by the board and the
// participant's laptop view.
import { h, t, localized } from "../dom.js";
import { areaOf, byPosition, slotsOf } from "./common.js";
import { fit, sizes } from "./fit.js";
import { Flow, fitFlows, readable, section } from "./flow.js";
import { hyphenateIfOverflowing } from "./hyphens.js";
import { inkFor, noteEl, textIn } from "./views.js";

const ONE_PAGE = { pages: 1, show: () => {} };

function big(state, { colour, eyebrow, text, footer }) {
  return h("article", { class: "board-spotlight-note fit", style: { "--note": colour, "--ink": inkFor(colour) } },
    eyebrow ? h("p", { class: "board-spotlight-area" }, eyebrow) : null,
    textIn(state, "p", "board-spotlight-text", text),
    footer ? h("footer", {}, footer) : null);
}

function noteItem(state, id) {
  const note = state.notes.get(id);
  if (!note || note.hidden || note.text === undefined) return null;
  const area = areaOf(state, note.area);
  return big(state, {
    colour: note.color || area?.color || "#ffd84d",
    eyebrow: area && state.format.areas.length > 1 ? localized(area.label) : null,
    text: note.text,
    footer: note.author,
  });
}

function cardItem(state, id) {
  const card = state.cards.get(id);
  if (!card) return null;
  const slot = slotsOf(state, card.kind).find((s) => s.key === card.slot);
  const group = card.group_id ? state.groups.get(card.group_id) : null;
  const place = [card.kind === "strategy" ? card.slot : null, slot?.label, group?.title].filter(Boolean);
  return big(state, { colour: "#f5f3ee", eyebrow: [...new Set(place)].join(" · "), text: card.text, footer: card.author });
}

function groupItem(state, id) {
  const group = state.groups.get(id);
  if (!group) return null;
  const notes = [...state.notes.values()].filter((note) => note.group_id === group.id && !note.hidden).sort(byPosition);
  const container = h("div", { class: "board-flow board-notes" });
  const flow = new Flow(container, [section(notes.map((note) => noteEl(state, note)))]);
  const el = h("section", { class: "board-spotlight-group" }, textIn(state, "h2", "", group.title || t("untitled_group")), container);
  el.flow = flow;
  return el;
}

// {content, fit(root) → {pages, show(page)}}, or null when the target is not there
// (a hidden note, a card this screen may not see).
export function spotlight(state) {
  const [kind, raw] = (state.workshop.spotlight || "").split(":");
  const id = Number(raw);
  const content = kind === "note" ? noteItem(state, id) : kind === "card" ? cardItem(state, id) : kind === "group" ? groupItem(state, id) : null;
  if (!content) return null;
  return {
    content,
    fit(root) {
      if (content.flow) {
        const result = fitFlows(root, [content.flow], { max: 64, widths: [10.5, 13] });
        return { pages: result.pages, show: (page) => content.flow.show(page) };
      }
      fit(root, [content], sizes(140, readable(), [24]));
      const text = content.querySelector(".board-spotlight-text");
      if (hyphenateIfOverflowing(text)) fit(root, [content], sizes(140, readable(), [24]));
      return ONE_PAGE;
    },
  };
}
