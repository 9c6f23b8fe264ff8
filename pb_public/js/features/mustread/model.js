// Must-read: the posts and protocol pages the signed-in employee has yet
// to confirm ("Gelezen en begrepen"). The list lives in the store
// (state.mustread) for the banner on top of the feeds and the badge on the
// feed tab, and stays current for as long as someone is signed in: it is
// read again when a confirmation of theirs arrives (from this device or
// another), when a must-read post or page changes (a new revision asks for
// a new confirmation), and after a reconnect.

import { h, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState, setState, membershipOf } from '../../store.js';
import { Live } from '../../live.js';
import { submit as sendWrite } from '../../offline/outbox.js';
import { toast } from '../../components/ui.js';

/** @typedef {import('../../store.js').MustReadItem} MustReadItem */

/** @type {Live|null} */
let live = null;
let generation = 0;

/** the confirmations on their way to the server: a refresh keeps them out */
const sending = new Set();

/**
 * Returns the key of a must-read subject: "posts/<id>" or "wiki_pages/<id>".
 *
 * @param {string} collection
 * @param {string} id
 * @returns {string}
 */
export const itemKey = (collection, id) => collection + '/' + id;

/**
 * Reads the signed-in user's open must-reads into the store.
 *
 * @returns {Promise<void>}
 */
export async function refreshMustRead() {
  const me = currentUser();
  if (!me) {
    setState({ mustread: [] });
    return;
  }
  const mine = generation;
  const res = await pb.send('/api/buurtplein/mustread', { method: 'GET' });
  if (mine !== generation || currentUser()?.id !== me.id) return;
  const items = (Array.isArray(res?.items) ? res.items : []).filter(valid);
  setState({ mustread: items.filter((i) => !sending.has(itemKey(i.collection, i.id))), mustreadAt: Date.now() });
}

/** @param {any} item */
function valid(item) {
  return item && (item.collection === 'posts' || item.collection === 'wiki_pages') && typeof item.id === 'string' && /^\w+$/.test(item.id);
}

/**
 * Reports whether a post or page is among the signed-in user's open
 * must-reads.
 *
 * @param {string} collection
 * @param {string} id
 * @returns {boolean}
 */
export function isPending(collection, id) {
  return getState().mustread.some((i) => i.collection === collection && i.id === id);
}

/**
 * Returns when the signed-in user confirmed a post or page, as far as this
 * app has seen (a confirmation here, or reads it was given), or "".
 *
 * @param {string} collection
 * @param {string} id
 * @returns {string}
 */
export function confirmedAt(collection, id) {
  return getState().mustreadConfirmed.get(itemKey(collection, id)) || '';
}

/**
 * Remembers confirmations (reads records of the signed-in user).
 *
 * @param {any[]} reads
 */
export function noteReads(reads) {
  if (!reads.length) return;
  const next = new Map(getState().mustreadConfirmed);
  for (const r of reads) {
    if (r.post) next.set(itemKey('posts', r.post), r.created || '');
    else if (r.page) next.set(itemKey('wiki_pages', r.page), r.created || '');
  }
  setState({ mustreadConfirmed: next });
}

/** How many of one's latest confirmations are read for the must-read posts' state. */
const READS_READ = 200;

/**
 * Reads the signed-in user's confirmations of some must-read posts (for
 * their "gelezen en begrepen" state) into the store, in one request: the
 * latest ones (the reads rule shows only one's own; a filter on the post
 * is refused, as it would look into team data).
 *
 * @param {string[]} postIds
 * @returns {Promise<void>} never rejects: without them the posts still show
 */
export async function fetchConfirmations(postIds) {
  if (!postIds.length || !currentUser()) return;
  const wanted = new Set(postIds);
  try {
    const result = await pb.collection('reads').getList(1, READS_READ, { sort: '-created', fields: 'id,post,page,revision,created', skipTotal: true });
    noteReads(result.items.filter((r) => wanted.has(r.post)));
  } catch {
    // their state follows with the must-read list
  }
}

/**
 * Confirms a must-read ("Gelezen en begrepen") at once in the app: it
 * leaves the list before the server answers, and comes back when the
 * server refuses (unless the server says it was confirmed already, from
 * another device).
 *
 * @param {'posts'|'wiki_pages'} collection
 * @param {string} id
 * @returns {Promise<void>} rejects with the server's error after putting
 *   the item back
 */
export async function confirmRead(collection, id) {
  const me = currentUser();
  if (!me) return;
  const key = itemKey(collection, id);
  const item = getState().mustread.find((i) => itemKey(i.collection, i.id) === key);
  sending.add(key);
  setState({ mustread: getState().mustread.filter((i) => i !== item) });
  try {
    const outcome = await sendWrite({
      kind: 'read',
      collection: 'reads',
      data: { [collection === 'posts' ? 'post' : 'page']: id, user: me.id },
      label: item?.title || '',
      link: collection === 'posts' ? '#/post/' + id : '#/wiki/' + id,
    });
    // no connection: the confirmation waits in the outbox
    if (outcome.queued) toast(t('outbox.queued.read'));
    else noteReads([outcome.record]);
  } catch (err) {
    sending.delete(key);
    // confirmed meanwhile on another device (a second confirmation is
    // refused): the server's list says so
    let stillOpen = true;
    try {
      await refreshMustRead();
      stillOpen = isPending(collection, id);
    } catch {
      // offline: put it back as it was
    }
    if (!stillOpen && err?.status === 400) return;
    if (item && !isPending(collection, id)) setState({ mustread: putBack(getState().mustread, item) });
    throw err;
  } finally {
    sending.delete(key);
  }
}

/**
 * Puts an item back into the list, newest first.
 *
 * @param {MustReadItem[]} list
 * @param {MustReadItem} item
 * @returns {MustReadItem[]}
 */
function putBack(list, item) {
  const next = [...list];
  const at = next.findIndex((i) => String(i.updated) < String(item.updated));
  next.splice(at < 0 ? next.length : at, 0, item);
  return next;
}

/**
 * Reports whether the signed-in user may see who has confirmed a post:
 * the members of its team for a team post, BOB staff for one shared with
 * the whole organisation (the server decides; this only hides a link that
 * would lead to "no access").
 *
 * @param {any} post a posts record
 * @returns {boolean}
 */
export function maySeePostReaders(post) {
  if (post.visibility !== 'organisation' && post.team) return Boolean(membershipOf(post.team));
  return isBob();
}

/**
 * Reports whether the signed-in user may see who has confirmed a
 * must-read of the list: members of its team, BOB staff for everything.
 *
 * @param {MustReadItem} item
 * @returns {boolean}
 */
export function maySeeItemReaders(item) {
  return (item.team && Boolean(membershipOf(item.team))) || isBob();
}

/** @returns {boolean} whether the signed-in user is BOB staff */
export function isBob() {
  return getState().memberships.some((m) => m.expand?.team?.kind === 'bob');
}

/**
 * Returns the route of the readers overview of a post or page.
 *
 * @param {'posts'|'wiki_pages'} collection
 * @param {string} id
 * @returns {string}
 */
export const readersRoute = (collection, id) => `#/readers/${collection}/${encodeURIComponent(id)}`;

/**
 * Starts keeping the list current (after signing in).
 */
export function watchMustRead() {
  stopMustRead();
  const me = currentUser();
  if (!me) return;
  const mine = ++generation;
  const own = new Live();
  live = own;
  const soon = debounce(() => mine === generation && refreshMustRead().catch(() => {}), 300);
  // a change every employee sees (an organisation page) would have them
  // all ask at the same moment: spread them over a few seconds
  const spread = () => setTimeout(soon, Math.random() * 3000);

  own.on('reads', '*', (e) => {
    if (e.record.user !== me.id) return;
    if (e.action !== 'delete') noteReads([e.record]);
    soon();
  });
  own.on('posts', '*', (e) => {
    if (e.record.must_read || isPending('posts', e.record.id)) spread();
  });
  own.on('wiki_pages', '*', (e) => {
    if (e.record.must_read || isPending('wiki_pages', e.record.id)) spread();
  });
  own.onReconnect(soon);
  refreshMustRead().catch(() => {});
}

/** Stops keeping the list current and empties it (on sign-out). */
export function stopMustRead() {
  generation++;
  live?.destroy();
  live = null;
  sending.clear();
  setState({ mustread: [], mustreadConfirmed: new Map(), mustreadAt: 0 });
}

/**
 * Shows the number of open must-reads on the feed tab of the navigation:
 * a badge, and the same in words for screen readers.
 *
 * @param {HTMLElement} nav
 */
export function showMustReadBadge(nav) {
  const link = nav.querySelector('a.nav-link[href="#/feed"]');
  if (!link) return;
  let badge = /** @type {HTMLElement|null} */ (link.querySelector('.nav-badge'));
  let words = /** @type {HTMLElement|null} */ (link.querySelector('.nav-badge-words'));
  if (!badge || !words) {
    badge = h('span', { class: 'nav-badge', dataset: { test: 'mustread-count' }, 'aria-hidden': 'true' });
    words = h('span', { class: 'visually-hidden nav-badge-words' });
    link.append(badge, words);
  }
  const n = getState().mustread.length;
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.hidden = n === 0;
  words.textContent = n ? t('mustread.navCount', { n }) : '';
}
