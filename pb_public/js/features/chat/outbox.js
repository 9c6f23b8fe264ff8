// The chat's outbox: every message is written into the app's outbox
// (js/offline/outbox.js, IndexedDB) before it is sent, with an id the
// client picks, so nothing typed is lost when the connection or the app
// goes, and a resend after a lost answer is the same message (the server
// answers 200 with the stored one: exactly once).
//
// A message stays until the server has it. A failure of the network keeps
// it for the next try (on "online", at start, after a realtime reconnect,
// and on a timer that waits longer after each failure); a refusal (4xx)
// keeps it with the reason, for its writer to change, send again or
// discard. The composer's unsent text waits in a draft per channel
// (localStorage, as the feed's drafts).

import { currentUser } from '../../pb.js';
import * as outbox from '../../offline/outbox.js';

export { flush, startOutbox } from '../../offline/outbox.js';

/**
 * @typedef {Object} OutboxFile
 * @property {string} name
 * @property {string} type
 * @property {Blob} blob
 */

/**
 * OutboxItem is a message on its way to the server, as the chat's screens
 * show it.
 *
 * @typedef {Object} OutboxItem
 * @property {string} id the record id the server will keep (15 chars [a-z0-9])
 * @property {string} user the writer's id (a device may be shared)
 * @property {string} channel
 * @property {string} body
 * @property {string} reply_to "" when none
 * @property {OutboxFile[]} files
 * @property {string} created when it was written (ISO), for the order
 * @property {'pending'|'failed'} state failed: the server refused it
 * @property {{message: string, status: number, code: string, err?: any}|null} error
 */

/**
 * @typedef {Object} OutboxEvent
 * @property {'queued'|'sent'|'failed'|'removed'} type
 * @property {OutboxItem} item
 * @property {any} [record] the message the server stored (sent)
 */

/**
 * Returns a new record id: 15 characters of [a-z0-9].
 *
 * @returns {string}
 */
export function newMessageId() {
  return outbox.newRecordId();
}

/**
 * Returns the chat message an outbox write is.
 *
 * @param {import('../../offline/outbox.js').OutboxItem} w
 * @returns {OutboxItem}
 */
function asMessage(w) {
  return {
    id: w.id,
    user: w.user,
    channel: w.data.channel,
    body: w.data.body || '',
    reply_to: w.data.reply_to || '',
    files: w.files.map(({ name, type, blob }) => ({ name, type, blob })),
    created: w.created,
    state: w.state,
    error: w.error ? { message: '', ...w.error } : null,
  };
}

/**
 * Returns the signed-in employee's messages in the outbox, oldest first;
 * of one channel when given.
 *
 * @param {string} [channel]
 * @returns {Promise<OutboxItem[]>}
 */
export async function outboxItems(channel) {
  const all = (await outbox.outboxItems('message')).map(asMessage);
  return all.filter((m) => !channel || m.channel === channel);
}

/**
 * Writes a message to the outbox and starts sending it. It shows at once
 * (a "queued" event) and stays until the server has it; a refusal stays
 * too, with the reason.
 *
 * @param {{channel: string, body: string, reply_to?: string, files?: File[]}} message
 * @returns {Promise<OutboxItem>}
 */
export async function enqueue({ channel, body, reply_to = '', files = [] }) {
  const me = currentUser();
  if (!me) throw new Error('signed out');
  const item = await outbox.queue({
    ...outbox.chatWrite({ channel, user: me.id, body, reply_to }),
    collection: 'messages',
    // a File is a Blob: IndexedDB keeps its bytes
    files: files.map((f) => ({ field: 'attachments', name: f.name, type: f.type, blob: f })),
    expand: outbox.CHAT_EXPAND,
    link: '#/chat/' + channel,
  });
  return asMessage(item);
}

/**
 * Sends a refused message again, with its text changed when given.
 *
 * @param {string} id
 * @param {string} [body]
 */
export function retry(id, body) {
  return outbox.retry(id, body);
}

/**
 * Takes a message out of the outbox unsent.
 *
 * @param {string} id
 */
export function discard(id) {
  return outbox.discard(id);
}

/**
 * Calls fn with every change of the chat's messages in the outbox.
 *
 * @param {(e: OutboxEvent) => void} fn
 * @returns {() => void} stops the calls
 */
export function onOutbox(fn) {
  return outbox.onOutbox((e) => {
    if (e.item.kind === 'message') fn({ ...e, item: asMessage(e.item) });
  });
}

/**
 * Returns the key of the composer's draft of a channel in localStorage
 * (signing out removes every "buurtplein.draft." key).
 *
 * @param {string} channel
 * @returns {string}
 */
export function draftKey(channel) {
  return `buurtplein.draft.${currentUser()?.id || 'anon'}.chat.${channel}`;
}

/**
 * @typedef {Object} Draft
 * @property {string} body
 * @property {string} reply_to
 */

/**
 * Returns the composer's unsent text of a channel.
 *
 * @param {string} channel
 * @returns {Draft}
 */
export function loadDraft(channel) {
  try {
    const d = JSON.parse(localStorage.getItem(draftKey(channel)) || 'null');
    if (d && typeof d.body === 'string') return { body: d.body, reply_to: typeof d.reply_to === 'string' ? d.reply_to : '' };
  } catch {
    // a broken draft is no draft
  }
  return { body: '', reply_to: '' };
}

/**
 * Keeps (or, when empty, forgets) the composer's unsent text of a channel.
 *
 * @param {string} channel
 * @param {Draft} draft
 */
export function saveDraft(channel, draft) {
  try {
    if (draft.body.trim() || draft.reply_to) localStorage.setItem(draftKey(channel), JSON.stringify(draft));
    else localStorage.removeItem(draftKey(channel));
  } catch {
    // storage full or disabled: the text is still in the composer
  }
}
