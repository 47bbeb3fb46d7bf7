// Notes posted on an open-loop schedule (a slow server never slows it), matched on the
// board by their unique text. A note refused while the room is busy goes again with its
// id, as live.js's outbox sends it (`refusals`, `lastSent`: the sending answered).
import { commandId, now } from "./live.mjs";
import { settled, sleep } from "./monitor.mjs";

export function makePosts(label, rate, warmup, duration) {
  const warm = Math.round(rate * warmup);
  const total = warm + Math.round(rate * duration);
  return Array.from({ length: total }, (_, index) => ({
    index, text: `${label} note ${index}`, warmup: index < warm,
    scheduled: 0, sent: null, acked: null, ok: false, error: null,
    noteId: null, onBoard: null, boardId: null, stored: null, refusals: 0, lastSent: null,
  }));
}

// The board's side: every note it shows (for vote targets) and when each post arrived.
export class NoteWatch {
  constructor(posts = []) {
    this.ids = new Set();
    this.byText = new Map();
    this.add(posts);
  }

  add(posts) {
    for (const post of posts) this.byText.set(post.text, post);
  }

  seen(note, t) {
    if (note.hidden || note.merged_into) return;
    this.ids.add(note.id);
    const post = this.byText.get(note.text);
    if (post && post.onBoard === null) { post.onBoard = t; post.boardId = note.id; }
  }

  onEvent(event, t) {
    if (event.type === "note.posted") this.seen(event.data, t);
    if (event.type === "note.deleted") this.ids.delete(event.data.id);
  }

  onSnapshot(snapshot, t) {
    for (const note of snapshot.notes) this.seen(note, t);
  }
}

async function send(phone, post, area, timeoutMs) {
  const payload = { command_id: commandId(), area, text: post.text };
  const ack = await phone.resending("note.post", payload, timeoutMs, (t, refusals) => {
    post.sent ??= t;
    post.lastSent = t;
    post.refusals = refusals;
  });
  if (ack.timeout) { post.error = "timeout"; return; }
  post.acked = now();
  if (ack.ok) { post.ok = true; post.noteId = ack.data.note.id; }
  else post.error = ack.error?.code || "refused";
}

// Send every post at its due time, round-robin over the phones; `onMeasure` runs once,
// just before the first post that is not warm-up. Resolves when all are sent.
export async function drivePosts(phones, posts, { rate, area, timeoutMs, onMeasure }) {
  const start = now() + 0.1;
  const pending = [];
  let measuring = false;
  for (const post of posts) {
    post.scheduled = start + post.index / rate;
    const delay = post.scheduled - now();
    if (delay > 0.001) await sleep(delay);
    if (!post.warmup && !measuring) { measuring = true; onMeasure?.(); }
    pending.push(send(phones[post.index % phones.length], post, area, timeoutMs));
  }
  return pending;
}

// Wait for the acks, then for acked notes to reach the board, for at most `grace` seconds
// after the last sending (a refused note sent again pushes the end back).
export async function settlePosts(pending, posts, grace) {
  let acked = false;
  Promise.all(pending).then(() => { acked = true; });
  await settled(() => acked && posts.every((post) => !post.ok || post.onBoard !== null),
    grace, posts);
}

export function postRows(posts) {
  return posts.map((p) => [p.index, p.text, p.warmup, p.scheduled, p.sent, p.acked, p.ok, p.error,
    p.noteId, p.onBoard, p.boardId, p.stored, p.refusals, p.lastSent]);
}

// The first area a workshop's current phase takes notes in.
export function openArea(snapshot) {
  const phase = snapshot.format.phases[snapshot.workshop.phase_index];
  return (phase.areas || snapshot.format.areas.map((area) => area.key))[0];
}
