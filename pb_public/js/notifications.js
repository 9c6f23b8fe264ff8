// In-app notifications: the unread count behind the bell in the header,
// kept live through a realtime subscription for as long as someone is
// signed in.

import { pb, currentUser } from './pb.js';
import { setState } from './store.js';

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
    filter: pb.filter('user = {:me} && read = false', { me: me.id }),
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
    const stop = await pb.collection('notifications').subscribe(
      '*',
      (e) => {
        if (e.record.user !== me.id) return;
        if (e.action === 'create' && !e.record.read) onNew(e.record);
        refreshUnread().catch(() => {});
      },
      { filter: pb.filter('user = {:me}', { me: me.id }) }
    );
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
