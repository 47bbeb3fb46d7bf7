// Export links. The server makes an export in a process of its own, which takes up to a
// minute for a big workshop: a click shows "Preparing…" beside the link, asks the server
// every second how it goes (POST data-prepare: the first ask starts it), then opens or
// downloads the export once it is ready — at once when the server already has it. A
// refusal (a cap reached, the server busy) is shown in the link's place of "Preparing…".
import { t } from "./dom.js";

const POLL_MS = 1000;

class Refused extends Error {}

function csrfToken() {
  return document.querySelector('input[name="csrf_token"]')?.value || "";
}

async function ask(link) {
  let response;
  try {
    response = await fetch(link.dataset.prepare, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
  } catch {
    throw new Refused(t("export_failed"));
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Refused(body.error?.message || t("export_failed"));
  return body;
}

function show(link, text, refused = false) {
  const state = link.parentElement.querySelector(".export-state");
  if (!state) return;
  state.setAttribute("role", refused ? "alert" : "status");
  state.classList.toggle("refused", refused);
  state.textContent = text;
  state.hidden = !text;
}

function deliver(link, url) {
  if (!link.hasAttribute("download")) {
    window.location.assign(url); // the PDF and the printable page open as the link would
    return;
  }
  const save = document.createElement("a");
  save.href = url;
  save.download = "";
  document.body.append(save);
  save.click();
  save.remove();
}

async function prepare(link) {
  link.setAttribute("aria-busy", "true");
  const started = Date.now();
  try {
    for (;;) {
      const answer = await ask(link);
      if (answer.state === "ready") {
        show(link, "");
        deliver(link, answer.url);
        return;
      }
      const seconds = Math.round((Date.now() - started) / 1000);
      show(link, seconds >= 2 ? t("export_preparing_for", { n: seconds }) : t("export_preparing"));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    show(link, error instanceof Refused ? error.message : t("export_failed"), true);
  } finally {
    link.removeAttribute("aria-busy");
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-prepare]");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  if (link.getAttribute("aria-busy") !== "true") prepare(link);
});
