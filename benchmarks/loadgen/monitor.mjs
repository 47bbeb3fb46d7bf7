// What the load generator itself costs: its CPU and how late its event loop runs, per
// measured window, and the marks that tell the Python runner when to read the servers' CPU.
import { monitorEventLoopDelay } from "node:perf_hooks";

import { now } from "./live.mjs";

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

// One line of JSON on stdout: the runner reads the servers' CPU when it sees it.
export function mark(name) {
  process.stdout.write(`${JSON.stringify({ mark: name, t: now() })}\n`);
}

export function log(message) {
  process.stderr.write(`${message}\n`);
}

export class Window {
  constructor(name, counters) { this.name = name; this.counters = counters; }

  open() {
    mark(`${this.name}.open`);
    this.start = now();
    this.cpu = process.cpuUsage();
    this.deliveries = this.counters.deliveries;
    this.messages = this.counters.messages;
    this.dropped = this.counters.dropped;
    this.joinTimeouts = this.counters.joinTimeouts;
    loopDelay.reset();
  }

  close() {
    const wall = now() - this.start;
    const cpu = process.cpuUsage(this.cpu);
    const span = Math.max(this.counters.last - this.start, 1e-9);
    mark(`${this.name}.close`);
    return {
      wall,
      client_cpu_s: (cpu.user + cpu.system) / 1e6,
      lag_max_ms: loopDelay.max / 1e6,
      lag_p99_ms: loopDelay.percentile(99) / 1e6,
      deliveries: this.counters.deliveries - this.deliveries,
      deliveries_per_s: (this.counters.deliveries - this.deliveries) / span,
      messages_per_s: (this.counters.messages - this.messages) / span,
      dropped: this.counters.dropped - this.dropped,
      join_timeouts: this.counters.joinTimeouts - this.joinTimeouts,
    };
  }
}

export const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

// Wait until `done()` or `seconds` pass; true when done.
export async function until(done, seconds, step = 0.05) {
  const deadline = now() + seconds;
  while (now() < deadline) {
    if (done()) return true;
    await sleep(step);
  }
  return done();
}

// Until `done()`, or `grace` seconds after the last sending of any of `items` (each has
// `lastSent`): a command sent again pushes the end back.
export async function settled(done, grace, items, step = 0.05) {
  let last = now();
  while (!done()) {
    for (const item of items) if (item.lastSent > last) last = item.lastSent;
    if (now() - last >= grace) return false;
    await sleep(step);
  }
  return true;
}
