// The load generator: simulated phones, a board and a facilitator's control screen on one
// Node event loop. `python -m benchmarks.run` starts it with a JSON config on stdin and
// reads JSON lines on stdout: marks (when to read the servers' CPU), then the result. Its
// own progress goes to stderr. Scenarios: notes (post at a rate), votes (notes first, not
// measured; the phase change; dots at a rate) and plenary (notes, change, votes: all
// measured), join (a mass join into a workshop holding notes: join.mjs). `scrumblr`
// drives a scrumblr board instead (scrumblr.mjs).
import { runScrumblr } from "./scrumblr.mjs";
import { movePhase, votingPhase } from "./change.mjs";
import { signIn } from "./http.mjs";
import { joinPhones, runJoin, watchPresence } from "./join.mjs";
import { lightStats } from "./light.mjs";
import { Counters, Screen } from "./live.mjs";
import { Window, log, settled } from "./monitor.mjs";
import { NoteWatch, drivePosts, makePosts, openArea, postRows, settlePosts } from "./notes.mjs";
import { VoteWatch, driveVotes, makeVotes, voteRows } from "./votes.mjs";

async function connect(config, counters, notes, votes) {
  const { urls, code } = config;
  const board = new Screen({
    url: urls.at(-1), code, role: "board", key: config.board_key, counters,
    hooks: {
      onEvent: (event, t) => { notes.onEvent(event, t); votes.onEvent(event, t); },
      onSnapshot: (snapshot, t) => notes.onSnapshot(snapshot, t),
    },
  });
  const { snapshot } = await board.start();
  const presence = watchPresence(board);
  let control = null;
  if (config.scenario === "votes" || config.scenario === "plenary") {
    const cookie = await signIn(urls[0], config.email, config.password);
    control = new Screen({ url: urls[0], code, role: "control", cookie, counters });
    await control.start();
  }
  // The join scenario measures its own phones' join; a few others post the notes first,
  // at most 50 and 10 a second each (the server allows 200, and 20 commands a second).
  const seeders = Math.max(Math.ceil(config.seed_notes / 50), Math.ceil(config.seed_rate / 10));
  const count = config.scenario === "join" ? seeders : config.phones;
  log(`joining ${count} phones over ${urls.length} server(s)`);
  const { phones } = await joinPhones(config, count, counters);
  return { board, control, phones, snapshot, presence };
}

async function postNotes(phones, posts, { rate, area, grace, window }) {
  const pending = await drivePosts(phones, posts, {
    rate, area, timeoutMs: grace * 1000, onMeasure: () => window?.open(),
  });
  await settlePosts(pending, posts, grace);
  return window?.close();
}

async function castVotes(phones, votes, { rate, grace, targets, watch, window }) {
  const pending = await driveVotes(phones, votes, {
    rate, targets, watch, timeoutMs: grace * 1000, onMeasure: () => window.open(),
  });
  let answered = false;
  Promise.all(pending).then(() => { answered = true; });
  await settled(() => answered && votes.every((v) => !v.ok || v.onBoard !== null), grace, votes);
  return window.close();
}

// Which of the measured notes a fresh board's snapshot holds: stored but unseen notes were
// late; unstored ones were never committed.
async function checkStored(config, posts) {
  const board = new Screen({
    url: config.urls.at(-1), code: config.code, role: "board", key: config.board_key,
    counters: new Counters(),
  });
  try {
    const { snapshot } = await board.start();
    const texts = new Set(snapshot.notes.map((note) => note.text));
    for (const post of posts) post.stored = texts.has(post.text);
  } catch (error) {
    log(`no final snapshot: ${error.message}`);
  } finally {
    board.close();
  }
}

async function run(config) {
  const counters = new Counters();
  const notes = new NoteWatch();
  const votes = new VoteWatch();
  const screens = await connect(config, counters, notes, votes);
  const { phones, snapshot } = screens;
  const result = { windows: {}, posts: [], votes: [], change: null };
  const area = openArea(snapshot);
  const measured = config.scenario === "notes" || config.scenario === "plenary";
  const posts = measured ? makePosts(config.label, config.rate, config.warmup,
    config.duration) : [];
  notes.add(posts);
  if (posts.length) {
    log(`posting ${posts.length} notes at ${config.rate}/s (${config.warmup}s warm-up)`);
    const window = new Window("notes", counters);
    result.windows.notes = await postNotes(phones, posts, { ...config, area, window });
  }
  if (config.scenario === "votes" || config.scenario === "join") {
    const seed = makePosts(`${config.label} seed`, config.seed_rate, 0,
      config.seed_notes / config.seed_rate);
    notes.add(seed);
    log(`posting ${seed.length} notes first, at ${config.seed_rate}/s (not measured)`);
    await postNotes(phones, seed, { rate: config.seed_rate, area, grace: config.grace });
  }
  if (config.scenario === "join") {
    const windows = {};
    for (const name of ["join", "phone", "board"]) windows[name] = new Window(name, counters);
    result.join = await runJoin(config, { ...screens, seeders: phones }, { counters, windows });
  }
  if (config.scenario === "votes" || config.scenario === "plenary") {
    const index = votingPhase(snapshot);
    log(`moving to phase ${index} with ${notes.ids.size} notes; ${phones.length} phones resync`);
    const window = new Window("change", counters);
    result.change = await movePhase(screens.control, phones,
      { index, notes: notes.ids.size, timeout: config.change_timeout, window, counters });
    result.change.targets = notes.ids.size;
    const cast = makeVotes(config.vote_rate, config.warmup, config.vote_duration);
    log(`casting ${cast.length} votes at ${config.vote_rate}/s on ${notes.ids.size} notes`);
    result.windows.votes = await castVotes(phones, cast, {
      rate: config.vote_rate, grace: config.grace, targets: [...notes.ids], watch: votes,
      window: new Window("votes", counters),
    });
    result.votes = voteRows(cast);
  }
  if (posts.length) await checkStored(config, posts.filter((post) => !post.warmup));
  result.posts = postRows(posts);
  result.counters = { ...counters };
  result.light = { ...lightStats };
  for (const screen of [screens.board, screens.control, ...phones]) screen?.close();
  return result;
}

function readConfig() {
  return new Promise((resolve) => {
    let text = "";
    process.stdin.on("data", (chunk) => { text += chunk; });
    process.stdin.on("end", () => resolve(JSON.parse(text)));
  });
}

const config = await readConfig();
try {
  const result = config.scenario === "scrumblr" ? await runScrumblr(config) : await run(config);
  process.stdout.write(`${JSON.stringify({ result })}\n`, () => process.exit(0));
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: String(error?.stack || error) })}\n`,
    () => process.exit(1));
}
