// The two writing forms: a note into an area (phases that allow `post`), and a card —
// a TOWS strategy, a roadmap item or a field of a coalition's canvas. Both forms stay in
// the page (the text being typed is never rebuilt); only their choices are re-rendered.
import { h, localized, plural, t } from "../dom.js";
import { checkLength } from "../graphemes.js";
import {
  CARD_MAX_LENGTH, MAX_LINKS, characters, reconcile, send, shorten, sig, visibleNotes,
} from "./model.js";

const $ = (id) => document.getElementById(id);
const LOW = 20; // characters left below which the counter turns to a warning

// Characters left, or over: the field refuses to be sent beyond its limit (checkLength).
export function counter(el, textarea, max) {
  const left = max - characters(textarea.value.trim());
  el.textContent = left < 0 ? plural("phone.chars_over", -left) : plural("phone.chars_left", left);
  el.classList.toggle("low", left <= LOW);
  checkLength(textarea);
}

function chip(name, { key, label, sub, color, selected, wide }, onpick) {
  return {
    key,
    sig: sig(label, sub, color, wide),
    build: () => h("label", { class: `chip${wide ? " wide" : ""}`, style: color ? { "--area": color } : {} },
      h("input", { type: "radio", name, value: key, onchange: () => onpick(key) }),
      color ? h("span", { class: "swatch", "aria-hidden": "true" }) : null,
      h("span", { class: "chip-text" }, h("span", { class: "chip-label" }, label),
        sub ? h("span", { class: "chip-sub" }, sub) : null)),
    fill: (el) => { el.querySelector("input").checked = selected; },
  };
}

function failureText(ack) {
  const fields = Object.values(ack.error?.fields || {}).flat();
  return [ack.error?.message, ...fields].filter(Boolean).join(" ") || t("failed");
}

export function noteForm(live, ui, config, changed) {
  const form = $("note-form");
  const text = $("note-text");
  const count = $("note-count");
  const error = $("note-error");
  const max = config.noteMaxLength;
  const update = () => counter(count, text, max);
  text.addEventListener("input", update);
  update();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value || !ui.area || checkLength(text)) return;
    error.hidden = true;
    send(live, "note.post", { area: ui.area, text: value });
    text.value = "";
    update();
    changed();
  });

  function render(v) {
    const show = v.allows.has("post") && !v.ended;
    form.hidden = !show;
    $("note-fields").disabled = !v.canAct;
    if (!show) return;
    const areas = v.phase.areas ? v.areas.filter((a) => v.phase.areas.includes(a.key)) : v.areas;
    if (!areas.some((a) => a.key === ui.area)) ui.area = areas[0]?.key ?? null;
    $("area-picker").hidden = areas.length < 2;
    reconcile($("area-chips"), areas.map((area) => chip("area", {
      key: area.key, label: localized(area.label), color: area.color, selected: area.key === ui.area,
    }, (key) => { ui.area = key; changed(); })));
    const chosen = v.areaOf.get(ui.area);
    const hint = areas.length > 1 && chosen?.hint ? localized(chosen.hint) : "";
    $("area-hint").textContent = hint;
    $("area-hint").hidden = !hint;
    form.style.setProperty("--area", chosen?.color || "#ffd84d");
  }

  // A refused note comes back into the form, with the reason; false when it cannot.
  function restore(payload, ack) {
    if (form.hidden || text.value.trim()) return false;
    text.value = payload.text;
    ui.area = payload.area;
    error.textContent = failureText(ack);
    error.hidden = false;
    update();
    return true;
  }

  return { render, restore };
}

// Which areas a TOWS quadrant draws on: S, W, O, T are the first letters of the SWOT
// areas (strengths, weaknesses, opportunities, threats); other formats offer every area.
function quadrantAreas(v, slot) {
  const letters = [...slot];
  const matched = v.areas.filter((area) => letters.includes(area.key[0].toUpperCase()));
  return matched.length ? matched : v.areas;
}

export function cardForm(live, ui, changed) {
  const form = $("card-form");
  const text = $("card-text");
  const count = $("card-count");
  const error = $("card-error");
  const update = () => counter(count, text, CARD_MAX_LENGTH);
  text.addEventListener("input", update);
  update();
  let last = null;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (checkLength(text)) return;
    const kind = ui.cardKind;
    const slot = ui.cardSlot[kind];
    if (!value || !kind || !slot) return;
    if (kind === "canvas" && ui.cardGroup == null) return;
    error.hidden = true;
    send(live, "card.add", {
      kind, slot, text: value,
      group_id: kind === "canvas" ? ui.cardGroup : null,
      links: kind === "strategy" ? [...ui.links] : [],
    });
    text.value = "";
    ui.links.clear();
    update();
    changed();
  });

  function render(v) {
    last = v;
    const kinds = v.cardKinds;
    const show = kinds.length > 0 && !v.ended;
    form.hidden = !show;
    $("card-fields").disabled = !v.canAct;
    if (!show) return;
    if (!kinds.includes(ui.cardKind)) ui.cardKind = kinds[0];
    const kind = ui.cardKind;
    $("card-form-title").textContent = t(`phone.new_${kind}`);
    $("card-text-label").textContent = t(`phone.text_${kind}`);
    $("card-submit").textContent = t(`phone.add_${kind}`);
    text.placeholder = t(`phone.placeholder_${kind}`);

    const kindPicker = $("card-kind-picker");
    kindPicker.hidden = kinds.length < 2;
    reconcile($("card-kind-chips"), kinds.map((key) => chip("card-kind", {
      key, label: t(`phone.kind_${key}`), selected: key === kind,
    }, (picked) => { ui.cardKind = picked; changed(); })));

    // The coalition canvas is filled for the groups the facilitator chose.
    const groups = v.canvasGroups.map((id) => v.state.groups.get(id)).filter(Boolean);
    const canvas = kind === "canvas";
    $("card-group-picker").hidden = !canvas || !groups.length;
    $("card-group-legend").textContent = t("phone.canvas_group");
    $("card-no-group").hidden = !canvas || groups.length > 0;
    $("card-no-group").textContent = t("phone.no_canvas_groups");
    if (canvas) {
      if (!groups.some((g) => g.id === ui.cardGroup)) ui.cardGroup = groups[0]?.id ?? null;
      reconcile($("card-group-chips"), groups.map((group) => chip("card-group", {
        key: String(group.id), label: group.title, wide: true, selected: group.id === ui.cardGroup,
      }, (picked) => { ui.cardGroup = Number(picked); changed(); })));
    }
    $("card-submit").disabled = canvas && ui.cardGroup == null;

    const slots = v.phase.slots?.[kind] || v.slots[kind] || [];
    if (!slots.some((s) => s.key === ui.cardSlot[kind])) ui.cardSlot[kind] = slots[0]?.key;
    const slot = ui.cardSlot[kind];
    $("card-slot-legend").textContent = t(`phone.slot_${kind}`);
    const picker = $("card-slot-chips");
    picker.className = `chips slots-${kind}`;
    reconcile(picker, slots.map((s) => chip("card-slot", {
      key: s.key,
      label: kind === "strategy" ? s.key : localized(s.label),
      sub: kind === "strategy" ? localized(s.label) : null,
      selected: s.key === slot,
    }, (picked) => { ui.cardSlot[kind] = picked; changed(); })));
    const chosen = slots.find((s) => s.key === slot);
    const hint = chosen?.hint ? localized(chosen.hint) : "";
    $("card-slot-hint").textContent = hint;
    $("card-slot-hint").hidden = !hint;

    renderLinks(v, kind === "strategy" ? slot : null);
  }

  // A strategy crosses items of two quadrants: offer the notes of those areas.
  function renderLinks(v, slot) {
    const details = $("card-links");
    details.hidden = !slot;
    if (!slot) return;
    const areas = quadrantAreas(v, slot);
    const keys = new Set(areas.map((a) => a.key));
    const tally = v.workshop.results_revealed ? v.state.tallies?.items || {} : {};
    const dotsOf = (note) => tally[`note:${note.id}`] || 0;
    const notes = visibleNotes(v).filter((note) => keys.has(note.area) && !note.hidden);
    const allowed = new Set(notes.map((note) => `note:${note.id}`));
    for (const link of [...ui.links]) if (!allowed.has(link)) ui.links.delete(link);
    const full = ui.links.size >= MAX_LINKS;
    $("card-links-summary").textContent = ui.links.size
      ? t("phone.links_chosen", { n: ui.links.size }) : t("phone.links_optional");
    const blocks = areas.map((area) => {
      const own = notes.filter((note) => note.area === area.key)
        .sort((a, b) => dotsOf(b) - dotsOf(a) || b.id - a.id);
      return {
        key: area.key,
        sig: sig(localized(area.label), area.color),
        build: () => h("fieldset", { class: "checklist-area", style: { "--area": area.color } },
          h("legend", {}, h("span", { class: "swatch", "aria-hidden": "true" }), localized(area.label)),
          h("div", { class: "checklist-items" })),
        fill: (el) => reconcile(el.querySelector(".checklist-items"), own.length ? own.map((note) => {
          const target = `note:${note.id}`;
          const checked = ui.links.has(target);
          return {
            key: target,
            sig: sig(note.text, dotsOf(note)),
            build: () => h("label", { class: "check" },
              h("input", { type: "checkbox", value: target, onchange: (event) => {
                if (event.target.checked) ui.links.add(target); else ui.links.delete(target);
                changed();
              } }),
              h("span", { class: "check-text" }, shorten(note.text, 120)),
              dotsOf(note) ? h("span", { class: "check-dots" }, plural("phone.dots", dotsOf(note))) : null),
            fill: (item) => {
              const input = item.querySelector("input");
              input.checked = checked;
              input.disabled = full && !checked;
            },
          };
        }) : [{ key: "empty", sig: "empty", build: () => h("p", { class: "empty small" }, t("phone.no_notes")) }]),
      };
    });
    reconcile($("card-links-list"), blocks);
  }

  function restore(payload, ack) {
    if (form.hidden || text.value.trim() || !last || !last.cardKinds.includes(payload.kind)) return false;
    ui.cardKind = payload.kind;
    ui.cardSlot[payload.kind] = payload.slot;
    if (payload.group_id != null) ui.cardGroup = payload.group_id;
    for (const link of payload.links || []) ui.links.add(link);
    text.value = payload.text;
    error.textContent = failureText(ack);
    error.hidden = false;
    update();
    return true;
  }

  return { render, restore };
}

export { failureText };
