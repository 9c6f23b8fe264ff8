// In-app notifications: the unread count behind the bell in the header,
// kept live through a realtime subscription for as long as someone is
// signed in.

import { pb, currentUser } from '../../pb.js';
import { setState, membershipOf } from '../../store.js';
import { onRecords } from '../../topics.js';
import { t, has } from '../../i18n.js';

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
 * of its kind (notify.kind.<kind>) with its parameters filled in, a task's
 * title always in quotes, so what a colleague wrote reads as a quotation,
 * never as the app's own words; a name the server did not know reads as
 * "a colleague"; a chat's name is quoted too. A notification from before the kinds had parameters shows
 * the text it was written with. The text goes into the page as text: links
 * in it are never clickable.
 *
 * @param {any} n a notifications record
 * @returns {string}
 */
export function notificationText(n) {
  const params = n?.params && typeof n.params === 'object' ? n.params : {};
  if (typeof params.text === 'string') return params.text;
  const kind = String(n?.kind || '');
  let key = 'notify.kind.' + kind;
  if (params.role && has(key + '_' + params.role)) key += '_' + params.role;
  // a mention in a direct chat names no chat: the actor is the chat
  if ('channel' in params && !params.channel && has(key + '_direct')) key += '_direct';
  if (!has(key)) return t('notify.unknown');
  const name = (v) => (v ? String(v) : t('notify.someone'));
  return t(key, {
    actor: name(params.actor),
    assignee: name(params.assignee),
    // quoted as the server's Go %q would: a quote inside cannot end it
    title: JSON.stringify(String(params.title ?? '')),
    // a chat's name a colleague chose, quoted as a title is
    channel: JSON.stringify(String(params.channel ?? '')),
    team: String(params.team ?? ''),
    n: Number(params.n) || 0,
  });
}

/**
 * Returns the route of this app a notification points to, from what it is
 * about: a task ("#/tasks/<id>"), the offers waiting for the reader
 * ("#/tasks"), a post ("#/post/<id>"), a wiki page ("#/wiki/<id>"), a
 * team the reader is in ("#/team/<slug>"), a question to BOB
 * ("#/bob/questions/<id>"), an order ("#/bob/orders/<id>"), a client's case
 * ("#/regie/case/<id>"); "" for nothing.
 *
 * @param {any} n a notifications record
 * @returns {string}
 */
export function notificationLink(n) {
  const id = String(n?.subject || '');
  if (!/^\w+$/.test(id)) return '';
  const kind = String(n?.kind || '');
  switch (n.subject_collection) {
    case 'tasks':
      // an open offer is answered in the list of offers
      return kind === 'handover_offered' && isOpen(n) ? '#/tasks' : '#/tasks/' + id;
    case 'users':
      return '#/tasks';
    // a comment on it, a mention in it, a must-read reminder
    case 'posts':
      return '#/post/' + id;
    // a protocol to read and confirm, a reminder of it
    case 'wiki_pages':
      return '#/wiki/' + id;
    // BOB: a question (answered, assigned, replied to, waiting too long), an order's new status
    case 'questions':
      return '#/bob/questions/' + id;
    case 'orders':
      return '#/bob/orders/' + id;
    // a mention in a chat
    case 'channels':
      return '#/chat/' + id;
    // a case past its step's deadline
    case 'clients':
      return '#/regie/case/' + id;
    case 'teams': {
      const slug = membershipOf(id)?.expand?.team?.slug;
      return slug ? '#/team/' + encodeURIComponent(slug) : '#/teams';
    }
  }
  return '';
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
