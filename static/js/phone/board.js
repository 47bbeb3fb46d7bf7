// A participant on a laptop (a remote workshop in a video call, or a hybrid room): at
// 1024 px and wider the phone page shows the live board beside where they write — the
// same stage the room sees, zoomed as the facilitator chose, drawn from what this
// participant may see in this phase (the server sends nothing more). Its pages turn as
// the board's do; the participant can also turn them with the buttons.
import { drawStage } from "../board/stage.js";
import { Pager } from "../board/pages.js";
import { prepare } from "../board/hyphens.js";
import { setMinimum } from "../board/flow.js";

const WIDE = "(min-width: 1024px)";
const READABLE_PX = 16; // a screen at arm's length, not a wall at the back of a room

export class BoardPane {
  constructor(live) {
    this.live = live;
    this.el = document.getElementById("phone-board");
    this.media = window.matchMedia(WIDE);
    const $ = (id) => document.getElementById(id);
    this.els = { stage: $("pane-stage"), spotlight: $("pane-spotlight"), focus: $("pane-focus") };
    this.pager = new Pager($("pane-page"), () => {}, { previous: $("pane-previous"), next: $("pane-next") });
    this.frame = null;
    setMinimum(() => READABLE_PX);
    this.media.addEventListener("change", () => this.schedule());
    window.addEventListener("resize", () => this.schedule());
  }

  // At most one layout a frame: it measures the page.
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = null; this.draw(); });
  }

  draw() {
    const state = this.live.state;
    const wide = this.media.matches && !!state.workshop;
    this.el.hidden = !wide;
    document.body.classList.toggle("with-pane", wide);
    if (!wide) return;
    if (this.language !== state.workshop.language) {
      this.language = state.workshop.language;
      prepare(this.language).then((ready) => ready && this.schedule());
    }
    drawStage(this.els, state, this.pager);
  }
}
