// The timer as every screen shows it, from the workshop's `timer_ends_at` (server time)
// or `timer_remaining` (paused). When time is up, screens say so gently for
// TIME_UP_SECONDS, fading out towards the end, and then the timer leaves them: it never
// stays in the way of the question.

export const TIME_UP_SECONDS = 12;

// Server times carry microseconds; keep milliseconds so that every browser parses them.
export function parseTime(iso) {
  return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
}

// mm:ss, or h:mm:ss beyond an hour.
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const two = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${two(minutes)}:${two(s % 60)}`;
}

// {text, state, left, since}: state "running", "paused", "over" (time is up, for
// TIME_UP_SECONDS; `since` says for how long) or "done" (after that). Null: no timer.
export function timerView(workshop, now) {
  if (workshop.timer_ends_at) {
    const end = parseTime(workshop.timer_ends_at);
    const left = Math.ceil((end - now) / 1000);
    if (left > 0) return { text: clock(left), state: "running", left, since: 0 };
    const since = Math.max(0, (now - end) / 1000);
    return { text: clock(0), state: since < TIME_UP_SECONDS ? "over" : "done", left: 0, since };
  }
  if (workshop.timer_remaining !== null && workshop.timer_remaining !== undefined) {
    return { text: clock(workshop.timer_remaining), state: "paused", left: workshop.timer_remaining, since: 0 };
  }
  return null;
}

// The fade of "time is up" runs in CSS (TIME_UP_SECONDS long); a screen that opens
// midway starts it where it stands.
export function fadeDelay(view) {
  return view?.state === "over" ? `${-view.since.toFixed(2)}s` : "0s";
}

// A soft chime of two bell-like notes, made by the browser (no sound file). Browsers
// play sound only after a click or a key on the page: `unlock()` on such an event.
export class Chime {
  constructor() {
    this.context = null;
  }

  unlock() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    this.context ||= new Context();
    if (this.context.state === "suspended") this.context.resume();
  }

  play() {
    const ctx = this.context;
    if (!ctx || ctx.state !== "running") return false;
    const start = ctx.currentTime + 0.05;
    [[659.25, 0], [880, 0.45]].forEach(([frequency, offset]) => {
      const tone = ctx.createOscillator();
      const gain = ctx.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 2.2);
      tone.connect(gain).connect(ctx.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 2.3);
    });
    return true;
  }
}
