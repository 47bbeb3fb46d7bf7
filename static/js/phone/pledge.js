// "I would join": the name and organisation that go with a pledge are asked once, the
// first time, and remembered on this phone for the next pledges (and next workshops).
import { t } from "../dom.js";

const KEY = "fabrique.pledge-identity";
const $ = (id) => document.getElementById(id);

export function storedIdentity() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) || "null");
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

export function pledgeDialog(nickname) {
  const dialog = $("pledge-dialog");
  const name = $("pledge-name");
  const organisation = $("pledge-org");
  let done = null;

  dialog.addEventListener("close", () => {
    const callback = done;
    done = null;
    if (dialog.returnValue !== "ok" || !callback) return;
    const identity = { name: name.value.trim(), organisation: organisation.value.trim() };
    localStorage.setItem(KEY, JSON.stringify(identity));
    callback(identity);
  });

  // Ask (or change) the name and organisation; `then` runs once they are confirmed.
  function ask(then, { joining, requireName = false }) {
    const known = storedIdentity();
    name.value = known?.name || nickname || "";
    name.required = requireName;
    organisation.value = known?.organisation || "";
    $("pledge-dialog-title").textContent = joining ? t("phone.pledge_title") : t("phone.pledge_identity");
    $("pledge-dialog-text").textContent = t("phone.pledge_explain");
    $("pledge-name-label").textContent = t("phone.pledge_name");
    $("pledge-org-label").textContent = t("phone.pledge_org");
    $("pledge-cancel").textContent = t("phone.cancel");
    $("pledge-ok").textContent = joining ? t("phone.would_join") : t("phone.save");
    done = then;
    dialog.returnValue = "";
    dialog.showModal();
  }

  return { ask };
}
