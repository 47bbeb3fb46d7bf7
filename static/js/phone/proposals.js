// Coalition proposals that came out of this workshop (state.proposals, `proposal.saved`):
// their title, status and members; "I would join" sends `proposal.pledge` with a name.
// Which ones this phone joined: the snapshot's me.proposals, and what it sent since.
import { h, plural, t } from "../dom.js";
import { reconcile, sig } from "./model.js";

const STATUS = ["draft", "proposed", "forming", "active", "closed"];

export function joinedProposals(code) {
  try {
    const ids = JSON.parse(localStorage.getItem(`fabrique.proposals.${code}`) || "[]");
    return new Set(Array.isArray(ids) ? ids : []);
  } catch {
    return new Set();
  }
}

export function rememberProposal(code, id) {
  const ids = joinedProposals(code);
  ids.add(id);
  localStorage.setItem(`fabrique.proposals.${code}`, JSON.stringify([...ids]));
}

export function renderProposals(v, container, actions) {
  const proposals = [...v.state.proposals?.values?.() || []].sort((a, b) => a.id - b.id);
  const joined = new Set([...joinedProposals(v.code), ...(v.state.me?.proposals || [])]);
  const canJoin = v.allows.has("pledge") && v.canAct;
  reconcile(container, proposals.map((proposal) => {
    const sending = v.pending.proposals.has(proposal.id);
    const done = joined.has(proposal.id);
    const members = proposal.members + (sending ? 1 : 0);
    return {
      key: `proposal:${proposal.id}`,
      sig: sig(proposal.title, proposal.status, members, sending, done, canJoin),
      build: () => h("li", { class: "proposal" },
        h("h3", { class: "group-title" }, proposal.title),
        h("p", { class: "group-meta" },
          STATUS.includes(proposal.status) ? h("span", { class: "badge" }, t(`phone.status_${proposal.status}`)) : null,
          h("span", { class: "pledge-count" }, plural("phone.members", members))),
        canJoin || done ? h("button", {
          type: "button",
          class: `pledge-btn${done || sending ? " on" : ""}`,
          "aria-pressed": done || sending ? "true" : "false",
          disabled: done || sending || !canJoin,
          onclick: () => actions.joinProposal(proposal),
        }, h("span", { class: "pledge-box", "aria-hidden": "true" }, done || sending ? "✓" : ""),
        done ? t("phone.joined") : t("phone.would_join"),
        sending ? h("span", { class: "badge" }, t("sending")) : null) : null),
    };
  }));
  return proposals.length;
}
