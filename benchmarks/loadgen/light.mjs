// A Socket.IO parser for the simulated phones that reads large snapshot acks (a join's or
// sync's, with a snapshot's head and first page, and `snapshot.page`'s) without building
// them: a phone needs the heads, its phase, how many notes it now sees, and the cursor of
// the next page.
//
// 2,000 phones resyncing after a phase change receive 2,000 snapshots of 0.5-1.5 MB;
// parsing them in full (~8 ms per MB) would cost the single load generator 8-25 s of CPU,
// time a real room spends on 2,000 separate phones. Reading them light costs a third to a
// half of that (`--full-parse` parses them all). The fields are found with patterns that cannot occur inside a JSON string
// (every quote in one is escaped), whatever the key order or spacing. One snapshot in
// CHECK_EVERY is also parsed in full and compared: `mismatch` counts the differences, so
// a change of shape on the server shows in the report.
import { gunzipSync } from "node:zlib";
import * as parser from "socket.io-parser";

const LIGHT_CHARS = 64 * 1024;
const CHECK_EVERY = 25;
const FIELDS = {
  ok: /"ok":\s*(true|false)/,
  head: /"head":\s*(\d+)/,
  public_head: /"public_head":\s*(\d+)/,
  phase_index: /"phase_index":\s*(\d+)/,
};
const NOTE_KEY = '"hidden":'; // one per note (workshop, format and groups have none)
// Keys not inside a string (there, every quote is escaped): a snapshot's, a page's, a cursor.
const SNAPSHOT = /(?<!\\)"snapshot":/;
const PAGE = /(?<!\\)"page":/;
const NEXT = /(?<!\\)"next":\s*(null|\{[^{}]*\})/g;

export const lightStats = { decoded: 0, checked: 0, mismatch: 0, bytes: 0, shared: 0 };

// The cursor of the next page: the last "next" key (a snapshot's comes after its notes).
function nextOf(json) {
  const found = [...json.matchAll(NEXT)].at(-1);
  return found ? JSON.parse(found[1]) : null;
}

// What a phone keeps of a snapshot ack: {ok, snapshot: {head, public_head, workshop, notes,
// next}}, or of a page's: {ok, page: {notes}, next}.
export function lightAck(json) {
  const value = (name) => FIELDS[name].exec(json)?.[1];
  const notes = { length: json.split(NOTE_KEY).length - 1 };
  if (!SNAPSHOT.test(json)) return { ok: value("ok") === "true", page: { notes }, next: nextOf(json) };
  return {
    ok: value("ok") === "true",
    snapshot: {
      head: Number(value("head")),
      public_head: Number(value("public_head")),
      workshop: { phase_index: Number(value("phase_index")) },
      notes,
      next: nextOf(json),
      light: true,
    },
  };
}

// What a phone keeps of the room's common body (fetched over HTTP after a phone's
// snapshot named it), with its own items (`own`, parsed: they came in a small ack) counted
// in: those the body holds already are not counted twice.
export function lightBody(text, own = {}) {
  return withOwn(readBody(text), own);
}

function readBody(text) {
  lightStats.decoded++;
  lightStats.bytes += text.length;
  const value = (name) => FIELDS[name].exec(text)?.[1];
  return {
    public_head: Number(value("public_head")),
    workshop: { phase_index: Number(value("phase_index")) },
    notes: text.split(NOTE_KEY).length - 1,
    ids: new Set([...text.matchAll(/"id":(\d+),/g)].map((found) => Number(found[1]))),
  };
}

function withOwn(body, own) {
  const extra = (own.notes || []).filter((note) => !body.ids.has(note.id)).length;
  return {
    public_head: body.public_head,
    workshop: body.workshop,
    notes: { length: body.notes + extra },
    light: true,
  };
}

// The same body, as every phone of the room receives it: each phone's bytes are read off
// its own connection in full (the server sends them all), and compared with the last
// body read at that address (a memcmp); the same bytes are not inflated and scanned
// again. 2,000 real phones inflate their copy on 2,000 processors: a single load
// generator inflating 2,000 copies of a 6,000-note body (2.4 GB of JSON) is its own
// limit, not the server's. A different body at the address is read in full.
const bodies = new Map(); // address -> { raw, body }
const KEPT_BODIES = 64;

export function lightGzipBody(address, raw, own = {}) {
  const kept = bodies.get(address);
  if (kept && kept.raw.equals(raw)) {
    lightStats.decoded++;
    lightStats.bytes += kept.length;
    lightStats.shared++;
    return withOwn(kept.body, own);
  }
  const text = gunzipSync(raw).toString("utf8");
  const body = readBody(text);
  if (bodies.size >= KEPT_BODIES) bodies.delete(bodies.keys().next().value);
  bodies.set(address, { raw, body, length: text.length });
  return withOwn(body, own);
}

const sameCursor = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function same(light, full) {
  if (light.page) {
    return light.ok === full.ok && light.page.notes.length === full.page.notes.length &&
      sameCursor(light.next, full.next);
  }
  const a = light.snapshot, b = full.snapshot;
  return light.ok === full.ok && a.head === b.head && a.public_head === b.public_head &&
    a.workshop.phase_index === b.workshop.phase_index && a.notes.length === b.notes.length &&
    sameCursor(a.next, b.next);
}

class LightDecoder extends parser.Decoder {
  decodeString(str) {
    // An ack ("3", its id, a JSON array) holding a snapshot or a page, large enough to matter.
    if (str.length < LIGHT_CHARS || str[0] !== "3" || !(SNAPSHOT.test(str) || PAGE.test(str))) {
      return super.decodeString(str);
    }
    let i = 1;
    while (str.charCodeAt(i) >= 48 && str.charCodeAt(i) <= 57) i++;
    const json = str.slice(i);
    const ack = lightAck(json);
    lightStats.decoded++;
    lightStats.bytes += str.length;
    if (lightStats.decoded % CHECK_EVERY === 1) {
      lightStats.checked++;
      if (!same(ack, JSON.parse(json)[0])) lightStats.mismatch++;
    }
    return { type: parser.PacketType.ACK, nsp: "/", id: Number(str.slice(1, i)), data: [ack] };
  }
}

export const lightParser = { ...parser, Decoder: LightDecoder };
