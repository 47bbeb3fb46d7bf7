// The HTTP steps before the websocket: a phone's join after the QR code, a facilitator's
// sign-in. Each returns the Cookie header the socket handshake then sends.

const CSRF = /name="csrf_token" value="([^"]+)"/;

class Jar {
  constructor() { this.cookies = new Map(); }
  take(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
  header() { return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "); }
}

// GET the form (for its CSRF token and session cookie), then POST it; a redirect means yes.
async function submit(url, fields) {
  const jar = new Jar();
  const page = await fetch(url, { redirect: "manual" });
  if (!page.ok) throw new Error(`GET ${url} answered ${page.status}`);
  jar.take(page);
  const match = CSRF.exec(await page.text());
  if (!match) throw new Error(`no CSRF token on ${url}`);
  const answer = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header() },
    body: new URLSearchParams({ csrf_token: match[1], ...fields }),
  });
  await answer.arrayBuffer();
  if (answer.status !== 302 && answer.status !== 303) {
    throw new Error(`POST ${url} answered ${answer.status}`);
  }
  jar.take(answer);
  return jar.header();
}

export function joinAsParticipant(base, code) {
  return submit(`${base}/j/${code}`, { nickname: "" });
}

export function signIn(base, email, password) {
  return submit(`${base}/login`, { email, password });
}

// Run async jobs, at most `limit` at a time; the first failure is thrown.
export async function bounded(jobs, limit = 50) {
  const results = new Array(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
