// The outbox: every write the app may make without a connection (posts,
// comments, task changes and handovers, chat messages, must-read
// confirmations, BOB questions) is written here (IndexedDB, per employee)
// before it is sent, and sent in the order it was made when there is a
// connection: at start, on "online", after the realtime stream reconnects
// and on a timer that waits longer after each failure.
//
// A create carries a record id the app picks (15 chars [a-z0-9]); a resend
// after a lost answer carries the same id, and the server answers it with
// the record it stored (hooks/resend.go, plugins/chat): every write is
// kept exactly once. An update is the same change again.
//
// A write stays until the server has it. A network failure keeps it for
// the next try; a refusal (4xx: the task was handed over meanwhile) keeps
// it with the server's answer, for its writer to change, send again or
// discard: nothing leaves unsent without the person choosing it. A 401
// keeps it too: it waits for its writer to sign in again. Signing out
// asks first when something waits, and then takes the writer's outbox
// off the device (onSessionCleanup 'signout'); a session the server ended
// keeps it.

import { pb, currentUser, onSessionCleanup } from '../pb.js';
import { setState } from '../store.js';

const DB_NAME = 'buurtplein-outbox';
const STORE = 'outbox';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * @typedef {'post'|'comment'|'task'|'handover'|'message'|'read'|'question'} WriteKind
 */

/**
 * @typedef {Object} OutboxFile
 * @property {string} field the record's file field ("attachments")
 * @property {string} name
 * @property {string} type
 * @property {Blob} blob
 */

/**
 * OutboxItem is one write on its way to the server.
 *
 * @typedef {Object} OutboxItem
 * @property {string} id the outbox key; for a create the record id the server will keep
 * @property {string} user the writer's id (a device may be shared)
 * @property {WriteKind} kind
 * @property {string} collection
 * @property {'create'|'update'} op
 * @property {string} target the record an update changes ("" for a create)
 * @property {Object<string, any>} data the record's fields
 * @property {OutboxFile[]} files
 * @property {string} expand what the answer expands
 * @property {string} label a few words a person recognises it by (a title, the start of a text)
 * @property {string} link the screen of what it is about ("#/tasks/<id>")
 * @property {string} text the field a person may change after a refusal ("body"), "" when none
 * @property {boolean} keep a refusal stays in the outbox even when the screen that made it waits
 * @property {number} seq the order in which the writes were made
 * @property {string} created when it was made (ISO)
 * @property {'pending'|'failed'} state failed: the server refused it
 * @property {{status: number, code: string, err: any}|null} error the refusal, for describeError
 */

/**
 * @typedef {Object} OutboxEvent
 * @property {'queued'|'sent'|'failed'|'removed'} type
 * @property {OutboxItem} item
 * @property {any} [record] what the server stored (sent)
 */

/**
 * @typedef {Object} Write what a screen hands the outbox
 * @property {WriteKind} kind
 * @property {string} collection
 * @property {'create'|'update'} [op] create by default
 * @property {string} [id] a create's record id (one is picked when absent)
 * @property {string} [target] the record an update changes
 * @property {Object<string, any>} data
 * @property {OutboxFile[]} [files]
 * @property {string} [expand]
 * @property {string} [label]
 * @property {string} [link]
 * @property {string} [text]
 * @property {boolean} [keep]
 */

/**
 * @typedef {{record: any, queued: false}|{record: null, queued: true, item: OutboxItem}} Outcome
 */

/** @type {Set<(e: OutboxEvent) => void>} */
const listeners = new Set();

/** @type {Map<string, {item: OutboxItem, resolve: (o: Outcome) => void, reject: (err: any) => void}>} screens waiting for their write */
const waiting = new Map();

/**
 * Returns a new record id: 15 characters of [a-z0-9], from the browser's
 * cryptographic random source.
 *
 * @returns {string}
 */
export function newRecordId() {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  // 252 is the largest multiple of 36 below 256: redraw above it, so
  // every character is equally likely
  let id = '';
  for (const b of bytes) id += b < 252 ? ID_ALPHABET[b % 36] : '';
  return id.length === 15 ? id : id + newRecordId().slice(0, 15 - id.length);
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
      req.onsuccess = () => {
        // another tab's newer version, or the browser wiping the site
        req.result.onversionchange = () => {
          req.result.close();
          opening = null;
        };
        resolve(req.result);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('outbox blocked'));
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
 * Returns the signed-in employee's writes in the outbox in the order they
 * were made; of one kind when given.
 *
 * @param {WriteKind} [kind]
 * @returns {Promise<OutboxItem[]>}
 */
export async function outboxItems(kind) {
  const me = currentUser()?.id;
  if (!me) return [];
  const all = /** @type {OutboxItem[]} */ (await tx('readonly', (s) => s.index('user').getAll(me)));
  return all.filter((w) => !kind || w.kind === kind).sort((a, b) => a.seq - b.seq);
}

let lastSeq = 0;

/**
 * Writes a write to the outbox and starts sending it; it stays until the
 * server has it. A screen that shows its writes itself (the chat) calls
 * this; the others call {@link submit}.
 *
 * @param {Write} write
 * @returns {Promise<OutboxItem>}
 */
export async function queue(write) {
  const me = currentUser();
  if (!me) throw new Error('signed out');
  lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
  const op = write.op || 'create';
  /** @type {OutboxItem} */
  const item = {
    id: op === 'create' ? write.id || newRecordId() : newRecordId(),
    user: me.id,
    kind: write.kind,
    collection: write.collection,
    op,
    target: write.target || '',
    data: write.data,
    files: write.files || [],
    expand: write.expand || '',
    label: write.label || '',
    link: write.link || '',
    text: write.text || '',
    keep: Boolean(write.keep),
    seq: lastSeq,
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
 * Makes a write through the outbox and waits for it: resolves with the
 * stored record when the server has it, with queued: true when there is
 * no connection (it is sent later, in order), and rejects with the
 * server's error when it refuses the write, which then leaves the outbox
 * (the screen that waits shows the error, with what was typed), unless
 * write.keep. Without IndexedDB it sends the write directly.
 *
 * @param {Write} write
 * @returns {Promise<Outcome>}
 */
export async function submit(write) {
  let item;
  try {
    item = await queue(write);
  } catch (err) {
    if (!currentUser()) throw err;
    // no IndexedDB (private mode, full, broken): straight to the server
    return { record: await request(write), queued: false };
  }
  return new Promise((resolve, reject) => {
    waiting.set(item.id, { item, resolve, reject });
    flush();
  });
}

/**
 * Sends a refused write again, with its changeable text changed when
 * given.
 *
 * @param {string} id
 * @param {string} [text]
 */
export async function retry(id, text) {
  const item = /** @type {OutboxItem|undefined} */ (await tx('readonly', (s) => s.get(id)));
  if (!item) return;
  item.state = 'pending';
  item.error = null;
  if (typeof text === 'string' && item.text) item.data = { ...item.data, [item.text]: text };
  await tx('readwrite', (s) => s.put(item));
  emit({ type: 'queued', item });
  backoff = 0;
  flush();
}

/**
 * Takes a write out of the outbox unsent.
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

/** the app's other tabs on this device share the outbox: they hear of each change */
const tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel(DB_NAME) : null;
if (tabs) tabs.onmessage = () => countWaiting();

/** @param {OutboxEvent} e */
function emit(e) {
  for (const fn of [...listeners]) {
    try {
      fn(e);
    } catch {
      // one screen's trouble is not the outbox's
    }
  }
  countWaiting();
  tabs?.postMessage(e.type);
}

/** Puts how many writes wait (and how many were refused) in the store. */
async function countWaiting() {
  try {
    const items = await outboxItems();
    setState({ outbox: { waiting: items.length, refused: items.filter((w) => w.state === 'failed').length } });
  } catch {
    setState({ outbox: { waiting: 0, refused: 0 } });
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
 * Sends every pending write of the signed-in employee in order, one at a
 * time. Calls while it runs make it run once more afterwards.
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
    } else {
      // what did not go waits for the next try: its screen goes on
      settleWaiting();
    }
  });
  return flushing;
}

/** Tells every screen still waiting for a write that it waits in the outbox. */
function settleWaiting() {
  for (const [id, w] of waiting) {
    waiting.delete(id);
    w.resolve({ record: null, queued: true, item: w.item });
  }
}

async function run() {
  let items;
  try {
    items = await outboxItems();
  } catch {
    return; // no IndexedDB: nothing was queued either
  }
  for (const item of items) {
    if (item.state !== 'pending' || !currentUser() || currentUser()?.id !== item.user) continue;
    const outcome = await send(item);
    if (outcome === 'network') {
      // the connection is gone: the rest waits too, in order
      backoff = Math.min(BACKOFF_MAX, backoff ? backoff * 2 : BACKOFF_MIN);
      timer = setTimeout(flush, backoff);
      return;
    }
  }
  backoff = 0;
}

/**
 * Sends one write.
 *
 * @param {OutboxItem} item
 * @returns {Promise<'sent'|'network'|'refused'|'gone'>}
 */
async function send(item) {
  let record;
  try {
    record = await request(item);
  } catch (err) {
    const status = typeof err?.status === 'number' ? err.status : 0;
    const w = waiting.get(item.id);
    // offline: try again later, same id
    if (status === 0 || err?.isAbort) return 'network';
    // the session ended (pb.js shows the sign-in): it waits for its writer
    if (status === 401) return 'network';
    // a server that is away or busy: try again later, unless the screen
    // that made it is there to say so (a limit's words, with the form)
    if ((status >= 500 || status === 408 || status === 429) && !w) return 'network';
    const current = /** @type {OutboxItem|undefined} */ (await tx('readonly', (s) => s.get(item.id)).catch(() => undefined));
    if (!current) return 'gone';
    if (w && !current.keep) {
      // the screen that made it is there to show why, with what was typed
      waiting.delete(item.id);
      await tx('readwrite', (s) => s.delete(item.id)).catch(() => {});
      emit({ type: 'removed', item: current });
      w.reject(err);
      return 'refused';
    }
    if (!w && current.kind === 'read' && errorCode(err) === 'validation_not_unique') {
      // confirmed meanwhile (on another device): what was asked is done
      await tx('readwrite', (s) => s.delete(item.id)).catch(() => {});
      emit({ type: 'sent', item: current, record: null });
      return 'sent';
    }
    current.state = 'failed';
    current.error = { status, code: errorCode(err), err: plainError(err) };
    await tx('readwrite', (s) => s.put(current)).catch(() => {});
    emit({ type: 'failed', item: current });
    if (w) {
      waiting.delete(item.id);
      w.reject(err);
    }
    return 'refused';
  }
  await tx('readwrite', (s) => s.delete(item.id)).catch(() => {});
  emit({ type: 'sent', item, record });
  const w = waiting.get(item.id);
  waiting.delete(item.id);
  w?.resolve({ record, queued: false });
  return 'sent';
}

/**
 * Makes a write's request: a create (with its id) or an update.
 *
 * @param {Write|OutboxItem} write
 * @returns {Promise<any>} the stored record
 */
function request(write) {
  // never cancelled by the SDK for a screen's request to the same path
  /** @type {Object<string, any>} */
  const options = { requestKey: null };
  if (write.expand) options.expand = write.expand;
  const collection = pb.collection(write.collection);
  if (write.op === 'update') return collection.update(/** @type {string} */ (write.target), body(write), options);
  const fields = write.id ? { ...write.data, id: write.id } : write.data;
  return collection.create(body({ ...write, data: fields }), options);
}

/**
 * Builds a request's body: JSON without files, multipart with.
 *
 * @param {{data: Object<string, any>, files?: OutboxFile[]}} write
 * @returns {FormData|Object<string, any>}
 */
function body(write) {
  if (!write.files?.length) return write.data;
  const data = new FormData();
  for (const [k, v] of Object.entries(write.data)) {
    if (Array.isArray(v)) for (const x of v) data.append(k, x);
    else if (v !== undefined && v !== null) data.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  for (const f of write.files) data.append(f.field, new File([f.blob], f.name, { type: f.type }));
  return data;
}

/**
 * Returns the code of a refusal: the request's, else its first field's.
 *
 * @param {any} err
 * @returns {string}
 */
function errorCode(err) {
  const data = err?.response?.data || {};
  if (data['@request']?.code) return String(data['@request'].code);
  const field = Object.values(data).find((v) => v && typeof v === 'object' && typeof v.code === 'string');
  return field ? field.code : '';
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
 * Takes the signed-out employee's writes off the device (a device may be
 * shared). Only on sign-out, which asks first when something waits: a
 * session the server ended keeps them for when their writer signs in.
 *
 * @param {string} user
 */
async function forgetUser(user) {
  const items = /** @type {OutboxItem[]} */ (await tx('readonly', (s) => s.index('user').getAll(user)));
  await tx('readwrite', (s) => {
    let last = /** @type {IDBRequest<any>} */ (s.count());
    for (const item of items) last = s.delete(item.id);
    return last;
  });
}

let started = false;
/** @type {Promise<(() => Promise<void>)|null>} */
let connectSub = Promise.resolve(null);

/**
 * Starts the outbox's sender: now (writes left from a closed app), on
 * "online" and after the realtime stream reconnects. Call it at start and
 * after signing in; it sends only the signed-in employee's writes.
 */
export function startOutbox() {
  if (!started) {
    started = true;
    window.addEventListener('online', () => {
      backoff = 0;
      flush();
    });
    onSessionCleanup((reason) => {
      const user = currentUser()?.id;
      setState({ outbox: { waiting: 0, refused: 0 } });
      if (reason === 'signout' && user) return forgetUser(user).catch(() => {});
    });
    moveChatOutbox().finally(() => flush());
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
  countWaiting();
}

/**
 * Moves the messages of the chat's own outbox of earlier versions
 * (IndexedDB "buurtplein-chat") into this one, and removes it.
 */
async function moveChatOutbox() {
  try {
    const names = (await indexedDB.databases?.()) || [];
    if (!names.some((d) => d.name === 'buurtplein-chat')) return;
    const old = await new Promise((resolve, reject) => {
      const req = indexedDB.open('buurtplein-chat');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    /** @type {any[]} */
    const messages = old.objectStoreNames.contains('outbox')
      ? await new Promise((resolve, reject) => {
          const req = old.transaction('outbox').objectStore('outbox').getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        })
      : [];
    old.close();
    let seq = 0;
    for (const m of messages.sort((a, b) => String(a.created).localeCompare(String(b.created)))) {
      /** @type {OutboxItem} */
      const item = {
        ...chatWrite(m),
        id: m.id,
        user: m.user,
        op: 'create',
        target: '',
        files: (m.files || []).map((f) => ({ field: 'attachments', ...f })),
        expand: CHAT_EXPAND,
        link: '#/chat/' + m.channel,
        seq: Date.parse(m.created) * 1000 + seq++,
        created: m.created,
        state: m.state === 'failed' ? 'failed' : 'pending',
        error: m.error ? { status: m.error.status, code: m.error.code, err: m.error.err } : null,
      };
      await tx('readwrite', (s) => s.put(item));
    }
    indexedDB.deleteDatabase('buurtplein-chat');
  } catch {
    // the old outbox stays where it was
  }
}

/** what the answer to a chat message expands */
export const CHAT_EXPAND = 'author,reply_to,reply_to.author';

/**
 * Returns the outbox write of a chat message.
 *
 * @param {{channel: string, user: string, body: string, reply_to?: string}} m
 * @returns {{kind: 'message', collection: string, data: Object<string, string>, label: string, text: string, keep: boolean}}
 */
export function chatWrite(m) {
  /** @type {Object<string, string>} */
  const data = { channel: m.channel, author: m.user, body: m.body };
  if (m.reply_to) data.reply_to = m.reply_to;
  return { kind: 'message', collection: 'messages', data, label: m.body.slice(0, 80), text: 'body', keep: true };
}
