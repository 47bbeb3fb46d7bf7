// Phones joining: each opens /j/<code> and sends the form (as after the QR code), then
// connects and joins, `concurrency` phones at a time. The `join` scenario measures a mass
// join into a workshop that already holds `seed_notes` notes: how long until every phone
// is in, whether the presence count the board receives comes out exact, and what one
// snapshot costs (phones, then the board, joining again one after the other, on an
// otherwise idle server; in silent writing a phone's snapshot holds its own notes only).
import { watchPhone } from "./change.mjs";
import { bounded, joinAsParticipant } from "./http.mjs";
import { lightParser } from "./light.mjs";
import { Screen, now } from "./live.mjs";
import { log, sleep, until } from "./monitor.mjs";

const SNAPSHOTS = 50;
const QUERIES_PER_S = 8;

export async function joinPhones(config, count, counters, concurrency = 50) {
  const { urls, code } = config;
  const parser = config.light ? lightParser : undefined;
  const timings = [];
  const jobs = Array.from({ length: count }, (_, i) => async () => {
    const url = urls[i % urls.length];
    const start = now();
    const cookie = await joinAsParticipant(url, code);
    const page = now();
    const phone = new Screen({ url, code, role: "phone", cookie, counters, parser });
    watchPhone(phone);
    await phone.start();
    timings.push([start, page, now()]);
    return phone;
  });
  const phones = await bounded(jobs, concurrency);
  return { phones, timings };
}

// The participants count the board last heard (presence messages and heartbeats).
export function watchPresence(board) {
  const seen = { count: null, max: 0 };
  const note = (count) => { seen.count = count; seen.max = Math.max(seen.max, count); };
  board.socket.on("presence", (presence) => note(presence.participants));
  board.socket.on("heartbeat", (beat) => note(beat.participants));
  return seen;
}

// Snapshots one at a time: each screen joins again (no `since`) and fetches the snapshot's
// other pages, in turn, no screen more than QUERIES_PER_S times a second (the server's
// limit is 10 joins or syncs a second; pages have their own).
async function snapshots(screens, join, window) {
  const acks = [];
  const last = new Map();
  window.open();
  for (const screen of screens) {
    const wait = (last.get(screen) ?? -Infinity) + 1 / QUERIES_PER_S - now();
    if (wait > 0) await sleep(wait);
    const sent = now();
    last.set(screen, sent);
    const ack = await screen.query("join", join, 30000);
    const whole = ack.ok ? await screen.assemble(ack.snapshot, screen.generation) : null;
    acks.push([sent, whole ? now() : null, whole ? whole.notes.length : null]);
  }
  return { acks, load: window.close() };
}

export async function runJoin(config, screens, { counters, windows }) {
  const { board, presence, seeders } = screens;
  log(`${config.phones} phones join, ${config.join_concurrency} at a time`);
  windows.join.open();
  const { phones, timings } = await joinPhones(config, config.phones, counters,
    config.join_concurrency);
  const load = windows.join.close();
  const expected = seeders.length + phones.length;
  const joined = now();
  const exact = await until(() => presence.count === expected, 10);
  const result = {
    timings, load, expected, presence: presence.count, presence_max: presence.max,
    presence_exact_s: exact ? now() - joined : null,
  };
  log(`${SNAPSHOTS} phones, then the board ${SNAPSHOTS} times, join again one after the other`);
  const { code, board_key: key } = config;
  result.snapshots = {
    phone: await snapshots(phones.slice(0, SNAPSHOTS), { code, role: "phone" }, windows.phone),
    board: await snapshots(Array(SNAPSHOTS).fill(board), { code, role: "board", key },
      windows.board),
  };
  for (const screen of [board, ...seeders, ...phones]) screen.close();
  return result;
}
