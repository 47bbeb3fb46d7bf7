// The control page's "Agree, disagree" card: the answers counted per note as they come
// (reactions.counted: staff only, nobody's own answers), revealing or hiding the opinion
// map on every screen (opinions.reveal), and what the map found, in short.
import { h, plural, replace, t } from "../dom.js";
import { groupLetter } from "../board/opinions.js";

const REASONS = {
  "too-few-items": "opinions_too_few_items",
  "too-few-participants": "opinions_too_few_participants",
  "no-groups": "opinions_no_groups",
};

export class OpinionsPanel {
  constructor(live, send) {
    this.live = live;
    this.send = send;
    this.signature = null;
    this.el = document.getElementById("react-panel");
    this.toggle = document.getElementById("opinions-toggle");
    this.toggle.addEventListener("click", () => {
      const revealed = Boolean(this.live.state.opinions);
      this.toggle.disabled = true;
      const done = () => { this.toggle.disabled = false; };
      this.send("opinions.reveal", { revealed: !revealed }).then(done, done);
    });
    // Once revealed, the map may stay on the board while the workshop moves on.
    this.onBoard = document.getElementById("opinions-board");
    this.onBoard.addEventListener("click", () => {
      const view = { mode: "stage", focus: null, page: null, ...(this.live.state.workshop?.board || {}) };
      this.send("board.view", { ...view, mode: view.mode === "opinions" ? "stage" : "opinions" });
    });
  }

  render(state) {
    const phase = state.format.phases[state.workshop.phase_index];
    const counts = state.reactions?.items || {};
    const reacting = phase.allows.includes("react");
    this.el.hidden = !(reacting || state.opinions || Object.keys(counts).length);
    if (this.el.hidden) return;
    const onBoard = state.workshop.board?.mode === "opinions";
    this.onBoard.hidden = !state.opinions;
    this.onBoard.textContent = onBoard ? t("opinions_off_board") : t("opinions_on_board");
    this.onBoard.setAttribute("aria-pressed", String(onBoard));
    const notes = [...state.notes.values()].filter((note) => !note.hidden).sort((a, b) => a.id - b.id);
    const signature = JSON.stringify([counts, state.reactions?.participants, state.opinions,
      notes.map((note) => [note.id, note.text])]);
    if (signature === this.signature) return;
    this.signature = signature;
    const answers = Object.values(counts).reduce((sum, c) => sum + c.agree + c.disagree + c.pass, 0);
    document.getElementById("react-progress").textContent =
      `${plural("react_participants", state.reactions?.participants || 0)} · ${plural("react_answers", answers)}`;
    const revealed = Boolean(state.opinions);
    this.toggle.textContent = revealed ? t("opinions_hide") : t("opinions_reveal");
    this.toggle.setAttribute("aria-pressed", String(revealed));
    this.toggle.className = reacting && !revealed ? "primary" : "";
    document.getElementById("opinions-status").textContent = revealed ? t("opinions_shown_status") : t("opinions_hidden_status");
    this.renderSummary(state.opinions);
    replace(document.getElementById("react-counts"), notes.length ? notes.map((note) => countRow(note, counts[String(note.id)]))
      : h("li", { class: "hint" }, t("no_notes")));
  }

  renderSummary(found) {
    const box = document.getElementById("opinions-summary");
    box.hidden = !found;
    if (!found) { replace(box); return; }
    if (!found.enough) {
      replace(box, h("p", {}, t(REASONS[found.reason] || "opinions_no_groups", { n: found.participants })));
      return;
    }
    const groups = found.groups.map((group, i) => `${groupLetter(i)} (${plural("opinions_members", group.members)})`).join(" · ");
    const list = (title, entries) => [h("h4", {}, `${title} (${entries.length})`),
      entries.length ? h("ul", {}, entries.slice(0, 5).map((entry) => h("li", {}, entry.text))) : null];
    replace(box,
      h("p", { class: "opinions-groups" }, `${t("opinions_groups")} — ${groups}`),
      found.clear ? null : h("p", { class: "hint" }, t("opinions_not_clear")),
      list(t("opinions_consensus"), found.consensus),
      found.clear ? list(t("opinions_divisive"), found.divisive) : null);
  }
}

// A note's counts: numbers, and a bar split agree / disagree / pass.
function countRow(note, counts = { agree: 0, disagree: 0, pass: 0 }) {
  const total = counts.agree + counts.disagree + counts.pass;
  const share = (n) => `${total ? (100 * n) / total : 0}%`;
  const said = t("react_counts", counts);
  return h("li", { dataset: { note: note.id } },
    h("span", { class: "react-count-label" }, note.text),
    h("span", { class: "react-count-bar", "aria-hidden": "true" },
      h("span", { class: "agree", style: { width: share(counts.agree) } }),
      h("span", { class: "disagree", style: { width: share(counts.disagree) } }),
      h("span", { class: "pass", style: { width: share(counts.pass) } })),
    h("span", { class: "react-count-numbers", "aria-label": said, title: said },
      `${counts.agree} / ${counts.disagree} / ${counts.pass}`));
}
