// Buurtplein's service worker: keeps the app shell (HTML, CSS, JS, language
// files, icons) in a cache so the PWA opens without a connection.
//
// - Shell files: cache first, network as fallback.
// - /api/ (records, files, realtime stream) and the admin dashboard (/_/):
//   never touched. They go straight to the network and are never cached:
//   care-team data does not belong in a cache a next user of the device
//   could read, and the realtime stream must not be intercepted.
//
// NB! Bump VERSION with every change to a shell file: the new worker then
// fills a fresh cache and deletes the old one. Without a bump, browsers
// keep serving the old files from the cache.

const VERSION = 'v24';
const CACHE = `buurtplein-shell-${VERSION}`;

// NB! index.html is cached as "./": the server answers /index.html with a
// redirect to /, and a redirected response cannot answer a navigation.
const SHELL = [
  './',
  'manifest.webmanifest',
  'css/app.css',
  'js/app.js',
  'js/dom.js',
  'js/errors.js',
  'js/format.js',
  'js/i18n.js',
  'js/markdown.js',
  'js/pb.js',
  'js/store.js',
  'js/tasks.js',
  'js/topics.js',
  'js/notifications.js',
  'js/components/compose.js',
  'js/components/feed.js',
  'js/components/members.js',
  'js/components/offers.js',
  'js/components/post.js',
  'js/components/task.js',
  'js/components/task-form.js',
  'js/components/ui.js',
  'js/screens/board.js',
  'js/screens/directory.js',
  'js/screens/feed.js',
  'js/screens/handover.js',
  'js/screens/login.js',
  'js/screens/notifications.js',
  'js/screens/profile.js',
  'js/screens/reset.js',
  'js/screens/task.js',
  'js/screens/tasks.js',
  'js/screens/team.js',
  'js/screens/teams.js',
  'i18n/nl.js',
  'i18n/en.js',
  'vendor/pocketbase-0.28.1.es.mjs',
  'icons/icon.svg',
  'icons/icon-192.png',
  'icons/icon-512.png',
  'icons/icon-maskable-512.png',
  'icons/nav-feed.svg',
  'icons/nav-teams.svg',
  'icons/nav-directory.svg',
  'icons/nav-profile.svg',
  'icons/nav-tasks.svg',
  'icons/alert.svg',
  'icons/bell.svg',
  'icons/check.svg',
  'icons/clock.svg',
  'icons/flag.svg',
  'icons/handover.svg',
  'icons/repeat.svg',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // "reload" skips the HTTP cache, so a new VERSION gets new files
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting())
  );
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

  if (request.mode === 'navigate') {
    // every page of the PWA is index.html with a hash route
    event.respondWith(caches.match('./', { ignoreSearch: true }).then((cached) => (cached ? clean(cached) : fetch(request))));
    return;
  }

  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => cached || fetch(request))
  );
});

/**
 * Returns a copy of a cached response that is not marked as redirected, so
 * it may answer a navigation.
 *
 * @param {Response} response
 * @returns {Promise<Response>|Response}
 */
function clean(response) {
  if (!response.redirected) return response;
  return response.blob().then((body) => new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }));
}
