// Cards everyone posted (they are public in the phases that take them): TOWS strategies
// by quadrant, roadmap items by horizon, the coalition canvas by group and field. One's
// own are editable and deletable while the phase takes that kind of card.
import { h, plural, t } from "../dom.js";
import { CARD_CAPABILITY, byNewest, reconcile, shorten, sig, slotLabel } from "./model.js";

const KIND_TITLE = { strategy: "phone.kind_strategy", roadmap: "phone.kind_roadmap", canvas: "phone.kind_canvas" };

export function renderCards(v, container, actions) {
  const cards = [...v.state.cards.values()].filter((card) => !v.pending.cardDeletes.has(card.id));
  const pending = v.pending.cardAdds.map((payload) => ({
    ...payload, id: payload.command_id, mine: true, sending: true,
  }));
  const all = [...pending, ...cards];
  const kinds = Object.keys(CARD_CAPABILITY).filter(
    (kind) => v.cardKinds.includes(kind) || all.some((card) => card.kind === kind));
  const sections = kinds.map((kind) => {
    const ofKind = all.filter((card) => card.kind === kind);
    const title = kinds.length > 1 ? t(KIND_TITLE[kind]) : null;
    return {
      key: `kind:${kind}`,
      sig: sig(title),
      build: () => h("section", { class: "card-section" },
        title ? h("h3", { class: "section-title" }, title) : null,
        h("div", { class: "section-body" })),
      fill: (el) => reconcile(el.querySelector(".section-body"),
        kind === "canvas" ? canvasBlocks(v, ofKind, actions) : slotBlocks(v, kind, ofKind, null, actions)),
    };
  });
  reconcile(container, sections);
  return all.length;
}

function canvasBlocks(v, cards, actions) {
  const ids = [...v.canvasGroups];
  for (const card of cards) if (card.group_id != null && !ids.includes(card.group_id)) ids.push(card.group_id);
  if (!ids.length) {
    return [{ key: "none", sig: "none", build: () => h("p", { class: "empty" }, t("phone.no_canvas_groups")) }];
  }
  return ids.map((id) => {
    const group = v.state.groups.get(id);
    const title = group ? group.title : t("phone.unknown_group");
    const own = cards.filter((card) => card.group_id === id);
    return {
      key: `canvas:${id}`,
      sig: sig(title, own.length),
      build: () => h("section", { class: "canvas-block" },
        h("h4", { class: "group-title" }, title),
        h("p", { class: "group-meta" }, plural("phone.cards_count", own.length)),
        h("div", { class: "slots" })),
      fill: (el) => reconcile(el.querySelector(".slots"), slotBlocks(v, "canvas", own, id, actions)),
    };
  });
}

function slotBlocks(v, kind, cards, groupId, actions) {
  const known = (v.slots[kind] || []).map((slot) => slot.key);
  const keys = [...known, ...new Set(cards.map((card) => card.slot).filter((key) => !known.includes(key)))];
  const current = v.cardKinds.includes(kind);
  return keys
    .map((key) => ({ key, cards: cards.filter((card) => card.slot === key).sort(byNewest) }))
    .filter((slot) => current || slot.cards.length)
    .map((slot) => {
      const label = slotLabel(v, kind, slot.key);
      const code = kind === "strategy" ? slot.key : null;
      return {
        key: `slot:${groupId ?? ""}:${slot.key}`,
        sig: sig(label, code, slot.cards.length === 0),
        build: () => h("div", { class: `slot-block${slot.cards.length ? "" : " empty-slot"}` },
          h("h5", { class: "slot-title" }, code ? h("span", { class: "slot-code" }, code) : null, label),
          slot.cards.length ? null : h("p", { class: "empty small" }, t("phone.no_cards")),
          h("ul", { class: "phone-cards" })),
        fill: (el) => reconcile(el.querySelector("ul"), slot.cards.map((card) => cardItem(v, card, actions))),
      };
    });
}

function cardItem(v, card, actions) {
  const { editing, confirming } = v.ui;
  const isEditing = !card.sending && editing?.kind === "card" && editing.id === card.id;
  const isConfirming = !card.sending && confirming?.kind === "card" && confirming.id === card.id;
  const pendingText = v.pending.cardEdits.get(card.id);
  const status = card.sending || pendingText !== undefined ? "sending" : card.mine ? "saved" : "other";
  const canChange = !card.sending && card.mine && v.canAct && v.allows.has(CARD_CAPABILITY[card.kind]);
  const text = pendingText ?? card.text;
  const links = (card.links || []).map((link) => linkLabel(v, link)).filter(Boolean);
  return {
    key: card.sending ? `pending:${card.id}` : `card:${card.id}`,
    sig: sig(card.seq, text, card.author, status, isEditing, isConfirming, canChange, links),
    build: () => h("li", { class: `phone-card ${status}`, dataset: { status } },
      isEditing ? actions.editor("card", card.id) : h("p", { class: "card-text" }, text),
      links.length && !isEditing ? h("ul", { class: "card-links", "aria-label": t("phone.linked_items") },
        links.map((label) => h("li", {}, label))) : null,
      isEditing ? null : h("div", { class: "item-foot" },
        h("p", { class: "note-meta" },
          card.author ? h("span", { class: "author" }, card.author) : null,
          status === "sending" ? h("span", { class: "badge" }, t("sending")) : null,
          status === "saved" ? h("span", { class: "badge ok" }, t("phone.yours")) : null),
        canChange && !isConfirming ? h("div", { class: "item-actions" },
          h("button", { type: "button", class: "small", onclick: () => actions.edit("card", card.id) }, t("phone.edit")),
          h("button", { type: "button", class: "small", onclick: () => actions.askDelete("card", card.id) }, t("phone.delete"))) : null),
      isConfirming ? actions.confirm("card", card.id) : null),
  };
}

function linkLabel(v, link) {
  const [kind, id] = link.split(":");
  if (kind === "note") {
    const note = v.state.notes.get(Number(id));
    return note && !note.hidden ? shorten(note.text, 60) : null;
  }
  if (kind === "group") return v.state.groups.get(Number(id))?.title ?? null;
  if (kind === "card") {
    const card = v.state.cards.get(Number(id));
    return card ? shorten(card.text, 60) : null;
  }
  return null;
}
