// The same note scenario against scrumblr (Node, socket.io 4, Redis as its store), for the
// comparison where every phone receives every note: each client joins one room, phones
// create cards at a rate, and scrumblr sends each card to every other client of the room.
// scrumblr has no acks: a card counts as acknowledged when sent.
import { io } from "socket.io-client";

import { bounded } from "./http.mjs";
import { Counters, now } from "./live.mjs";
import { Window, log } from "./monitor.mjs";
import { NoteWatch, drivePosts, makePosts, postRows, settlePosts } from "./notes.mjs";

class Card {
  constructor(url, room, counters, onCard) {
    this.url = url;
    this.room = room;
    this.counters = counters;
    this.onCard = onCard;
    this.closing = false;
  }

  start() {
    this.socket = io(this.url, { path: "/socketio", transports: ["websocket"], forceNew: true });
    this.socket.on("disconnect", () => { if (!this.closing) this.counters.dropped++; });
    return new Promise((resolve, reject) => {
      this.socket.on("connect_error", reject);
      this.socket.on("message", (message) => {
        const t = now();
        this.counters.deliveries++;
        this.counters.messages++;
        this.counters.last = t;
        if (message.action === "roomAccept") resolve();
        if (message.action === "createCard") this.onCard?.(message.data, t);
      });
      this.socket.on("connect", () => this.socket.send({ action: "joinRoom", data: this.room }));
    });
  }

  // The same signature as a Fabrique screen's resending command (live.mjs): sent once,
  // never refused, and "sent" is all there is.
  resending(_name, payload, _timeoutMs, onSent) {
    onSent?.(now(), 0);
    const id = `card${payload.command_id}`;
    const data = { id, text: payload.text, x: 10, y: 10, rot: 0, colour: "yellow", type: "card" };
    this.socket.send({ action: "createCard", data });
    return Promise.resolve({ ok: true, data: { note: { id } }, refusals: 0 });
  }

  close() {
    this.closing = true;
    this.socket.disconnect();
  }
}

export async function runScrumblr(config) {
  const counters = new Counters();
  const room = `/${config.label.replaceAll(" ", "-")}`;
  const posts = makePosts(config.label, config.rate, config.warmup, config.duration);
  const notes = new NoteWatch(posts);
  const url = config.urls[0];
  const board = new Card(url, room, counters, (card, t) => notes.seen(card, t));
  await board.start();
  log(`joining ${config.phones} phones to scrumblr room ${room}`);
  const phones = Array.from({ length: config.phones }, () => new Card(url, room, counters));
  await bounded(phones.map((phone) => () => phone.start()));
  const window = new Window("notes", counters);
  const pending = await drivePosts(phones, posts, {
    rate: config.rate, area: "", timeoutMs: 0, onMeasure: () => window.open(),
  });
  await settlePosts(pending, posts, config.grace);
  const result = { windows: { notes: window.close() }, posts: postRows(posts) };
  Object.assign(result, { votes: [], change: null, light: {}, counters: { ...counters } });
  for (const screen of [board, ...phones]) screen.close();
  return result;
}
