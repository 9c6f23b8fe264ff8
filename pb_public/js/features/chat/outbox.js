// The chat's outbox: every message is written here (IndexedDB) before it
// is sent, with an id the client picks, so nothing typed is lost when the
// connection or the app goes, and a resend after a lost answer is the same
// message (the server answers 200 with the stored one: exactly once).
//
// A message stays until the server has it. A failure of the network keeps
// it for the next try (on "online", at start, after a realtime reconnect,
// and on a timer that waits longer after each failure); a refusal (4xx)
// keeps it with the reason, for its writer to change, send again or
// discard. The composer's unsent text waits in a draft per channel
// (localStorage, as the feed's drafts).

import { pb, currentUser } from '../../pb.js';

const DB_NAME = 'buurtplein-chat';
const STORE = 'outbox';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * @typedef {Object} OutboxFile
 * @property {string} name
 * @property {string} type
 * @property {Blob} blob
 */

/**
 * OutboxItem is a message on its way to the server.
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

/** @type {Set<(e: OutboxEvent) => void>} */
const listeners = new Set();

/**
 * Returns a new record id: 15 characters of [a-z0-9], from the browser's
 * cryptographic random source.
 *
 * @returns {string}
 */
export function newMessageId() {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  // 252 is the largest multiple of 36 below 256: redraw above it, so
  // every character is equally likely
  let id = '';
  for (const b of bytes) id += b < 252 ? ID_ALPHABET[b % 36] : '';
  return id.length === 15 ? id : id + newMessageId().slice(0, 15 - id.length);
}

/** @type {Promise<IDBDatabase>|null} */
let opening = null;

/** @returns {Promise<IDBDatabase>} */
function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: 'id' });
        store.createIndex('user', 'user');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    opening.catch(() => (opening = null));
  }
  return opening;
}

/**
 * Runs fn on the outbox store in a transaction and resolves with its
 * request's result once the transaction has committed.
 *
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} fn
 * @returns {Promise<T>}
 */
async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(req.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

/**
 * Returns the signed-in employee's messages in the outbox, oldest first;
 * of one channel when given.
 *
 * @param {string} [channel]
 * @returns {Promise<OutboxItem[]>}
 */
export async function outboxItems(channel) {
  const me = currentUser()?.id;
  if (!me) return [];
  const all = /** @type {OutboxItem[]} */ (await tx('readonly', (s) => s.index('user').getAll(me)));
  return all.filter((m) => !channel || m.channel === channel).sort((a, b) => a.created.localeCompare(b.created));
}

/**
 * Writes a message to the outbox and starts sending it. It shows at once
 * (a "queued" event) and stays until the server has it.
 *
 * @param {{channel: string, body: string, reply_to?: string, files?: File[]}} message
 * @returns {Promise<OutboxItem>}
 */
export async function enqueue({ channel, body, reply_to = '', files = [] }) {
  const me = currentUser();
  if (!me) throw new Error('signed out');
  /** @type {OutboxItem} */
  const item = {
    id: newMessageId(),
    user: me.id,
    channel,
    body,
    reply_to,
    // a File is a Blob: IndexedDB keeps its bytes
    files: files.map((f) => ({ name: f.name, type: f.type, blob: f })),
    created: new Date().toISOString(),
    state: 'pending',
    error: null,
  };
  await tx('readwrite', (s) => s.put(item));
  emit({ type: 'queued', item });
  flush();
  return item;
}

/**
 * Sends a refused message again, with its text changed when given.
 *
 * @param {string} id
 * @param {string} [body]
 */
export async function retry(id, body) {
  const item = /** @type {OutboxItem|undefined} */ (await tx('readonly', (s) => s.get(id)));
  if (!item) return;
  item.state = 'pending';
  item.error = null;
  if (typeof body === 'string') item.body = body;
  await tx('readwrite', (s) => s.put(item));
  emit({ type: 'queued', item });
  backoff = 0;
  flush();
}

/**
 * Takes a message out of the outbox unsent.
 *
 * @param {string} id
 */
export async function discard(id) {
  const item = /** @type {OutboxItem|undefined} */ (await tx('readonly', (s) => s.get(id)));
  if (!item) return;
  await tx('readwrite', (s) => s.delete(id));
  emit({ type: 'removed', item });
}

/**
 * Calls fn with every change of the outbox.
 *
 * @param {(e: OutboxEvent) => void} fn
 * @returns {() => void} stops the calls
 */
export function onOutbox(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** @param {OutboxEvent} e */
function emit(e) {
  for (const fn of [...listeners]) {
    try {
      fn(e);
    } catch {
      // one screen's trouble is not the outbox's
    }
  }
}

/** @type {Promise<void>|null} */
let flushing = null;
let again = false;
let timer = 0;
/** the wait before the next try after a network failure, in ms */
let backoff = 0;
const BACKOFF_MIN = 2000;
const BACKOFF_MAX = 60000;

/**
 * Sends every pending message of the signed-in employee, oldest first,
 * one at a time. Calls while it runs make it run once more afterwards.
 *
 * @returns {Promise<void>}
 */
export function flush() {
  if (flushing) {
    again = true;
    return flushing;
  }
  clearTimeout(timer);
  flushing = run().finally(() => {
    flushing = null;
    if (again) {
      again = false;
      flush();
    }
  });
  return flushing;
}

async function run() {
  let items;
  try {
    items = await outboxItems();
  } catch {
    return; // no IndexedDB: nothing was queued either
  }
  for (const item of items) {
    if (item.state !== 'pending' || !currentUser()) continue;
    const outcome = await send(item);
    if (outcome === 'network') {
      // the connection is gone: the rest waits too
      backoff = Math.min(BACKOFF_MAX, backoff ? backoff * 2 : BACKOFF_MIN);
      timer = setTimeout(flush, backoff);
      return;
    }
  }
  backoff = 0;
}

/**
 * Sends one message.
 *
 * @param {OutboxItem} item
 * @returns {Promise<'sent'|'network'|'refused'|'gone'>}
 */
async function send(item) {
  let record;
  try {
    record = await pb.collection('messages').create(body(item), { expand: 'author,reply_to,reply_to.author' });
  } catch (err) {
    const status = typeof err?.status === 'number' ? err.status : 0;
    // offline, a server that is away or busy: try again later, same id
    if (status === 0 || status >= 500 || status === 408 || status === 429 || err?.isAbort) return 'network';
    // signed out meanwhile: it waits for its writer
    if (status === 401) return 'network';
    const current = /** @type {OutboxItem|undefined} */ (await tx('readonly', (s) => s.get(item.id)).catch(() => undefined));
    if (!current) return 'gone';
    current.state = 'failed';
    current.error = { message: '', status, code: err?.response?.data?.['@request']?.code || '', err: plainError(err) };
    await tx('readwrite', (s) => s.put(current)).catch(() => {});
    emit({ type: 'failed', item: current });
    return 'refused';
  }
  await tx('readwrite', (s) => s.delete(item.id)).catch(() => {});
  emit({ type: 'sent', item, record });
  return 'sent';
}

/**
 * Returns what IndexedDB can keep of an SDK error, for describeError
 * later: its status and the server's data (codes and params).
 *
 * @param {any} err
 * @returns {{status: number, response: {data: any}}}
 */
function plainError(err) {
  return { status: err?.status || 0, response: { data: JSON.parse(JSON.stringify(err?.response?.data || {})) } };
}

/**
 * Builds the create request's body: JSON without files, multipart with.
 *
 * @param {OutboxItem} item
 * @returns {FormData|Object<string, string>}
 */
function body(item) {
  const fields = { id: item.id, channel: item.channel, author: item.user, body: item.body };
  if (item.reply_to) fields.reply_to = item.reply_to;
  if (!item.files.length) return fields;
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  for (const f of item.files) data.append('attachments', new File([f.blob], f.name, { type: f.type }));
  return data;
}

let started = false;
/** @type {Promise<(() => Promise<void>)|null>} */
let connectSub = Promise.resolve(null);

/**
 * Starts the outbox's sender: now (messages left from a closed app), on
 * "online" and after the realtime stream reconnects. Call it at start and
 * after signing in; it sends only the signed-in employee's messages.
 */
export function startOutbox() {
  if (!started) {
    started = true;
    window.addEventListener('online', () => {
      backoff = 0;
      flush();
    });
  }
  // signing out drops every realtime subscription: subscribe anew
  const previous = connectSub;
  connectSub = previous
    .then((stop) => stop?.().catch(() => {}))
    .then(() =>
      pb.realtime.subscribe('PB_CONNECT', () => {
        backoff = 0;
        flush();
      })
    )
    .catch(() => null);
  flush();
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
