// A screen on the live channel that sends what static/js/live.js sends, when it sends it:
// join (with `since` once it holds a workshop), `sync` after a reshaping event (phones:
// from the position before the batch, after a random 0-1.5 s delay, one sync at a time),
// `sync` when a heartbeat or a held event shows a gap (after 1.5 s of grace), and the same
// socket options, and a snapshot's pages fetched in turn (`snapshot.page`), or for a phone
// the room's common body fetched over HTTP, while live events wait. It keeps sequence numbers and the workshop, not the notes: the scenarios
// watch the events through hooks. Keep it in step with live.js.
import http from "node:http";
import https from "node:https";
import { io } from "socket.io-client";
import { lightBody, lightGzipBody } from "./light.mjs";

const ACK_TIMEOUT_MS = 10000;
const GAP_GRACE_MS = 1500;
const SYNC_RETRY_MS = 2000; // an unanswered sync is asked again after 2 to 4 s
const REFRESH_SPREAD_MS = 1000; // a room's phones fetch a phase's view within a second (live.js)
const RESHAPING = new Set(["phase.changed", "visibility.changed"]);
const RETRYABLE = new Set(["server_error", "rate_limited"]);
// As live.js: a command refused for now (the room is busy) goes again with its id after
// 2 to 4 s, then 4 to 8, then 8 to 16.
const RETRY_MS = 2000;
const WORKSHOP_EVENTS = new Set(["workshop.updated", "phase.changed", "visibility.changed"]);
const SECTIONS = ["notes", "groups", "cards", "proposals"]; // a snapshot's paged collections

export const now = () => performance.now() / 1000;

export class Counters {
  constructor() {
    Object.assign(this, { deliveries: 0, messages: 0, last: 0, dropped: 0, refusedJoins: 0 });
    Object.assign(this, { syncTimeouts: 0, joinTimeouts: 0, syncs: 0, views: 0 });
  }
}

export class Screen {
  // hooks: onEvent(event, t), onSnapshot(snapshot, t), onSettled(kind, t) after a join or
  // sync ack is applied.
  constructor({ url, code, role, key, cookie, counters, parser, hooks = {} }) {
    this.url = url;
    this.staff = role !== "phone";
    this.join = { code, role, key: key || undefined, fetch: !this.staff };
    this.cookie = cookie;
    this.counters = counters;
    this.parser = parser;
    this.hooks = hooks;
    this.workshop = null;
    this.seq = 0;
    this.publicSeq = 0;
    this.held = new Map();
    this.gapTimer = null;
    this.gapTarget = 0;
    this.syncing = false;
    this.holding = false; // while a join's or sync's answer is applied, events wait in early
    this.early = [];
    this.generation = 0;
    this.closing = false;
    this.online = null; // a promise while joining, as live.js's outbox waits for "online"
  }

  // Connect and join; resolves with the first join's ack.
  start() {
    const options = {
      reconnectionDelayMax: 4000, timeout: 8000, transports: ["websocket"], forceNew: true,
      extraHeaders: this.cookie ? { Cookie: this.cookie } : {},
    };
    if (this.parser) options.parser = this.parser;
    this.socket = io(this.url, options);
    this.joined = new Promise((resolve, reject) => { this.onJoined = { resolve, reject }; });
    this.offline();
    this.socket.on("connect", () => this.rejoin());
    let failures = 0; // socket.io retries, as in the browser; setup gives up after five
    this.socket.on("connect_error", (error) => {
      if (!this.workshop && ++failures >= 5) {
        this.socket.disconnect();
        this.onJoined.reject(error);
      }
    });
    this.socket.on("disconnect", (reason) => {
      this.offline();
      if (this.closing || reason === "io client disconnect") return; // ours: not a drop
      this.counters.dropped++;
      if (this.staff || this.counters.dropped <= 3) {
        console.error(`${this.join.role} disconnected: ${reason}`);
      }
    });
    this.socket.on("events", (batch) => this.receive(batch.events));
    this.socket.on("heartbeat", (beat) => this.onHeartbeat(beat));
    return this.joined;
  }

  rejoin() {
    const payload = this.workshop ? { ...this.join, since: this.position() } : this.join;
    const generation = ++this.generation;
    this.holding = true;
    this.early = [];
    this.socket.timeout(ACK_TIMEOUT_MS).emit("join", payload, (err, ack) => {
      if (generation !== this.generation) return;
      if (err) { // as live.js: start over on a new connection
        this.counters.joinTimeouts++;
        return this.socket.disconnect().connect();
      }
      if (!ack.ok && RETRYABLE.has(ack.error.code)) {
        setTimeout(() => this.socket.connected && this.rejoin(), 1000 + Math.random() * 2000);
        return;
      }
      if (!ack.ok) {
        this.holding = false;
        this.counters.refusedJoins++;
        return this.onJoined.reject(new Error(`${this.join.role} refused: ${ack.error.code}`));
      }
      this.settle(ack, "join", generation).then((whole) => {
        if (!whole) return;
        this.onJoined.resolve(whole); // its snapshot with every page
        this.markOnline();
      }, () => generation === this.generation && this.socket.disconnect().connect());
    });
  }

  offline() {
    if (this.release) return;
    this.online = new Promise((resolve) => { this.release = resolve; });
  }

  markOnline() {
    const release = this.release;
    this.release = null;
    release?.();
  }

  // A join's or sync's answer, as live.js applies it: a snapshot once its other pages are
  // fetched, or the missed events; then the events that waited meanwhile. Resolves with the
  // ack (its snapshot whole), or null when a newer join made it moot.
  async settle(ack, kind, generation) {
    this.holding = true;
    let failure = null;
    const snapshot = ack.snapshot
      ? await this.assemble(ack.snapshot, generation).catch((error) => { failure = error; return null; })
      : null;
    if (generation !== this.generation) return null;
    if (snapshot) this.applySnapshot(snapshot);
    const early = this.early.filter((event) => !snapshot || event.seq > snapshot.head);
    this.early = [];
    this.holding = false;
    if (!ack.snapshot) this.receive(ack.events, false);
    this.receive(early, false);
    this.hooks.onSettled?.(kind, now());
    if (failure) throw failure;
    return snapshot ? { ...ack, snapshot } : ack;
  }

  // The snapshot's other pages, each asked for with the cursor the previous one gave.
  async assemble(first, generation) {
    if (first.common) return this.fetchCommon(first, generation);
    let snapshot = first;
    for (let cursor = first.next; cursor;) {
      const ack = await this.request("snapshot.page", cursor);
      if (generation !== this.generation) return null;
      snapshot = withPage(snapshot, ack.page);
      cursor = ack.next;
    }
    return snapshot;
  }

  // A phone's snapshot: the room's common body over HTTP (gzip), its own items in place.
  async fetchCommon(first, generation) {
    if (this.parser) return this.fetchCommonLight(first, generation);
    const response = await fetch(new URL(first.common, this.url), {
      headers: this.cookie ? { Cookie: this.cookie } : {},
      signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`the room's view answered ${response.status}`);
    const text = await response.text();
    if (generation !== this.generation) return null;
    if (this.parser) return { ...first, ...lightBody(text, first.own) };
    const body = JSON.parse(text);
    const snapshot = { ...body, ...first };
    for (const name of SECTIONS) {
      const items = new Map((body[name] || []).map((item) => [item.id, item]));
      for (const item of first.own?.[name] || []) items.set(item.id, item);
      snapshot[name] = [...items.values()];
    }
    return snapshot;
  }

  // The same, read light (light.mjs): the body's bytes as they came (gzip), so that a body
  // the room's other phones received already is not inflated and scanned again.
  async fetchCommonLight(first, generation) {
    const address = new URL(first.common, this.url);
    const headers = { "Accept-Encoding": "gzip", ...(this.cookie ? { Cookie: this.cookie } : {}) };
    const got = await getRaw(address, headers, ACK_TIMEOUT_MS);
    if (got.status !== 200) throw new Error(`the room's view answered ${got.status}`);
    if (generation !== this.generation) return null;
    const read = got.encoding === "gzip"
      ? lightGzipBody(address.href, got.raw, first.own)
      : lightBody(got.raw.toString("utf8"), first.own);
    return { ...first, ...read };
  }

  // An acknowledged request; a busy server gets a few more tries, as in live.js.
  request(name, payload, tries = 3) {
    return new Promise((resolve, reject) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit(name, payload, (err, ack) => {
        if (err) return reject(err);
        if (ack.ok) return resolve(ack);
        if (tries <= 1 || !RETRYABLE.has(ack.error.code)) return reject(new Error(ack.error.code));
        setTimeout(() => this.request(name, payload, tries - 1).then(resolve, reject), 1000);
      });
    });
  }

  applySnapshot(snapshot) {
    this.workshop = snapshot.workshop;
    this.seq = snapshot.head;
    this.publicSeq = snapshot.public_head;
    for (const seq of this.held.keys()) if (seq <= snapshot.head) this.held.delete(seq);
    this.hooks.onSnapshot?.(snapshot, now());
  }

  receive(events, delivered = true) {
    const t = now();
    if (delivered) {
      this.counters.deliveries += events.length;
      this.counters.messages += 1;
      this.counters.last = t;
    }
    if (this.holding) { this.early.push(...events); return; }
    events.sort((a, b) => a.seq - b.seq);
    let reshaped = false;
    const before = this.position();
    for (const event of events) {
      if (event.seq <= this.seq && this.staff) continue;
      if (this.staff && event.seq > this.seq + 1) { this.held.set(event.seq, event); continue; }
      reshaped = this.apply(event, t) || reshaped;
    }
    this.drainHeld(t);
    if (this.held.size) this.scheduleGapCheck();
    const view = this.view;
    this.view = null;
    if (reshaped) this.sync(before);
    else if (view) this.refresh(view, before);
  }

  // A change that names its view, as live.js takes it: the body fetched with no
  // request to the server, events held meanwhile; a sync when that cannot be done.
  // (A simulated phone keeps no own items nor dots: those of the benchmark's phones are
  // in the body once the phase shows every note, and none is out before the vote.)
  refresh(view, since) {
    if (!view.budget || view.public_head < this.publicSeq || this.syncing || this.holding ||
        !this.socket.connected || this.closing) {
      this.sync(since);
      return;
    }
    const snapshot = {
      head: Math.max(this.seq, view.public_head), public_head: view.public_head, common: view.body,
      own: {}, next: null,
    };
    const generation = this.generation;
    this.syncing = true;
    this.holding = true;
    this.counters.views++;
    setTimeout(() => {
      if (generation !== this.generation) { this.syncing = false; return; }
      this.settle({ ok: true, snapshot }, "sync", generation).then(() => true, () => false).then((applied) => {
        this.syncing = false;
        const again = this.syncAgain;
        this.syncAgain = undefined;
        if (generation !== this.generation) return;
        if (!applied) this.sync(Math.min(again ?? since, since));
        else if (again !== undefined) this.sync(again);
      });
    }, Math.random() * REFRESH_SPREAD_MS);
  }

  apply(event, t) {
    if (WORKSHOP_EVENTS.has(event.type) && (event.data.seq ?? 0) >= (this.workshop?.seq ?? 0)) {
      this.workshop = event.data;
    }
    this.hooks.onEvent?.(event, t);
    this.seq = Math.max(this.seq, event.seq);
    if (event.audience === "all") this.publicSeq = Math.max(this.publicSeq, event.seq);
    if (this.staff || !RESHAPING.has(event.type)) return false;
    this.view = event.view || null; // the last reshaping event decides, as in live.js
    return !event.view;
  }

  drainHeld(t) {
    while (this.held.has(this.seq + 1)) {
      const event = this.held.get(this.seq + 1);
      this.held.delete(event.seq);
      this.apply(event, t);
    }
    for (const seq of this.held.keys()) if (seq <= this.seq) this.held.delete(seq);
  }

  onHeartbeat(beat) {
    this.scheduleGapCheck(this.staff ? beat.head : beat.public_head);
  }

  position() {
    return this.staff ? this.seq : this.publicSeq;
  }

  scheduleGapCheck(target = 0) {
    this.gapTarget = Math.max(this.gapTarget || 0, target);
    if (this.gapTimer || !(this.held.size || this.position() < this.gapTarget)) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.held.size || this.position() < this.gapTarget) this.sync(this.position());
      this.gapTarget = 0;
    }, GAP_GRACE_MS);
  }

  sync(since) {
    if (!this.socket.connected || this.closing || this.holding) return;
    if (this.syncing) { this.syncAgain = Math.min(this.syncAgain ?? since, since); return; }
    this.syncing = true;
    const delay = this.staff ? 0 : Math.random() * 1500; // spread a room's phones
    setTimeout(() => {
      const generation = this.generation;
      this.counters.syncs++;
      this.socket.timeout(ACK_TIMEOUT_MS).emit("sync", { since, fetch: !this.staff }, (err, ack) => {
        if (err) this.counters.syncTimeouts++;
        const current = generation === this.generation;
        let answered = !err && ack.ok;
        const settled = answered && current
          ? this.settle(ack, "sync", generation) : Promise.resolve(null);
        settled.catch(() => { answered = false; }).then(() => {
          this.syncing = false;
          // Unanswered (a timeout, a busy server, a body not fetched): asked again, as
          // live.js does, from the earliest position.
          if (!answered && current) this.syncAgain = Math.min(this.syncAgain ?? since, since);
          const again = this.syncAgain;
          this.syncAgain = undefined;
          if (again === undefined) return;
          if (answered) this.sync(again);
          else setTimeout(() => this.sync(again), SYNC_RETRY_MS + Math.random() * SYNC_RETRY_MS);
        });
      });
    }, delay);
  }

  // A command and its ack; {timeout: true} when none came within `timeoutMs`. Like
  // live.js's outbox, it waits for the screen to be online (joined) before it is sent,
  // and stamps it with the screen's clock (`sent`, commands only).
  async command(name, payload, timeoutMs = ACK_TIMEOUT_MS, onSent = undefined) {
    await this.online;
    onSent?.();
    return this.asked(name, { ...payload, sent: performance.now() }, timeoutMs);
  }

  // A query (`join`, `sync`) and its answer, once: queries carry no `sent`.
  async query(name, payload, timeoutMs = ACK_TIMEOUT_MS) {
    await this.online;
    return this.asked(name, payload, timeoutMs);
  }

  asked(name, payload, timeoutMs) {
    return new Promise((resolve) => {
      this.socket.timeout(timeoutMs).emit(name, payload, (err, ack) => {
        resolve(err ? { ok: false, timeout: true } : ack);
      });
    });
  }

  // A command as live.js's outbox sends it: refused for now (rate_limited, server_error),
  // it goes again with the same id after a random delay, longer after each refusal, until
  // it is answered for good or a sending gets no ack within `timeoutMs` ({timeout: true}).
  // `onSent(t, refusals)` runs at each sending; the final ack counts the `refusals`.
  async resending(name, payload, timeoutMs = ACK_TIMEOUT_MS, onSent = undefined) {
    for (let refusals = 0; ; refusals++) {
      if (refusals) await new Promise((resolve) => setTimeout(resolve, retryDelay(refusals)));
      const ack = await this.command(name, payload, timeoutMs, () => onSent?.(now(), refusals));
      if (ack.ok || ack.timeout || !RETRYABLE.has(ack.error?.code)) return { ...ack, refusals };
    }
  }

  close() {
    this.closing = true;
    clearTimeout(this.gapTimer);
    this.socket?.disconnect();
  }
}

// A snapshot with one more page: its collections joined (counted only, when either was
// read light: {length}).
export function withPage(snapshot, page) {
  const joined = { ...snapshot };
  for (const name of SECTIONS) {
    const [a, b] = [snapshot[name], page[name]];
    joined[name] = Array.isArray(a) && Array.isArray(b)
      ? a.concat(b) : { length: (a?.length ?? 0) + (b?.length ?? 0) };
  }
  return joined;
}

export function retryDelay(refusals) {
  return RETRY_MS * 2 ** Math.min(refusals - 1, 2) * (1 + Math.random());
}

export function commandId() {
  return crypto.randomUUID().replaceAll("-", "");
}

// A GET's status, content encoding and bytes as they came over the connection.
function getRaw(address, headers, timeoutMs) {
  const client = address.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(address, { headers, timeout: timeoutMs }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => resolve({
        status: response.statusCode,
        encoding: response.headers["content-encoding"],
        raw: Buffer.concat(chunks),
      }));
    });
    request.on("timeout", () => request.destroy(new Error("the room's view timed out")));
    request.on("error", reject);
  });
}
