// The board's pages: when the stage holds more than fits at the readable size, its pages
// turn by themselves every PAGE_SECONDS, with "Page 2/3" and a bar that fills until the
// next one; the facilitator can hold one page (workshop.board.page), and a participant's
// own screen can go back and forth with its buttons.
import { h, replace, t } from "../dom.js";

export const PAGE_SECONDS = 20;

export class Pager {
  // el: the indicator; show(page): lays out that page; buttons: {previous, next} or null.
  constructor(el, show, buttons = null) {
    this.el = el;
    this.showPage = show;
    this.buttons = buttons;
    this.page = 1;
    this.pages = 1;
    this.held = null;
    this.own = false; // a participant turned the page: no more turning by itself
    this.key = null;
    this.timer = null;
    if (buttons) {
      buttons.previous.addEventListener("click", () => this.go(this.page - 1));
      buttons.next.addEventListener("click", () => this.go(this.page + 1));
    }
  }

  // After each layout: how many pages, the page the facilitator holds (null: they turn),
  // and what the stage shows (a new phase, zoom or spotlight starts again at page 1).
  update(pages, held, key) {
    if (key !== this.key || held !== this.held) { this.own = false; if (key !== this.key) this.page = 1; }
    this.key = key;
    this.held = held;
    this.pages = Math.max(1, pages);
    if (held && !this.own) this.page = held;
    this.page = Math.min(Math.max(1, this.page), this.pages);
    this.showPage(this.page);
    this.render(false);
    this.schedule();
  }

  turning() {
    return this.pages > 1 && !this.held && !this.own;
  }

  schedule() {
    const wanted = this.turning();
    if (wanted && !this.timer) {
      this.timer = setInterval(() => this.advance(), PAGE_SECONDS * 1000);
    } else if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  advance() {
    this.page = (this.page % this.pages) + 1;
    this.showPage(this.page);
    this.render(true);
  }

  go(page) {
    this.own = true;
    this.page = Math.min(Math.max(1, page), this.pages);
    this.showPage(this.page);
    this.render(true);
    this.schedule();
  }

  render(turned) {
    const several = this.pages > 1;
    this.el.hidden = !several;
    if (this.buttons) {
      this.buttons.previous.disabled = this.page <= 1;
      this.buttons.next.disabled = this.page >= this.pages;
      this.buttons.previous.hidden = this.buttons.next.hidden = !several;
    }
    if (!several) { replace(this.el); this.signature = null; return; }
    const signature = `${this.page}/${this.pages}/${this.turning()}`;
    if (signature === this.signature && !turned) return;
    this.signature = signature;
    this.el.dataset.turning = String(this.turning());
    replace(this.el,
      h("span", { class: "board-pages-label" }, t("page_of", { n: this.page, total: this.pages })),
      this.turning() ? h("span", { class: "board-pages-bar", style: { "--seconds": `${PAGE_SECONDS}s` }, "aria-hidden": "true" }) : null);
  }
}
