// The facilitator moves the workshop on; every phone resyncs as live.js does. A phone is
// in the new phase once it shows that phase and every note it may now see.
import { commandId, now } from "./live.mjs";
import { until } from "./monitor.mjs";

// The first phase after the current one where participants vote on notes.
export function votingPhase(snapshot) {
  const phases = snapshot.format.phases;
  for (let index = snapshot.workshop.phase_index + 1; index < phases.length; index++) {
    if (phases[index].vote) {
      if (phases[index].vote.target !== "notes") throw new Error("voting on groups: no notes");
      return index;
    }
  }
  throw new Error("no voting phase after the current one");
}

// Count the notes each phone holds (a snapshot's, then those posted to it).
export function watchPhone(phone) {
  phone.notes = 0;
  phone.hooks = {
    onSnapshot: (snapshot) => { phone.notes = snapshot.notes.length; },
    onEvent: (event) => { if (event.type === "note.posted") phone.notes++; },
  };
}

// Ready: in the new phase and holding every note the board holds (all of them are visible
// from the voting phase on), whether they came in a snapshot or as events.
function watchArrival(phone, index, expected) {
  phone.readyAt = null;
  phone.changedAt = null;
  const check = (t) => {
    if (phone.readyAt === null && phone.workshop?.phase_index === index &&
        phone.notes >= expected) {
      phone.readyAt = t;
      phone.readyNotes = phone.notes;
    }
  };
  const { onEvent } = phone.hooks;
  phone.hooks.onEvent = (event, t) => {
    onEvent(event, t);
    if (event.type === "phase.changed" && event.data.phase_index === index) {
      phone.changedAt ??= t;
    }
    check(t);
  };
  phone.hooks.onSettled = (_kind, t) => check(t);
}

export async function movePhase(control, phones, { index, notes, timeout, window, counters }) {
  for (const phone of phones) watchArrival(phone, index, notes);
  const timeouts = counters.syncTimeouts;
  const [syncs, views] = [counters.syncs, counters.views];
  window.open();
  const sent = now();
  const ack = await control.command("phase.move", { command_id: commandId(), index }, 30000);
  const acked = now();
  if (!ack.ok) throw new Error(`phase.move refused: ${JSON.stringify(ack.error || ack)}`);
  await until(() => phones.every((phone) => phone.readyAt !== null), timeout);
  const load = window.close();
  return {
    index, sent, acked, load, sync_timeouts: counters.syncTimeouts - timeouts,
    syncs: counters.syncs - syncs, views: counters.views - views,
    ready: phones.map((phone) => phone.readyAt),
    changed: phones.map((phone) => phone.changedAt),
    notes: phones.map((phone) => (phone.readyAt === null ? null : phone.readyNotes)),
  };
}
