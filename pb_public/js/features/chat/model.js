// The chat's shared model: the signed-in employee's channels as the server
// lists them (GET /api/buurtplein/chat/channels), kept live on the scoped
// topics, with the total of unread messages for the Chat tab's badge; and
// the small helpers every chat screen uses (a channel's name, times, the
// read route).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState, setState } from '../../store.js';
import { onRecords } from '../../topics.js';
import { onReconnected } from '../../live.js';
import { parseDate, fullDate, dateFormat } from '../../format.js';
import { markdownToText } from '../../markdown.js';

/** The server's cap of a channel's unread count. */
export const UNREAD_CAP = 100;

/** "gelezen door" shows in direct and group chats of at most this many people. */
export const READ_BY_MAX = 20;

/**
 * @typedef {Object} ChannelMember
 * @property {string} id
 * @property {string} name
 * @property {string} [avatar]
 * @property {string} [discipline]
 */

/**
 * @typedef {Object} LastMessage
 * @property {string} id
 * @property {string} created
 * @property {string} author
 * @property {string} authorName
 * @property {string} excerpt plain text, "" when deleted
 * @property {number} attachments
 */

/**
 * ChannelItem is one of the channel list's items.
 *
 * @typedef {Object} ChannelItem
 * @property {string} id
 * @property {'team'|'organisation'|'direct'|'group'} kind
 * @property {string} name
 * @property {string} team
 * @property {string} teamName
 * @property {string} description
 * @property {ChannelMember[]} members direct and group only
 * @property {number} memberCount
 * @property {number} unread capped at 100
 * @property {boolean} mentioned
 * @property {string} lastRead
 * @property {LastMessage|null} lastMessage
 */

/** @type {(() => Promise<void>)|null} */
let stopWatching = null;
/** @type {(() => void)|null} */
let stopConnect = null;
let loading = 0;
/** @type {Promise<boolean>} whether the channels' events are followed */
let following = Promise.resolve(false);

/**
 * Returns the name to show for a channel: the team's name for a team
 * channel, the other person for a direct chat, the name (or the members'
 * names) for a group.
 *
 * @param {Partial<ChannelItem>} ch
 * @returns {string}
 */
export function channelName(ch) {
  const me = currentUser()?.id;
  if (ch.kind === 'team') return ch.teamName || ch.name || t('chat.teamChannel');
  if (ch.kind === 'direct') {
    const other = (ch.members || []).find((m) => m.id !== me);
    return other?.name || t('chat.direct');
  }
  if (ch.name) return ch.name;
  const names = (ch.members || []).filter((m) => m.id !== me).map((m) => firstName(m.name));
  return names.join(', ') || t('chat.group');
}

/**
 * Returns the first word of a name ("Carla Bakker" gives "Carla").
 *
 * @param {string} name
 * @returns {string}
 */
export function firstName(name) {
  return String(name || '').trim().split(/\s+/)[0] || '';
}

/**
 * Formats a message's time for lists: the time today, else a short date.
 *
 * @param {string} value a PocketBase datetime
 * @returns {HTMLElement|null} a time element, with the full date as title
 */
export function timeEl(value) {
  const date = parseDate(value);
  if (!date) return null;
  const today = new Date().toDateString() === date.toDateString();
  const text = dateFormat(today ? { timeStyle: 'short' } : { day: 'numeric', month: 'short' }).format(date);
  return h('time', { datetime: date.toISOString(), title: fullDate(date) }, text);
}

/**
 * Returns plain text of at most 80 characters of a message's body.
 *
 * @param {string} body Markdown
 * @returns {string}
 */
export function excerpt(body) {
  const text = markdownToText(body || '');
  return text.length > 80 ? text.slice(0, 79) + '…' : text;
}

/**
 * Reads the signed-in employee's channels from the server into the store
 * (chatChannels, chatUnread).
 *
 * @returns {Promise<ChannelItem[]>}
 */
export async function loadChannels() {
  const mine = ++loading;
  const res = await pb.send('/api/buurtplein/chat/channels', { method: 'GET' });
  const items = /** @type {ChannelItem[]} */ (Array.isArray(res?.items) ? res.items : []);
  if (mine === loading && currentUser()) setChannels(items);
  return items;
}

/**
 * Puts a new channel list in the store, newest activity first, with the
 * total of unread messages.
 *
 * @param {ChannelItem[]} items
 */
export function setChannels(items) {
  const sorted = [...items].sort((a, b) => activity(b).localeCompare(activity(a)));
  const total = sorted.reduce((n, ch) => n + (ch.unread || 0), 0);
  setState({ chatChannels: sorted, chatUnread: total });
}

/** @param {ChannelItem} ch */
function activity(ch) {
  return ch.lastMessage?.created || '';
}

/**
 * Changes one channel of the list in the store.
 *
 * @param {string} id
 * @param {(ch: ChannelItem) => ChannelItem} fn
 * @returns {boolean} whether the channel was in the list
 */
export function patchChannel(id, fn) {
  const list = getState().chatChannels || [];
  const at = list.findIndex((ch) => ch.id === id);
  if (at < 0) return false;
  const next = [...list];
  next[at] = fn({ ...list[at] });
  setChannels(next);
  return true;
}

/**
 * Marks a channel read up to a message (POST .../read); the list shows it
 * read at once.
 *
 * @param {string} channel
 * @param {string} message the newest message seen
 * @returns {Promise<any>} the channel_reads record
 */
export async function markChannelRead(channel, message) {
  patchChannel(channel, (ch) => ({ ...ch, unread: 0, mentioned: false }));
  return pb.send('/api/buurtplein/chat/channels/' + encodeURIComponent(channel) + '/read', { method: 'POST', body: { message } });
}

/**
 * Reports whether a message mentions the signed-in employee.
 *
 * @param {any} message
 * @returns {boolean}
 */
export function mentionsMe(message) {
  const me = currentUser()?.id;
  return Boolean(message?.mention_all) || (Array.isArray(message?.mentions) && message.mentions.includes(me));
}

/** the channel the conversation screen shows, whose messages count as read */
let openChannel = '';

/**
 * Tells the model which conversation is open: its new messages are not
 * counted as unread.
 *
 * @param {string} id "" when none
 */
export function setOpenChannel(id) {
  openChannel = id;
}

let reloadTimer = 0;

/** Reads the list again shortly: for changes the events do not describe. */
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => currentUser() && loadChannels().catch(() => {}), 400);
}

/**
 * Applies a realtime event to the channel list.
 *
 * @param {{action: string, record: any}} e
 */
function onEvent(e) {
  const me = currentUser()?.id;
  const r = e.record;
  if (r.collectionName === 'messages') {
    if (e.action !== 'create') {
      // an edit or delete of the newest message changes its excerpt
      patchChannel(r.channel, (ch) => (ch.lastMessage?.id === r.id ? { ...ch, lastMessage: { ...ch.lastMessage, excerpt: r.deleted ? '' : excerpt(r.body) } } : ch));
      return;
    }
    const known = patchChannel(r.channel, (ch) => {
      const mineOrOpen = r.author === me || openChannel === ch.id;
      return {
        ...ch,
        unread: mineOrOpen ? ch.unread : Math.min(UNREAD_CAP, (ch.unread || 0) + 1),
        mentioned: ch.mentioned || (!mineOrOpen && mentionsMe(r)),
        lastMessage: {
          id: r.id,
          created: r.created,
          author: r.author,
          authorName: r.expand?.author?.name || '',
          excerpt: excerpt(r.body),
          attachments: Array.isArray(r.attachments) ? r.attachments.length : 0,
        },
      };
    });
    // a new chat someone started with me
    if (!known) reloadSoon();
    return;
  }
  if (r.collectionName === 'channel_reads') {
    // my own read state from another device (or this one)
    if (r.user !== me) return;
    if (e.action === 'create' || e.action === 'delete') {
      reloadSoon();
      return;
    }
    patchChannel(r.channel, (ch) => (ch.lastMessage && r.last_read >= ch.lastMessage.created ? { ...ch, unread: 0, mentioned: false, lastRead: r.last_read } : ch));
    return;
  }
  // a channel made, renamed, or its people changed
  reloadSoon();
}

/**
 * Starts following the signed-in employee's channels (the Chat tab's
 * badge and the channel list). Call after signing in and at start.
 */
export function watchChat() {
  stopChat();
  if (!currentUser()) return;
  loadChannels().catch(() => {});
  following = onRecords(['messages', 'channel_reads', 'channels'], onEvent).then(
    (stop) => {
      if (stopWatching === null && currentUser()) stopWatching = stop;
      else stop();
      return true;
    },
    // no live counts; the list is read again when a screen opens
    () => false
  );
  // events may have been missed while the stream was down
  onReconnected(() => currentUser() && loadChannels().catch(() => {}))
    .then((unsubscribe) => {
      stopConnect = () => unsubscribe().catch(() => {});
    })
    .catch(() => {});
}

/**
 * Resolves once the channels' events are followed (true), or with false
 * when realtime is not available.
 *
 * @returns {Promise<boolean>}
 */
export function chatLive() {
  return following;
}

/** Stops following the channels and forgets them (on signing out). */
export function stopChat() {
  stopWatching?.().catch(() => {});
  stopWatching = null;
  stopConnect?.();
  stopConnect = null;
  clearTimeout(reloadTimer);
  setState({ chatChannels: [], chatUnread: 0 });
}

/**
 * Shows the total of unread messages on the navigation's Chat tab
 * ([data-test=chat-unread], hidden at 0).
 *
 * @param {HTMLElement} nav
 */
export function showChatBadge(nav) {
  const link = nav.querySelector('a.nav-link[href="#/chat"]');
  if (!link) return;
  let badge = /** @type {HTMLElement|null} */ (link.querySelector('.nav-badge'));
  let words = /** @type {HTMLElement|null} */ (link.querySelector('.nav-badge-words'));
  if (!badge || !words) {
    badge = h('span', { class: 'nav-badge chat-nav-badge', dataset: { test: 'chat-unread' }, 'aria-hidden': 'true' });
    words = h('span', { class: 'visually-hidden nav-badge-words' });
    link.append(badge, words);
  }
  const n = getState().chatUnread || 0;
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.hidden = n === 0;
  words.textContent = n ? t('chat.unreadTotal', { n }) : '';
}
