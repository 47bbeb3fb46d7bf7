// Dots cast and taken back on an open-loop schedule, matched to the board's
// `votes.tallied` for their target. Each phone keeps at most two dots out (well within any
// budget): below two it casts one on a random note it has none on, else it takes back its
// oldest. A phone's votes go one after the other, as a person taps: a vote falls due while
// the phone's previous one is unanswered waits for that answer (`sent` says when it left).
// A vote refused while the room is busy goes again with its id, as live.js's outbox sends
// it (`refusals`; `lastSent`: the sending answered).
import { commandId, now } from "./live.mjs";
import { sleep } from "./monitor.mjs";

const KEEP = 2;

export function makeVotes(rate, warmup, duration) {
  const warm = Math.round(rate * warmup);
  const total = warm + Math.round(rate * duration);
  return Array.from({ length: total }, (_, index) => ({
    index, warmup: index < warm, kind: null, target: null,
    scheduled: 0, sent: null, acked: null, ok: false, error: null, onBoard: null,
    refusals: 0, lastSent: null,
  }));
}

// The board's side: a tally for a target settles the oldest vote still waiting on it.
export class VoteWatch {
  constructor() { this.waiting = new Map(); }

  expect(vote) {
    const queue = this.waiting.get(vote.target) || [];
    queue.push(vote);
    this.waiting.set(vote.target, queue);
  }

  forget(vote) {
    const queue = this.waiting.get(vote.target) || [];
    const at = queue.indexOf(vote);
    if (at >= 0) queue.splice(at, 1);
  }

  onEvent(event, t) {
    if (event.type !== "votes.tallied") return;
    const vote = this.waiting.get(event.data.target)?.shift();
    if (vote) vote.onBoard = t;
  }
}

async function send(phone, vote, targets, watch, timeoutMs) {
  const dots = phone.dots || (phone.dots = []);
  if (dots.length >= KEEP) {
    vote.kind = "vote.retract";
    vote.target = dots[0];
  } else {
    vote.kind = "vote.cast";
    do vote.target = `note:${targets[Math.floor(Math.random() * targets.length)]}`;
    while (dots.includes(vote.target) && targets.length > KEEP);
  }
  watch.expect(vote);
  const payload = { command_id: commandId(), target: vote.target };
  const ack = await phone.resending(vote.kind, payload, timeoutMs, (t, refusals) => {
    vote.sent ??= t;
    vote.lastSent = t;
    vote.refusals = refusals;
  });
  if (!ack.timeout) vote.acked = now();
  if (ack.ok) {
    vote.ok = true;
    if (vote.kind === "vote.cast") dots.push(vote.target);
    else dots.splice(dots.indexOf(vote.target), 1);
  } else {
    vote.error = ack.timeout ? "timeout" : ack.error?.code || "refused";
    watch.forget(vote);
  }
}

export async function driveVotes(phones, votes, { rate, targets, watch, timeoutMs, onMeasure }) {
  const start = now() + 0.1;
  const pending = [];
  let measuring = false;
  for (const vote of votes) {
    vote.scheduled = start + vote.index / rate;
    const delay = vote.scheduled - now();
    if (delay > 0.001) await sleep(delay);
    if (!vote.warmup && !measuring) { measuring = true; onMeasure?.(); }
    const phone = phones[vote.index % phones.length];
    const previous = phone.lastVote || Promise.resolve();
    phone.lastVote = previous.then(() => send(phone, vote, targets, watch, timeoutMs));
    pending.push(phone.lastVote);
  }
  return pending;
}

export function voteRows(votes) {
  return votes.map((v) => [v.index, v.warmup, v.kind, v.scheduled, v.sent, v.acked, v.ok,
    v.error, v.onBoard, v.refusals, v.lastSent]);
}
