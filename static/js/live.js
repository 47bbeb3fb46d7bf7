// The live channel in the browser: snapshot on join (in pages; a phone fetches what every
// phone sees as one body over HTTP), events by sequence number after, gap detection from
// heartbeats, and an outbox that resends unacknowledged commands.
import { io } from "/static/vendor/socket.io/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 10000;
const RESEND_AFTER_MS = 12000; // a command unanswered this long is sent again, same id
const GAP_GRACE_MS = 1500;
const SYNC_RETRY_MS = 2000; // an unanswered sync is asked again after 2 to 4 s
const REFRESH_SPREAD_MS = 1000; // a room's phones fetch a phase's view within a second
// A command the server was too busy for (or failed) goes again after 2 to 4 s, then 4 to 8,
// then 8 to 16: spread at random, so a room refused at once does not come back at once.
const RETRY_MS = 2000;
const RESHAPING = new Set(["phase.changed", "visibility.changed"]);
const RETRYABLE = new Set(["server_error", "rate_limited"]);
const SECTIONS = ["notes", "groups", "cards", "proposals"]; // a snapshot's paged collections
const ENTITIES = new Set(["note", "group", "card"]); // events that carry an item's whole state

// Which part of the state each event type updates, and how (docs/protocol.md).
const setWorkshop = (state, data) => {
  if (!newer(state.workshop, data)) return;
  state.workshop = data;
  if (data.canvas_groups) state.canvasGroups = data.canvas_groups;
};
const REDUCERS = {
  "workshop.updated": setWorkshop,
  "phase.changed": setWorkshop,
  "visibility.changed": setWorkshop,
  "note.posted": (state, data) => put(state.notes, data),
  "note.updated": (state, data) => put(state.notes, data),
  "note.deleted": (state, data, seq) => remove(state.notes, data.id, seq),
  "group.saved": (state, data) => put(state.groups, data),
  "group.deleted": (state, data, seq) => remove(state.groups, data.id, seq),
  "card.saved": (state, data) => put(state.cards, data),
  "card.deleted": (state, data, seq) => remove(state.cards, data.id, seq),
  "votes.tallied": (state, data) => {
    const items = { ...(state.tallies?.items || {}), [data.target]: data.dots };
    if (!data.dots) delete items[data.target];
    state.tallies = { items, total: data.total, voters: data.voters };
    if (data.results) state.results = data.results;
  },
  "results.published": (state, data) => { state.results = data.results; },
  "reactions.counted": (state, data) => {
    const items = { ...(state.reactions?.items || {}) };
    items[String(data.note_id)] = { agree: data.agree, disagree: data.disagree, pass: data.pass };
    state.reactions = { items, participants: data.participants };
  },
  "opinions.published": (state, data) => { state.opinions = data.opinions; },
  "ratings.counted": (state, data) => {
    const phases = { ...(state.ratingCounts || {}) };
    const items = { ...(phases[data.phase]?.items || {}), [data.item]: data.counts };
    phases[data.phase] = { items, participants: data.participants };
    state.ratingCounts = phases;
  },
  "ratings.published": (state, data) => {
    const ratings = { ...(state.ratings || {}) };
    if (data.ratings) ratings[data.phase] = data.ratings;
    else delete ratings[data.phase];
    state.ratings = ratings;
  },
  "poll.changed": (state, data) => {
    const polls = (state.polls || []).filter((poll) => poll.id !== data.poll.id);
    state.polls = [...polls, data.poll].sort((a, b) => a.id - b.id);
  },
  "poll.counted": (state, data) => {
    state.pollAnswered = { ...(state.pollAnswered || {}), [String(data.poll_id)]: data.answered };
  },
  "proposal.saved": (state, data) => { state.proposals.set(data.id, data); },
  "proposal.joined": (state, data) => {
    if (state.me?.kind !== "participant") return; // staff see it pass, it is not theirs
    state.me.proposals = [...new Set([...(state.me.proposals || []), data.proposal_id])];
  },
  // A flag for the facilitator (staff room only), never part of a snapshot.
  "assist.duplicate": (state, data) => { state.duplicates.set(data.id, data.of); },
};

function newer(current, data) {
  return !current || (data.seq ?? 0) >= (current.seq ?? 0);
}

// An item this screen made, from its command's ack: put as any newer state is, and this
// screen's own whatever the collection held (its event, which marks nothing, may have
// come first, or a snapshot read before it or the room's body may hold it unmarked).
function claim(map, data) {
  put(map, { ...data, mine: true });
  const current = map.get(data.id);
  if (current && !current.mine) map.set(data.id, { ...current, mine: true });
}

// Removed items, by collection: id -> the number of the event that removed them. Two
// processes publish through Redis, so a phone (which sees only some numbers, and cannot
// hold for a gap as staff screens do) may get a deletion before an older edit: the
// edit must not bring the item back. A snapshot's new collections start clean.
const REMOVED = new WeakMap();

function remove(map, id, seq) {
  map.delete(id);
  if (!REMOVED.has(map)) REMOVED.set(map, new Map());
  REMOVED.get(map).set(id, seq);
}

// Replace an entity by its newer state. A redacted one (a hidden note sent to every
// phone without its text) keeps what the screen already had; "mine" is the screen's own.
function put(map, data) {
  const current = map.get(data.id);
  if (!newer(current, data)) return;
  const removedAt = REMOVED.get(map)?.get(data.id);
  if (removedAt !== undefined && (data.seq ?? 0) < removedAt) return;
  const next = data.redacted ? { ...current, ...data } : { ...data };
  if (current && current.mine !== undefined && next.mine === undefined) next.mine = current.mine;
  map.set(data.id, next);
}

// What a phone may still spend in a phase, from the dots the phase allows (a view's
// `budget`, the same for every phone) and its own dots out: null where these cannot tell
// (dots out in a phase that counts them per area, the areas not being known here).
function budgetFor(rules, me) {
  if (!rules || rules.budget === undefined) return null;
  if (rules.budget === null) return { budget: null };
  const out = Object.values(me.votes || {}).reduce((sum, dots) => sum + dots, 0);
  if (rules.per_area && out) return null;
  return { ...rules, used: rules.per_area ? {} : { "": out } };
}

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Live {
  constructor({ code, role, key }) {
    this.staff = role !== "phone";
    // A phone's snapshots name the body of what every phone sees, fetched over HTTP.
    this.join = { code, role, key: key || undefined, fetch: !this.staff };
    this.state = {
      workshop: null, format: null, notes: new Map(), groups: new Map(), cards: new Map(),
      tallies: null, results: null, canvasGroups: [], proposals: new Map(), participants: 0, me: {},
      duplicates: new Map(), // note id -> the earlier notes it repeats (assist.duplicate)
    };
    this.seq = 0; // everything up to here is applied (staff see every number)
    this.publicSeq = 0;
    this.held = new Map(); // events that arrived ahead of a gap
    this.holding = false; // while a join's or sync's answer is applied, events wait in early
    this.early = [];
    this.generation = 0; // each join starts a new one: an older answer still arriving is dropped
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.status = "connecting";
    this.outboxKey = `fabrique.outbox.${code}.${role}`;
    this.outbox = JSON.parse(localStorage.getItem(this.outboxKey) || "[]");
    // A phone keeps its last view (the phase, its own notes and cards, its dots) to show it
    // when the page is reloaded without network; the next join replaces it with a snapshot.
    this.viewKey = this.staff ? null : `fabrique.view.${code}`;
    this.restored = this.restoreView();
    this.viewTimer = null;
    this.pending = new Map(); // command_id -> {resolve, reject}
    this.retries = new Map(); // command_id -> the timer that sends it again
    this.gapTimer = null;
    this.syncing = false;
  }

  start() {
    this.socket = io({ reconnectionDelayMax: 4000, timeout: 8000 });
    this.socket.on("connect", () => this.rejoin());
    this.socket.on("disconnect", () => this.setStatus("offline"));
    this.socket.on("events", (batch) => this.receive(batch.events));
    this.socket.on("heartbeat", (beat) => this.onHeartbeat(beat));
    this.socket.on("presence", (presence) => {
      this.state.participants = presence.participants;
      this.changed({ presence: true });
    });
    // Back on the network: reconnect now rather than when the retry timer comes round.
    // Commands the server has not answered for a while (a timeout on a weak network, a
    // refusal not answered again) go again with the same id: the server carries each out
    // only once.
    setInterval(() => this.resendStale(), 3000);
    window.addEventListener("online", () => {
      if (!this.socket.connected && this.status !== "refused") this.socket.disconnect().connect();
    });
    // The browser knows it has no network: say so now (a page reloaded offline never
    // connected, so no disconnection would tell it).
    window.addEventListener("offline", () => this.status !== "refused" && this.setStatus("offline"));
    if (!navigator.onLine) this.setStatus("offline");
    return this;
  }

  onChange(listener) { this.listeners.add(listener); return this; }
  onStatus(listener) { this.statusListeners.add(listener); listener(this.status); return this; }
  changed(detail = {}) {
    for (const listener of this.listeners) listener(this.state, detail);
    if (this.viewKey && !detail.heartbeat && !detail.presence) this.scheduleSaveView();
  }
  setStatus(status) {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  // Coming back, give the last sequence number: the server sends what was missed. Events
  // that arrive before the answer is applied (the socket is in the rooms first) wait.
  rejoin() {
    const resuming = this.state.workshop && !this.restored; // a kept view needs a snapshot
    const payload = resuming ? { ...this.join, since: this.position() } : this.join;
    const generation = ++this.generation;
    this.holding = true;
    this.early = [];
    this.acksSince = [];
    this.socket.timeout(ACK_TIMEOUT_MS).emit("join", payload, (err, ack) => {
      if (generation !== this.generation) return;
      if (err) return this.socket.disconnect().connect();
      if (!ack.ok && RETRYABLE.has(ack.error.code)) { // the server is busy or hurt: try again
        setTimeout(() => this.socket.connected && this.rejoin(), 1000 + Math.random() * 2000);
        return;
      }
      if (!ack.ok) {
        this.holding = false;
        this.refuse(ack.error);
        return;
      }
      this.catchUp(ack, generation).then((done) => {
        if (!done) return;
        this.setStatus("online");
        this.flushOutbox();
      }, () => generation === this.generation && this.socket.disconnect().connect());
    });
  }

  // A join's or sync's answer: the events missed, or a snapshot whose other pages are
  // fetched first. Live events wait meanwhile (in early), then apply after it.
  async catchUp(ack, generation) {
    this.holding = true;
    let failure = null;
    const snapshot = ack.snapshot
      ? await this.assemble(ack.snapshot, generation).catch((error) => { failure = error; return null; })
      : null;
    if (generation !== this.generation) return false; // a newer join holds the events now
    if (snapshot) {
      this.applySnapshot(snapshot);
      // A snapshot's `me` was read when the server answered: a command acknowledged since
      // the request left (a dot cast meanwhile) may be missing from it, so what its ack
      // says of `me` is applied again on top, and the notes and cards it made are this
      // screen's own (a view's own items were taken before its body was fetched; their
      // events, which mark nothing, may follow). Other items and the workshop come as events.
      for (const [command, data] of this.acksSince || []) this.applyAck(command, data, snapshot.head);
    }
    this.acksSince = null;
    const early = this.early.filter((event) => !snapshot || event.seq > snapshot.head);
    this.early = [];
    this.holding = false;
    if (ack.snapshot) this.receive(early);
    else this.receive([...ack.events, ...early], true);
    if (failure) throw failure;
    return true;
  }

  // The snapshot's first page came with the ack; ask for the others, in turn (each page
  // names the next). Null when a newer join made this one moot.
  async assemble(first, generation) {
    if (first.common) return this.fetchCommon(first, generation);
    const snapshot = { ...first };
    for (const name of SECTIONS) snapshot[name] = [...(first[name] || [])];
    for (let cursor = first.next; cursor;) {
      const ack = await this.request("snapshot.page", cursor);
      if (generation !== this.generation) return null;
      for (const name of SECTIONS) snapshot[name].push(...ack.page[name]);
      cursor = ack.next;
    }
    return generation === this.generation ? snapshot : null;
  }

  // A phone's snapshot: the body every phone of the room shares (one address, the same
  // bytes, compressed once), with this phone's own notes and cards in place by id.
  async fetchCommon(first, generation) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), ACK_TIMEOUT_MS);
    let body;
    try {
      const response = await fetch(first.common, { credentials: "same-origin", signal: abort.signal });
      if (!response.ok) throw new Error(`the room's view answered ${response.status}`);
      body = await response.json();
    } finally {
      clearTimeout(timer);
    }
    if (generation !== this.generation) return null;
    const snapshot = { ...body, ...first };
    for (const name of SECTIONS) {
      const items = new Map((body[name] || []).map((item) => [item.id, item]));
      for (const item of first.own?.[name] || []) items.set(item.id, item);
      snapshot[name] = [...items.values()].sort((a, b) => a.id - b.id);
    }
    return snapshot;
  }

  // An acknowledged request as a promise; a busy server gets a few more tries.
  request(name, payload, tries = 3, timeout = ACK_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      this.socket.timeout(timeout).emit(name, payload, (err, ack) => {
        if (err) return reject(err);
        if (ack.ok) return resolve(ack);
        if (tries <= 1 || !RETRYABLE.has(ack.error.code)) return reject(ack.error);
        setTimeout(() => this.request(name, payload, tries - 1, timeout).then(resolve, reject), 1000);
      });
    });
  }

  // Refused for good (no identity, a wrong code): stop, rather than reconnect each time
  // the server closes a socket that has not joined. The page says what to do.
  refuse(error) {
    this.refusal = error;
    this.socket.disconnect();
    this.setStatus("refused");
    this.changed({ refused: error });
  }

  applySnapshot(snapshot) {
    this.restored = false;
    const byId = (items) => new Map(items.map((item) => [item.id, item]));
    Object.assign(this.state, {
      workshop: snapshot.workshop, format: snapshot.format,
      notes: byId(snapshot.notes), groups: byId(snapshot.groups), cards: byId(snapshot.cards),
      tallies: snapshot.tallies, results: snapshot.results, canvasGroups: snapshot.canvas_groups,
      reactions: snapshot.reactions, opinions: snapshot.opinions,
      ratingCounts: snapshot.rating_counts, ratings: snapshot.ratings || {},
      polls: snapshot.polls || [], pollAnswered: snapshot.poll_answered,
      proposals: byId(snapshot.proposals || []),
      participants: snapshot.participants, me: snapshot.me,
    });
    this.seq = snapshot.head;
    this.publicSeq = snapshot.public_head;
    for (const seq of this.held.keys()) if (seq <= snapshot.head) this.held.delete(seq);
    this.changed({ snapshot: true });
  }

  // A replay (replayed: true) carries each item's current version: a staff screen takes
  // those again even where it already is, for they may hold what a live event could not.
  receive(events, replayed = false) {
    if (this.holding) { this.early.push(...events); return; }
    events.sort((a, b) => a.seq - b.seq);
    let reshaped = false;
    const before = this.position();
    for (const event of events) {
      if (event.seq <= this.seq && this.staff) {
        if (replayed && ENTITIES.has(event.type.split(".")[0])) REDUCERS[event.type]?.(this.state, event.data, event.seq);
        continue;
      }
      if (this.staff && event.seq > this.seq + 1) { this.held.set(event.seq, event); continue; }
      reshaped = this.apply(event) || reshaped;
    }
    reshaped = this.drainHeld() || reshaped;
    if (this.held.size) this.scheduleGapCheck();
    const view = this.view;
    this.view = null;
    if (reshaped) this.sync(before);
    else if (view) this.refresh(view, before);
    this.changed({ events });
  }

  // True when the screen must ask again (sync): a phone whose view a phase reshaped, or a
  // screen that may read a hidden note an event brought without its text.
  apply(event) {
    const reread = this.mayRead(event);
    const reducer = REDUCERS[event.type];
    if (reducer) reducer(this.state, event.data, event.seq);
    this.seq = Math.max(this.seq, event.seq);
    if (event.audience === "all") this.publicSeq = Math.max(this.publicSeq, event.seq);
    if (this.staff || !RESHAPING.has(event.type)) return reread;
    this.view = event.view || null; // the last reshaping event decides
    return !event.view || reread;
  }

  // A hidden note's events travel without its text (the board shares the staff room), yet
  // the control page and the note's author may read it: a replay brings it to them.
  mayRead(event) {
    if (!event.data?.redacted) return false;
    return this.join.role === "control" || Boolean(this.state.notes.get(event.data.id)?.mine);
  }

  drainHeld() {
    let again = false;
    while (this.held.has(this.seq + 1)) {
      const event = this.held.get(this.seq + 1);
      this.held.delete(event.seq);
      again = this.apply(event) || again;
    }
    for (const seq of this.held.keys()) if (seq <= this.seq) this.held.delete(seq);
    return again;
  }

  onHeartbeat(beat) {
    this.state.participants = beat.participants;
    this.serverOffset = beat.now * 1000 - Date.now();
    this.scheduleGapCheck(this.staff ? beat.head : beat.public_head);
    this.changed({ heartbeat: true });
  }

  position() {
    return this.staff ? this.seq : this.publicSeq;
  }

  // Behind the server (a held event, or a heartbeat ahead of us): give in-flight events
  // a moment to arrive, then ask for what is missing.
  scheduleGapCheck(target = 0) {
    this.gapTarget = Math.max(this.gapTarget || 0, target);
    if (this.gapTimer || !(this.held.size || this.position() < this.gapTarget)) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.held.size || this.position() < this.gapTarget) this.sync(this.position());
      this.gapTarget = 0;
    }, GAP_GRACE_MS);
  }

  // One sync at a time; a request made meanwhile runs after it (from the earliest
  // position asked for, so that a phase change in between is not skipped).
  // While a join's answer is applied there is nothing to ask: it brings everything.
  sync(since) {
    if (!this.socket.connected || this.holding) return;
    if (this.syncing) { this.syncAgain = Math.min(this.syncAgain ?? since, since); return; }
    this.syncing = true;
    const delay = this.staff ? 0 : Math.random() * 1500; // spread a room's phones
    setTimeout(() => {
      const generation = this.generation;
      this.acksSince = [];
      this.socket.timeout(ACK_TIMEOUT_MS).emit("sync", { since, fetch: !this.staff }, (err, ack) => {
        const current = generation === this.generation; // else a rejoin brings everything
        let answered = !err && ack.ok;
        const caughtUp = answered && current
          ? this.catchUp(ack, generation) : Promise.resolve(false);
        caughtUp.catch(() => { answered = false; }).then(() => {
          this.syncing = false;
          // Unanswered (a timeout, a limit, a busy server, a body that could not be
          // fetched): nothing else would ask again for a phone whose event said "fetch
          // the new phase", so this sync is retried.
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

  // A change that names its view (docs/protocol.md: a phase change, the results revealed):
  // the body every phone shares after it, fetched with this phone's own notes, cards and
  // dots in place, and no request of its own to the server (a room of 2,000 phones moves
  // on with one read). Events wait from now until the body is applied: it holds
  // everything up to here. What it cannot tell from the view (a view older than what the
  // phone holds, dots out per area) or a body it cannot fetch makes it sync instead.
  refresh(view, since) {
    const budget = budgetFor(view.budget, this.state.me);
    if (!budget || view.public_head < this.publicSeq || this.syncing || this.holding || !this.socket.connected) {
      this.sync(since);
      return;
    }
    const own = {};
    for (const name of ["notes", "cards"]) own[name] = [...this.state[name].values()].filter((item) => item.mine);
    const snapshot = {
      head: Math.max(this.seq, view.public_head), public_head: view.public_head, common: view.body,
      own, participants: this.state.participants, me: { ...this.state.me, budget }, next: null,
    };
    const generation = this.generation;
    this.syncing = true;
    this.holding = true;
    this.acksSince = [];
    setTimeout(() => {
      if (generation !== this.generation) { this.syncing = false; return; } // a join brings it all
      this.catchUp({ snapshot }, generation).then(() => true, () => false).then((applied) => {
        this.syncing = false;
        const again = this.syncAgain;
        this.syncAgain = undefined;
        if (generation !== this.generation) return;
        if (!applied) this.sync(Math.min(again ?? since, since));
        else if (again !== undefined) this.sync(again);
      });
    }, Math.random() * REFRESH_SPREAD_MS);
  }

  // Commands: kept in the outbox (and localStorage) until the server acknowledges them.
  send(name, payload) {
    const command = { name, payload: { ...payload, command_id: newId() }, at: Date.now() };
    this.outbox.push(command);
    this.saveOutbox();
    const result = new Promise((resolve, reject) => {
      this.pending.set(command.payload.command_id, { resolve, reject });
    });
    this.transmit(command);
    return { commandId: command.payload.command_id, result };
  }

  transmit(command) {
    if (!this.socket.connected || this.status !== "online") return;
    command.sentAt = Date.now();
    // `sent`: when, by this page's clock, so the server can tell how long the command
    // waited unread behind this socket's earlier ones (docs/protocol.md, Limits).
    const payload = { ...command.payload, sent: performance.now() };
    this.socket.timeout(ACK_TIMEOUT_MS).emit(command.name, payload, (err, ack) => {
      if (err) return; // stays in the outbox, resent on reconnect
      if (!ack.ok && RETRYABLE.has(ack.error.code)) return this.retryLater(command);
      this.settle(command, ack);
    });
  }

  // Refused for now (the room is busy, the server hurt): kept, and sent again with the
  // same id a little later, later each time; the server carries it out only once.
  retryLater(command) {
    const id = command.payload.command_id;
    if (this.retries.has(id)) return;
    command.refusals = (command.refusals || 0) + 1;
    const delay = RETRY_MS * 2 ** Math.min(command.refusals - 1, 2) * (1 + Math.random());
    this.retries.set(id, setTimeout(() => {
      this.retries.delete(id);
      if (this.outbox.includes(command)) this.transmit(command);
    }, delay));
  }

  settle(command, ack) {
    const id = command.payload.command_id;
    this.outbox = this.outbox.filter((item) => item.payload.command_id !== id);
    this.saveOutbox();
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    if (ack.ok) this.applyAck(command, ack.data || {});
    if (ack.ok && this.acksSince) this.acksSince.push([command, ack.data || {}]);
    if (waiter) (ack.ok ? waiter.resolve : waiter.reject)(ack);
    this.changed({ ack, command });
  }

  // What an ack tells this screen about itself: its note or card, its dots, its pledges.
  // after: again on top of a snapshot at that head, what the ack says of this screen's
  // own `me` and the items it made (other items and the workshop: events bring those in
  // sequence order). An item it made that the snapshot lacks is put only if made after
  // the snapshot's head: made before, it was gone when the snapshot was read.
  applyAck(command, data, after = null) {
    const me = this.state.me;
    const meOnly = after !== null;
    const made = (map, item) => {
      if (!meOnly || map.has(item.id) || (item.seq ?? 0) > after) claim(map, item);
    };
    if (data.note && command.name === "note.post") made(this.state.notes, data.note);
    else if (data.note && !meOnly) put(this.state.notes, data.note);
    if (data.card && command.name === "card.add") made(this.state.cards, data.card);
    else if (data.card && !meOnly) put(this.state.cards, data.card);
    if (data.group && !meOnly) put(this.state.groups, data.group);
    if (data.target !== undefined && data.mine !== undefined) {
      me.votes = { ...(me.votes || {}), [data.target]: data.mine };
      me.budget = { budget: data.budget, max_per_item: data.max_per_item, per_area: data.per_area, used: data.used };
    }
    if (data.reaction) me.reactions = { ...(me.reactions || {}), [String(data.reaction.note_id)]: data.reaction.value };
    if (data.rating) {
      const { phase, item, criterion, value } = data.rating;
      const phases = { ...(me.ratings || {}) };
      phases[phase] = { ...(phases[phase] || {}), [item]: { ...(phases[phase]?.[item] || {}), [criterion]: value } };
      me.ratings = phases;
    }
    if (data.poll_answer) {
      me.polls = { ...(me.polls || {}), [String(data.poll_answer.poll_id)]: data.poll_answer.choices };
    }
    if (Array.isArray(data.pledged)) me.pledges = data.pledged;
    if (command.name === "proposal.pledge" && data.pledged === true) {
      me.proposals = [...new Set([...(me.proposals || []), data.proposal_id])];
    }
    if (data.workshop && !meOnly) setWorkshop(this.state, data.workshop);
  }

  resendStale() {
    const now = Date.now();
    if (this.status !== "online" || now - (this.lastResend || 0) < RESEND_AFTER_MS) return;
    if (this.outbox.some((command) => now - (command.sentAt || command.at) > RESEND_AFTER_MS)) {
      this.lastResend = now;
      this.flushOutbox();
    }
  }

  flushOutbox() {
    for (const command of [...this.outbox]) this.transmit(command);
  }

  saveOutbox() {
    localStorage.setItem(this.outboxKey, JSON.stringify(this.outbox));
  }

  unsent() {
    return this.outbox;
  }

  // The phone's last view, for a reload without network (its own items only: small).
  scheduleSaveView() {
    if (this.viewTimer || this.restored || !this.state.workshop) return;
    this.viewTimer = setTimeout(() => {
      this.viewTimer = null;
      const mine = (items) => [...items.values()].filter((item) => item.mine);
      const { workshop, format, me, notes, cards } = this.state;
      try {
        localStorage.setItem(this.viewKey, JSON.stringify(
          { workshop, format, me, notes: mine(notes), cards: mine(cards) }));
      } catch { /* storage full or refused: the view is simply not kept */ }
    }, 1000);
  }

  restoreView() {
    let kept = null;
    try { kept = this.viewKey && JSON.parse(localStorage.getItem(this.viewKey) || "null"); } catch { kept = null; }
    if (!kept?.workshop || !kept?.format) return false;
    const byId = (items) => new Map((items || []).map((item) => [item.id, item]));
    Object.assign(this.state, {
      workshop: kept.workshop, format: kept.format, me: kept.me || {},
      notes: byId(kept.notes), cards: byId(kept.cards),
    });
    return true;
  }

  serverNow() {
    return Date.now() + (this.serverOffset || 0);
  }
}
