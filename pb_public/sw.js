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

// ---------- push: notifications on the lock screen ----------
//
// A push carries {id, kind, params, subject_collection, subject}: ids, the
// kind and its parameters, never a sentence (plugins/push). The worker
// words it with the texts the page left in the Cache API in the reader's
// language (js/features/push/push.js: notify.kind.<kind>, push.app,
// push.generic, notify.someone), as the notification list words it.
// Tapping opens #/notifications/<id>, which marks it read and shows what
// it is about.

const PUSH_TEXTS = ['push-texts', './push-texts.json'];

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(event.data));
});

async function showPush(data) {
  let push = {};
  try {
    push = data ? data.json() : {};
  } catch {
    // not ours to read: still say that there is something
  }
  const texts = await pushTexts();
  const id = /^\w{1,30}$/.test(String(push.id || '')) ? push.id : '';
  return self.registration.showNotification(texts.app || 'Buurtplein', {
    body: pushBody(push, texts),
    tag: id || undefined,
    lang: texts.locale,
    icon: './icons/icon-192.png',
    badge: './icons/icon-192.png',
    data: { id },
  });
}

async function pushTexts() {
  try {
    const cache = await caches.open(PUSH_TEXTS[0]);
    const res = await cache.match(PUSH_TEXTS[1]);
    if (res) return await res.json();
  } catch {
    // no words kept (storage cleared): the name of the app alone
  }
  return { kinds: {} };
}

// pushBody words a push as notificationText (features/notifications/
// unread.js) words a notification: the kind's text, its parameters filled
// in, a title and a chat's name quoted, an unknown name "a colleague"
function pushBody(push, texts) {
  const params = push.params && typeof push.params === 'object' ? push.params : {};
  const kinds = texts.kinds || {};
  let key = String(push.kind || '');
  if ('channel' in params && !params.channel && kinds[key + '_direct']) key += '_direct';
  const text = kinds[key];
  if (typeof text !== 'string') return texts.generic || '';
  const name = (v) => (v ? String(v) : texts.someone || '');
  const values = {
    actor: name(params.actor),
    assignee: name(params.assignee),
    title: JSON.stringify(String(params.title ?? '')),
    channel: JSON.stringify(String(params.channel ?? '')),
    team: String(params.team ?? ''),
    step: String(params.step ?? ''),
    n: Number(params.n) || 0,
  };
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const id = event.notification.data?.id;
  const url = new URL(id ? `./#/notifications/${id}` : './#/notifications', self.registration.scope).href;
  event.waitUntil(openApp(url));
});

// openApp shows url in a window of the app that is open already, else in
// a new one
async function openApp(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (open) {
    await open.focus();
    return open.navigate(url).catch(() => self.clients.openWindow(url));
  }
  return self.clients.openWindow(url);
}
