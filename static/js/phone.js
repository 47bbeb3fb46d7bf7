// The participant's phone, driven by what the current phase allows: write notes, read
// everyone's, place dots, see the results, say "I would join", write strategy, roadmap
// and canvas cards. Everything sent waits in the outbox until the server acknowledges
// it, so a phone on poor Wi-Fi keeps working and catches up when the network returns.
import { h, lengthLimit, localized, plural, readConfig, replace, t } from "./dom.js";
import { Live } from "./live.js";
import { renderCards } from "./phone/cards.js";
import { cardForm, counter, failureText, noteForm } from "./phone/compose.js";
import {
  CARD_MAX_LENGTH, dotsLeft, send, shorten, sig, unsentSummary, view,
} from "./phone/model.js";
import { fadeDelay, timerView } from "./timer.js";
import { renderNotes } from "./phone/notes.js";
import { pledgeDialog, storedIdentity } from "./phone/pledge.js";
import { rememberProposal, renderProposals } from "./phone/proposals.js";
import { renderResults, renderSpotlight } from "./phone/results.js";
import { renderReact } from "./phone/react.js";
import { renderRatings } from "./phone/ratings.js";
import { renderPolls } from "./phone/polls.js";
import { BoardPane } from "./phone/board.js";

const config = readConfig();
const live = new Live(config).start();
const $ = (id) => document.getElementById(id);
const app = $("phone-app");
const SLOW_CONNECTION_MS = 8000;

// What this screen remembers between renders (never sent anywhere).
const ui = {
  area: null, cardKind: null, cardSlot: {}, cardGroup: null, links: new Set(),
  editing: null, confirming: null, focusEditor: false, phaseKey: null, revealed: null,
  reactAt: null, // the note shown to answer (phone/react.js), null: the first unanswered
};

const rerender = () => render(live.state);
const pane = new BoardPane(live);
const notes = noteForm(live, ui, config, rerender);
const cards = cardForm(live, ui, rerender);
const pledges = pledgeDialog(app.dataset.nickname);

// ---- Actions on items (passed to the list renderers) ----

const actions = {
  vote(target, delta) {
    send(live, delta > 0 ? "vote.cast" : "vote.retract", { target });
    rerender();
  },
  pledge(group, on) {
    if (!on) {
      send(live, "pledge.withdraw", { group_id: group.id });
      rerender();
      return;
    }
    const join = (identity) => {
      send(live, "pledge.add", { group_id: group.id, name: identity.name, organisation: identity.organisation });
      rerender();
    };
    const identity = storedIdentity();
    if (identity) join(identity);
    else pledges.ask(join, { joining: true });
  },
  // A proposal needs a name: asked when this phone has none yet.
  joinProposal(proposal) {
    const join = (identity) => {
      send(live, "proposal.pledge", {
        proposal_id: proposal.id, name: identity.name, organisation: identity.organisation,
      });
      rerender();
    };
    const identity = storedIdentity();
    if (identity?.name) join(identity);
    else pledges.ask((given) => (given.name ? join(given) : rerender()), { joining: true, requireName: true });
  },
  edit(kind, id) {
    const item = (kind === "note" ? live.state.notes : live.state.cards).get(id);
    if (!item) return;
    ui.editing = { kind, id, draft: item.text };
    ui.confirming = null;
    ui.focusEditor = true;
    rerender();
  },
  askDelete(kind, id) {
    ui.confirming = { kind, id };
    ui.editing = null;
    rerender();
  },
  editor(kind, id) {
    const max = kind === "note" ? config.noteMaxLength : CARD_MAX_LENGTH;
    const area = h("textarea", {
      class: "edit-text", rows: 3, "aria-label": t("phone.edit_label"),
      dataset: { focus: `${kind}:${id}`, ...lengthLimit(max) },
    });
    area.value = ui.editing?.draft ?? "";
    const count = h("span", { class: "counter" });
    const update = () => {
      if (ui.editing) ui.editing.draft = area.value;
      counter(count, area, max);
    };
    area.addEventListener("input", update);
    update();
    return h("form", { class: "edit-form", onsubmit: (event) => { event.preventDefault(); saveEdit(); } },
      area,
      h("div", { class: "edit-foot" }, count),
      h("div", { class: "item-actions" },
        h("button", { type: "button", class: "small", onclick: () => { ui.editing = null; rerender(); } },
          t("phone.cancel")),
        h("button", { type: "submit", class: "small primary" }, t("phone.save"))));
  },
  confirm(kind, id) {
    return h("div", { class: "confirm" },
      h("p", {}, t(`phone.confirm_delete_${kind}`)),
      h("div", { class: "item-actions" },
        h("button", { type: "button", class: "small", onclick: () => { ui.confirming = null; rerender(); } },
          t("phone.cancel")),
        h("button", {
          type: "button", class: "small danger",
          onclick: () => {
            ui.confirming = null;
            send(live, `${kind}.delete`, { id });
            rerender();
          },
        }, t("phone.delete"))));
  },
};

function saveEdit() {
  const { kind, id, draft } = ui.editing || {};
  ui.editing = null;
  const item = kind && (kind === "note" ? live.state.notes : live.state.cards).get(id);
  const text = (draft || "").trim();
  if (item && text && text !== item.text) send(live, `${kind}.edit`, { id, text });
  rerender();
}

// ---- Header: connection, banner, toast ----

let everOnline = false;
let started = false; // set once the whole module is read: rendering may begin
let slow = false;
setTimeout(() => { slow = true; renderBanner(); }, SLOW_CONNECTION_MS);

live.onStatus((status) => {
  if (status === "online") everOnline = true;
  const badge = $("phone-connection");
  badge.dataset.status = status;
  const ended = live.state.workshop?.status === "ended";
  badge.textContent = {
    online: t("online"), offline: t("offline"),
    refused: ended ? t("phone.status_ended") : t("phone.status_refused"),
  }[status] || t("connecting");
  renderBanner();
  if (live.state.workshop && started) rerender();
  else if (!live.state.workshop) renderNotice(null);
});

function link(href, text) {
  return h("a", { href, class: "button" }, text);
}

function refusalContent() {
  const ended = live.state.workshop?.status === "ended";
  const code = live.refusal?.code;
  return [
    h("p", { class: "banner-title" }, ended ? t("phone.ended") : t("refused")),
    !ended && live.refusal?.message ? h("p", {}, live.refusal.message) : null,
    h("p", { class: "banner-links" },
      code === "not_authenticated" ? link(app.dataset.join, t("phone.join_again")) : null,
      link(app.dataset.home, t("phone.back_home"))),
  ];
}

function renderBanner() {
  const banner = $("phone-banner");
  const status = live.status;
  const unsent = unsentSummary(live.unsent());
  let content = null;
  let tone = "warn";
  const ended = live.state.workshop?.status === "ended";
  if (status === "refused" && !ended) { // an ended workshop is told in the notice below
    content = refusalContent();
    tone = "error";
  } else if (status === "offline" || (status === "connecting" && (everOnline || live.restored))) {
    content = [
      h("p", {}, everOnline ? t("offline_detail") : t("phone.offline_saved")),
      unsent ? h("p", { class: "banner-title" }, unsent) : null,
    ];
  } else if (status === "connecting" && slow) {
    content = [h("p", {}, t("phone.still_connecting"))];
  }
  const signature = sig(status, unsent, slow && !everOnline, ended, live.refusal);
  if (banner._sig === signature) return;
  banner._sig = signature;
  banner.hidden = !content;
  banner.dataset.tone = tone;
  replace(banner, content || []);
}

const toast = $("phone-toast");
let toastTimer = null;
function showToast(message) {
  replace(toast, h("p", {}, message),
    h("button", { type: "button", class: "toast-close", "aria-label": t("phone.close"), onclick: hideToast }, "×"));
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, 8000);
}
function hideToast() {
  toast.hidden = true;
}

// A refused command: a note or card goes back into its form; anything else is told.
function onFailure(command, ack) {
  if (command.name === "note.post" && notes.restore(command.payload, ack)) return;
  if (command.name === "card.add" && cards.restore(command.payload, ack)) return;
  let message = failureText(ack);
  if (command.payload.text) message += ` ${t("phone.not_saved_text", { text: shorten(command.payload.text, 80) })}`;
  showToast(message);
}

// ---- Phase, timer, notices ----

function renderPhase(v) {
  $("phone-phase").textContent = localized(v.phase.label);
  const instructions = localized(v.phase.instructions);
  $("phone-instructions").textContent = instructions;
  $("phone-instructions").hidden = !instructions;
  const question = $("phone-question");
  question.hidden = !v.workshop.question;
  if (question._sig !== v.workshop.question) {
    question._sig = v.workshop.question;
    replace(question, h("span", { class: "question-label" }, localized(v.format.question_label)),
      h("span", { class: "question-text" }, v.workshop.question || ""));
  }
  renderClock();
}

function renderClock() {
  const { workshop, format } = live.state;
  if (!workshop) return;
  const total = format.phases.length;
  const step = t("phone.phase_step", { n: Math.min(workshop.phase_index, total - 1) + 1, total });
  const people = live.state.participants ? plural("participants", live.state.participants) : "";
  $("phone-step").textContent = people ? `${step} · ${people}` : step;

  // The timer, then "time's up" for a few seconds, fading (timer.js): never in the way.
  const timer = $("phone-timer");
  const clockView = timerView(workshop, live.serverNow());
  const shown = clockView && clockView.state !== "done" && workshop.status !== "ended";
  timer.hidden = !shown;
  if (!shown) { timer._sig = null; return; }
  const label = { paused: t("phone.timer_paused"), over: t("phone.timer_over") }[clockView.state] || t("phone.timer_left");
  if (timer._sig !== `${clockView.text}${label}`) {
    timer._sig = `${clockView.text}${label}`;
    timer.dataset.state = clockView.state;
    timer.style.setProperty("--fade-delay", fadeDelay(clockView));
    replace(timer, clockView.state === "over" ? null : h("span", { class: "timer-value" }, clockView.text),
      h("span", { class: "timer-label" }, label));
    timer.setAttribute("aria-label", clockView.state === "over" ? label : `${label} ${clockView.text}`);
  }
}
setInterval(renderClock, 500);

function renderNotice(v) {
  const notice = $("phone-closed");
  let content = null;
  let tone = "info";
  if (!v) {
    if (live.status === "refused") { content = refusalContent(); tone = "error"; }
  } else if (v.ended) {
    const synthesis = live.state.workshop?.synthesis_url;
    content = [h("p", { class: "notice-title" }, t("phone.ended")), h("p", {}, t("phone.ended_detail")),
      synthesis ? h("p", {}, h("a", { href: synthesis, class: "button primary", id: "synthesis-link" }, t("phone.read_synthesis"))) : null,
      h("p", {}, link(app.dataset.home, t("phone.back_home")))].filter(Boolean);
  } else if (v.locked) {
    content = [h("p", { class: "notice-title" }, t("phone.locked")), h("p", {}, t("phone.locked_detail"))];
    tone = "warn";
  }
  const signature = sig(content ? content.map((el) => el.textContent) : null, tone, live.state.workshop?.synthesis_url);
  if (notice._sig === signature) return;
  notice._sig = signature;
  notice.hidden = !content;
  notice.dataset.tone = tone;
  replace(notice, content || []);
}

// ---- Dots left (sticky at the bottom while voting) ----

function renderDotsBar(v) {
  const bar = $("dots-bar");
  const show = !!v.rules && !v.ended;
  bar.hidden = !show;
  document.body.classList.toggle("with-dots-bar", show);
  if (!show) return;
  const { rules } = v;
  let content;
  if (!rules.perArea) {
    const left = dotsLeft(v);
    const dots = [];
    if (rules.budget <= 10) {
      for (let i = 0; i < rules.budget; i += 1) dots.push(h("span", { class: i < left ? "dot on" : "dot" }));
    }
    content = sig("total", left, rules.budget);
    if (bar._sig === content) return;
    replace(bar, h("div", { class: "dots-total" },
      dots.length ? h("span", { class: "dots-row", "aria-hidden": "true" }, dots) : null,
      h("strong", {}, plural("phone.dots_left", left))),
    left === 0 ? h("p", { class: "dots-hint" }, t("phone.all_dots_used")) : null);
  } else {
    const areas = v.phase.areas ? v.areas.filter((a) => v.phase.areas.includes(a.key)) : v.areas;
    const lefts = areas.map((area) => dotsLeft(v, area.key));
    content = sig("areas", lefts, rules.budget);
    if (bar._sig === content) return;
    replace(bar, h("p", { class: "dots-title" }, t("phone.dots_left_per_area", { n: rules.budget })),
      h("ul", { class: "dots-areas" }, areas.map((area, i) => h("li", {
        class: lefts[i] ? "" : "none", style: { "--area": area.color },
      }, h("span", { class: "swatch", "aria-hidden": "true" }),
      h("span", { class: "dots-area-label" }, localized(area.label)),
      h("strong", { "aria-label": plural("phone.dots_left", lefts[i]) }, String(lefts[i]))))));
  }
  bar._sig = content;
}

// ---- Panels: which come first and which are open depend on the phase ----

function focusOf(v) {
  if (v.allows.has("rate")) return "ratings";
  if (v.cardKinds.length) return "cards";
  if (v.rules || v.allows.has("post")) return "notes";
  if (v.allows.has("pledge") && v.state.proposals?.size) return "proposals";
  if (v.allows.has("pledge")) return "notes";
  if (v.allows.has("see_results")) return "results";
  return "notes";
}

const PANEL_ORDER = {
  ratings: ["ratings", "proposals", "results", "notes", "cards"],
  cards: ["cards", "ratings", "results", "proposals", "notes"],
  proposals: ["proposals", "ratings", "results", "notes", "cards"],
  results: ["results", "ratings", "proposals", "cards", "notes"],
  notes: ["notes", "ratings", "proposals", "results", "cards"],
};

function renderPanels(v, phaseChanged) {
  const focus = focusOf(v);
  PANEL_ORDER[focus].forEach((name, i) => { $(`${name}-panel`).style.order = String(i + 1); });
  const revealed = !!(v.workshop.results_revealed && v.state.results);

  const ratingsPanel = $("ratings-panel");
  const rated = renderRatings(v, $("phone-ratings"), rerender);
  ratingsPanel.hidden = !rated.shown;
  $("ratings-title").textContent = rated.rating ? t("phone.rate_title") : t("phone.rate_results");
  $("ratings-count").textContent = rated.rating && rated.total ? `${rated.done}/${rated.total}` : "";

  const proposalsPanel = $("proposals-panel");
  const proposalCount = v.state.proposals?.size || 0;
  proposalsPanel.hidden = !proposalCount;
  $("proposals-title").textContent = t("phone.proposals");
  $("proposals-count").textContent = proposalCount ? String(renderProposals(v, $("phone-proposals"), actions)) : "";

  const resultsPanel = $("results-panel");
  resultsPanel.hidden = !(v.allows.has("see_results") || revealed);
  $("results-title").textContent = t("phone.results");
  const resultCount = renderResults(v, $("phone-results"));
  $("results-count").textContent = revealed ? String(resultCount) : "";

  const cardsPanel = $("cards-panel");
  const cardsShown = v.cardKinds.length > 0 || (v.allows.has("see_all") && v.state.cards.size > 0);
  cardsPanel.hidden = !cardsShown;
  $("cards-title").textContent = t("phone.cards");
  $("cards-count").textContent = cardsShown ? String(renderCards(v, $("phone-cards"), actions)) : "";

  const seeAll = v.allows.has("see_all");
  const { count, groups } = renderNotes(v, $("phone-notes"), actions);
  $("notes-title").textContent = !seeAll ? t("phone.your_notes") : groups ? t("phone.groups_and_notes") : t("phone.all_notes");
  $("notes-count").textContent = String(count);
  const hint = !seeAll && v.allows.has("post") ? t("phone.private_hint") : "";
  $("notes-hint").textContent = hint;
  $("notes-hint").hidden = !hint;
  renderPledgeIdentity(v);

  if (phaseChanged) {
    ratingsPanel.open = true;
    proposalsPanel.open = focus !== "ratings";
    // Answering one note at a time: the whole list stays folded below, out of the way.
    $("notes-panel").open = !v.allows.has("react") && (focus === "notes" || (focus === "results" && !revealed));
    resultsPanel.open = focus === "results" || (revealed && focus !== "cards" && !v.rules);
    cardsPanel.open = focus !== "notes" || v.cardKinds.length > 0;
  } else if (revealed && ui.revealed === false && focus !== "cards" && !v.rules) {
    resultsPanel.open = true; // just revealed: news worth showing
  }
  ui.revealed = revealed;
}

function renderPledgeIdentity(v) {
  const line = $("pledge-identity");
  const identity = storedIdentity();
  const show = v.allows.has("pledge") && !!identity && !v.ended;
  line.hidden = !show;
  if (!show) return;
  const who = [identity.name, identity.organisation].filter(Boolean).join(" · ");
  const signature = sig(who);
  if (line._sig === signature) return;
  line._sig = signature;
  replace(line, h("span", {}, who ? t("phone.pledging_as", { who }) : t("phone.pledging_anonymously")),
    h("button", { type: "button", class: "link", onclick: () => pledges.ask(rerender, { joining: false }) },
      t("phone.change")));
}

// ---- Rendering ----

function render(state, detail = {}) {
  if (detail.ack && !detail.ack.ok) onFailure(detail.command, detail.ack);
  if (detail.ack?.ok && detail.command.name === "proposal.pledge") {
    rememberProposal(config.code, detail.command.payload.proposal_id);
  }
  renderBanner();
  if (!state.workshop) {
    renderNotice(null);
    return;
  }
  if (detail.heartbeat || detail.presence) {
    renderClock();
    return;
  }
  pane.schedule();
  app.hidden = false;
  const v = view(live, ui);
  const phaseKey = `${v.index}:${v.phase.key}`;
  const phaseChanged = ui.phaseKey !== phaseKey;
  if (phaseChanged) {
    if (ui.phaseKey !== null) window.scrollTo({ top: 0 });
    ui.phaseKey = phaseKey;
    ui.editing = null;
    ui.confirming = null;
    ui.links.clear();
    ui.reactAt = null;
  }
  const focused = document.activeElement?.dataset?.focus;
  renderPhase(v);
  renderNotice(v);
  renderPolls(v, $("phone-polls"), rerender);
  renderSpotlight(v, $("phone-spotlight"));
  renderReact(v, $("phone-react"), rerender);
  notes.render(v);
  cards.render(v);
  renderPanels(v, phaseChanged);
  renderDotsBar(v);
  restoreFocus(focused);
}

// An inline editor just opened, or rebuilt while typing: put the caret back in it.
function restoreFocus(previous) {
  const key = ui.focusEditor && ui.editing ? `${ui.editing.kind}:${ui.editing.id}` : previous;
  ui.focusEditor = false;
  if (!key || document.activeElement?.dataset?.focus === key) return;
  const el = document.querySelector(`[data-focus="${key}"]`);
  if (!el) return;
  el.focus();
  el.setSelectionRange(el.value.length, el.value.length);
}

live.onChange(render);
started = true;
if (live.state.workshop) rerender(); // a view kept from an earlier visit, until the snapshot

// Kept for a reload without network: a service worker (HTTPS, or this very machine)
// that answers from its cache only when the network fails. It is told what this first
// visit loaded before it was there.
if ("serviceWorker" in navigator && app.dataset.worker) {
  navigator.serviceWorker.register(app.dataset.worker)
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage({
      type: "keep",
      urls: [location.href, ...performance.getEntriesByType("resource").map((entry) => entry.name)],
    }))
    .catch(() => { /* no worker (plain http on the room's network): online only */ });
}

