// Buurtplein's service worker: keeps the app shell (HTML, CSS, JS, language
// files, icons: every file the server serves from pb_public) in a cache so
// the PWA opens without a connection.
//
// - Shell files: cache first, network as fallback.
// - /api/ (records, files, realtime stream) and the admin dashboard (/_/):
//   never touched. They go straight to the network and are never cached:
//   care-team data does not belong in a cache a next user of the device
//   could read, and the realtime stream must not be intercepted.
//
// VERSION and SHELL are not written here: the server puts them above this
// file when it serves /sw.js, generated from the files it serves
// (plugins/pwa). VERSION is a hash of every file, so any change to the
// shell is a new worker, which fills a fresh cache and deletes the old one.
// SHELL lists every file as [url, hash]; the worker fetches url?v=hash,
// which the server answers with immutable caching, so a new version
// downloads only the files that changed.

/* global VERSION, SHELL */
const CACHE = `buurtplein-shell-${VERSION}`;

// How the shell is looked up in the cache:
// - ignoreSearch: entries are stored as url?v=hash, the page asks for url.
// - ignoreVary: the cache holds one response per file, the same for every
//   request. The Cache API honours Vary, and the page sends its module
//   scripts with an Origin header that the install requests lack: with a
//   "Vary: Origin" on the response (PocketBase's CORS middleware adds it;
//   the server now leaves it off the shell) every module script missed the
//   cache and an offline reload hung on "Buurtplein laden…".
const MATCH = { ignoreSearch: true, ignoreVary: true };

// A new version installs (fills its cache) and then waits: the open app
// offers "Nieuwe versie — Vernieuwen" (js/install.js), which tells it to
// take over and reloads. The first install has nothing to wait for.
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map(([url, hash]) => `${url}?v=${hash}`))));
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'take-over') self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('buurtplein-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;

  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // network only, never cached: the API, files, the realtime stream, the dashboard
  if (url.pathname.startsWith('/api/') || url.pathname === '/api' || url.pathname.startsWith('/_/')) return;
  if (request.headers.get('accept')?.includes('text/event-stream')) return;

  // every page of the PWA is index.html with a hash route
  const key = request.mode === 'navigate' ? './' : request;
  event.respondWith(caches.match(key, MATCH).then((cached) => cached || fetch(request)));
});
