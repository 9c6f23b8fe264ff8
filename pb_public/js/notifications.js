// In-app notifications: the unread count behind the bell in the header,
// kept live through a realtime subscription for as long as someone is
// signed in.

import { pb, currentUser } from './pb.js';
import { setState } from './store.js';
import { onRecords } from './topics.js';
import { t, has } from './i18n.js';

/** The most unread notifications counted; the bell shows "99+" past it. */
export const MAX_COUNTED = 100;

/** @type {(() => Promise<void>)|null} */
let unsubscribe = null;
let generation = 0;

/**
 * Counts the signed-in user's unread notifications into the store
 * (state.unread).
 *
 * @returns {Promise<void>}
 */
export async function refreshUnread() {
  const me = currentUser();
  if (!me) {
    setState({ unread: 0 });
    return;
  }
  const list = await pb.collection('notifications').getList(1, MAX_COUNTED, {
    filter: pb.filter('user = {:me} && read = false && settled = false', { me: me.id }),
    fields: 'id',
    skipTotal: true,
  });
  if (currentUser()?.id === me.id) setState({ unread: list.items.length });
}

/**
 * Starts counting notifications live; onNew is called with every new
 * unread notification (for a toast).
 *
 * @param {(notification: any) => void} onNew
 * @returns {Promise<void>}
 */
export async function watchNotifications(onNew) {
  stopNotifications();
  const me = currentUser();
  if (!me) return;
  const mine = ++generation;
  refreshUnread().catch(() => {});
  try {
    const stop = await onRecords(['notifications'], (e) => {
      if (e.record.user !== me.id) return;
      if (e.action === 'create' && isOpen(e.record)) onNew(e.record);
      refreshUnread().catch(() => {});
    });
    if (mine === generation && currentUser()?.id === me.id) unsubscribe = stop;
    else stop().catch(() => {});
  } catch {
    // no live count; it is read again on every navigation to the list
  }
}

/** Stops the live count (on sign-out). */
export function stopNotifications() {
  generation++;
  const stop = unsubscribe;
  unsubscribe = null;
  stop?.().catch(() => {});
}

/**
 * Reports whether a notification is still open: unread, and what it asked
 * for was not done or withdrawn (settled) in the meantime.
 *
 * @param {any} n a notifications record
 * @returns {boolean}
 */
export function isOpen(n) {
  return !n.read && !n.settled;
}

/**
 * Returns the text of a notification in the reader's language: the wording
 * of its kind with the values filled in, a task's title always in quotes,
 * so what a colleague wrote reads as a quotation, never as the app's own
 * words. A kind the app does not know shows the server's title. The text
 * goes into the page as text: links in it are never clickable.
 *
 * @param {any} n a notifications record
 * @returns {string}
 */
export function notificationText(n) {
  const params = n?.params && typeof n.params === 'object' ? n.params : null;
  const many = n?.kind === 'handover_offered' && Number(params?.n) > 1;
  const key = 'notifications.kinds.' + (many ? 'handover_offered_many' : String(n?.kind || ''));
  if (!params || !has(key)) return String(n?.title || '');
  return t(key, {
    actor: String(params.actor ?? ''),
    // quoted as the server does (Go's %q): a quote inside cannot end it
    title: JSON.stringify(String(params.title ?? '')),
    n: Number(params.n) || 0,
  });
}

/**
 * Returns a notification's link when it is a route of this app
 * ("#/tasks/abc"), else "".
 *
 * @param {string} link
 * @returns {string}
 */
export function safeLink(link) {
  return /^#\/[\w\-/]*$/.test(String(link || '')) ? link : '';
}

/**
 * Marks notifications read.
 *
 * @param {string[]} ids
 * @returns {Promise<void>}
 */
export async function markRead(ids) {
  await Promise.all(ids.map((id) => pb.collection('notifications').update(id, { read: true })));
  refreshUnread().catch(() => {});
}
