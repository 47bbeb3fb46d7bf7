// The phone's service worker: the phone page and what it loads, kept for when the network
// is gone, so that a phone reloading offline still shows its page and its outbox.
// Network first: online, nothing is ever served stale (a new phase, a new release); the
// cache answers only when the network fails. The live channel is never touched.
const CACHE = "fabrique-phone-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

const kept = (url) => url.origin === self.location.origin
  && (url.pathname.startsWith("/static/") || url.pathname.startsWith("/p/"));

// The page lists what it loaded before this worker controlled it (its first visit).
self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep" || !Array.isArray(event.data.urls)) return;
  const urls = event.data.urls.slice(0, 200).filter((url) => {
    try { return kept(new URL(url)); } catch { return false; }
  });
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(
    urls.map((url) => cache.add(new Request(url, { credentials: "same-origin" })).catch(() => null)),
  )));
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || !kept(url) || url.pathname.startsWith("/p/sw.js")) return;
  const page = request.mode === "navigate";
  event.respondWith(fetch(request).then((response) => {
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() => caches.match(request, { ignoreSearch: page })
    .then((hit) => hit || Response.error())));
});
