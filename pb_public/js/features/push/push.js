// Notifications on the lock screen (Web Push): this browser's push
// subscription, kept on the server (push_subscriptions) for the person
// signed in, and the words the service worker shows a push with.
//
// The server sends a push with the notification's kind and parameters
// only; the worker words it in the reader's language with the texts the
// page leaves for it in the Cache API (the worker cannot load the
// language files, which are modules). A session that ends here takes the
// subscription along: the browser forgets it, and the server row goes
// (the server also deletes every subscription of a person whose sessions
// end: signing out ends them everywhere).

import { pb, currentUser } from '../../pb.js';
import { t, has, getLocale } from '../../i18n.js';

/** The Cache API cache the worker reads the words from (sw.js). */
export const TEXTS_CACHE = 'push-texts';
/** The key of the words in {@link TEXTS_CACHE}. */
export const TEXTS_URL = './push-texts.json';

/** How long a browser may take to register at its push service. */
const SUBSCRIBE_TIMEOUT_MS = 15000;

// the kinds the server pushes (plugins/push DefaultKinds) and their
// variants (unread.js's notificationText picks them the same way)
const KINDS = ['task_assigned', 'task_overdue', 'handover_offered', 'handover_shift', 'mention', 'chat_mention', 'chat_mention_direct', 'question_answered', 'mustread_new', 'mustread_reminder'];

/**
 * Reports whether this browser can receive pushes (an iPhone only once
 * the app is on the home screen).
 *
 * @returns {boolean}
 */
export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/**
 * Returns this browser's push subscription, or null.
 *
 * @returns {Promise<PushSubscription|null>}
 */
export async function currentSubscription() {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

/**
 * Reports whether this browser's subscription is on the server for the
 * person signed in (a list of their own rows: the rules show no other).
 *
 * @param {PushSubscription|null} subscription
 * @returns {Promise<boolean>}
 */
export async function subscribedHere(subscription) {
  if (!subscription || !currentUser()) return false;
  const list = await pb.collection('push_subscriptions').getList(1, 1, {
    filter: pb.filter('endpoint = {:endpoint}', { endpoint: subscription.endpoint }),
    fields: 'id',
    skipTotal: true,
  });
  return list.items.length > 0;
}

/**
 * Switches pushes on for this browser and the person signed in: asks the
 * browser's permission, subscribes with the server's VAPID key and stores
 * the subscription on the server (which takes it over from whoever had it
 * before on this device).
 *
 * @returns {Promise<'on'|'denied'>}
 */
export async function enablePush() {
  const me = currentUser();
  if (!me) throw new Error('not signed in');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  await rememberTexts();

  const { publicKey } = await pb.send('/api/buurtplein/push/key', { method: 'GET' });
  const registration = await navigator.serviceWorker.ready;
  const key = base64urlBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    // made with another server key (a new data dir): useless now
    await subscription.unsubscribe();
    subscription = null;
  }
  // a browser that cannot reach its push service may never answer
  subscription ||= await Promise.race([
    registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
    new Promise((_, reject) => setTimeout(() => reject(new DOMException('no answer from the push service', 'TimeoutError')), SUBSCRIBE_TIMEOUT_MS)),
  ]);

  await pb.collection('push_subscriptions').create({
    user: me.id,
    endpoint: subscription.endpoint,
    p256dh: bytesBase64url(subscription.getKey('p256dh')),
    auth: bytesBase64url(subscription.getKey('auth')),
    device: deviceName(),
  });
  return 'on';
}

/**
 * Switches pushes off for this browser: the server row goes, then the
 * browser's subscription.
 *
 * @returns {Promise<void>}
 */
export async function disablePush() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await deleteRows(subscription.endpoint, pb.authStore.token);
  await subscription.unsubscribe();
}

/**
 * Leaves the words for the worker in the active language (again after a
 * change of language).
 *
 * @returns {Promise<void>}
 */
export async function rememberTexts() {
  if (!('caches' in window)) return;
  const kinds = {};
  for (const kind of KINDS) {
    if (has('notify.kind.' + kind)) kinds[kind] = t('notify.kind.' + kind);
  }
  const texts = { locale: getLocale(), app: t('push.app'), generic: t('push.generic'), someone: t('notify.someone'), kinds };
  const cache = await caches.open(TEXTS_CACHE);
  await cache.put(TEXTS_URL, new Response(JSON.stringify(texts), { headers: { 'Content-Type': 'application/json' } }));
}

// deleteRows deletes the person's server rows of endpoint with token:
// the auth store may be cleared meanwhile (sign-out)
async function deleteRows(endpoint, token) {
  if (!token) return;
  const headers = { Authorization: token };
  const filter = encodeURIComponent(pb.filter('endpoint = {:endpoint}', { endpoint }));
  const res = await fetch(pb.buildURL(`/api/collections/push_subscriptions/records?fields=id&filter=${filter}`), { headers });
  if (!res.ok) throw new Error(`listing the push subscriptions: ${res.status}`);
  const { items } = await res.json();
  for (const { id } of items) {
    const del = await fetch(pb.buildURL(`/api/collections/push_subscriptions/records/${encodeURIComponent(id)}`), { method: 'DELETE', headers });
    if (!del.ok && del.status !== 404) throw new Error(`deleting a push subscription: ${del.status}`);
  }
}

/**
 * Takes this browser's subscription and the worker's words off the device
 * when a session ends here (a device may be shared). The shell calls it
 * from its session cleanup, with the token read before the auth store was
 * cleared.
 *
 * @param {string} token the ended session's token
 * @returns {Promise<void>}
 */
export async function endPush(token) {
  if (!pushSupported()) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (subscription) {
    await deleteRows(subscription.endpoint, token).catch(() => {
      // the server ended the session (and deleted the rows) already
    });
    await subscription.unsubscribe();
  }
  if ('caches' in window) await caches.delete(TEXTS_CACHE);
}

function sameKey(subscription, key) {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

function base64urlBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function bytesBase64url(buffer) {
  const bytes = new Uint8Array(buffer || new ArrayBuffer(0));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// deviceName is how the person recognises this device: its system and
// browser ("Android · Chrome")
function deviceName() {
  const ua = navigator.userAgent;
  const system = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : '';
  return [system, browser].filter(Boolean).join(' · ').slice(0, 120);
}
