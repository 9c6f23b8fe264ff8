// The reading cache: what the signed-in employee last saw of her tasks, her
// teams' boards and feeds, the organisation's feed and protocols and her
// recent chats, kept in IndexedDB ("buurtplein-cache") so the app shows
// them without a connection, marked with their age.
//
// Every entry belongs to one person (a device may be shared) and the whole
// cache leaves the device when a session ends here: signed out, signed out
// elsewhere, blocked or expired (onSessionCleanup, both reasons). Client
// data (regie) is never stored: such a key or a value holding a regie
// record is refused.
//
// The cache is a help, never a condition: a browser without IndexedDB, a
// database another tab blocks, a broken or full one, and every screen works
// online as before; the person is told once that this device keeps nothing
// for offline use.

import { currentUser, onSessionCleanup } from '../pb.js';
import { t } from '../i18n.js';
import { toast } from '../components/ui.js';

const DB_NAME = 'buurtplein-cache';
const STORE = 'entries';
/** how long opening the database may take before the cache counts as blocked */
const OPEN_TIMEOUT = 4000;
/** how deep a value is searched for a regie record before it is refused */
const SCAN_DEPTH = 6;

/** Keys that name client data. */
const REGIE_KEY = /(^|[/:.])(regie|clients?|referrals?|conversations?|plans?|case_steps?|process_templates?|access_log)([/:.]|$)/i;
/** The collections of the regie module: their records never go into the cache. */
const REGIE_COLLECTIONS = new Set(['clients', 'referrals', 'conversations', 'plans', 'case_steps', 'process_templates', 'access_log']);

/**
 * @typedef {Object} Kept what {@link recall} returns
 * @property {any} value what was remembered
 * @property {number} savedAt when (milliseconds since the epoch)
 */

/** @type {Promise<IDBDatabase>|null} */
let opening = null;
/** set once the cache failed: it is not tried again until the next start */
let broken = false;
/** counts the wipes, so a write begun before one is never finished after it */
let generation = 0;

/** @returns {Promise<IDBDatabase>} */
function db() {
  if (broken) return Promise.reject(new Error('the reading cache is not available'));
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('opening the reading cache is blocked')), OPEN_TIMEOUT);
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => {
        clearTimeout(timer);
        const d = req.result;
        // a newer version in another tab: step aside rather than block it
        d.onversionchange = () => {
          d.close();
          opening = null;
        };
        resolve(d);
      };
      req.onerror = () => {
        clearTimeout(timer);
        reject(req.error);
      };
    });
    opening.catch((err) => failed(err));
  }
  return opening;
}

/**
 * Gives up on the cache for this start and says so once.
 *
 * @param {any} err
 */
function failed(err) {
  opening = null;
  if (broken) return;
  broken = true;
  console.warn('reading cache', err);
  toast(t(err?.name === 'QuotaExceededError' ? 'offline.cacheFull' : 'offline.cacheBroken'));
}

/**
 * Runs fn on the store in one transaction and resolves with its request's
 * result once the transaction has committed.
 *
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} fn
 * @returns {Promise<T>}
 */
async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const x = d.transaction(STORE, mode);
    const req = fn(x.objectStore(STORE));
    x.oncomplete = () => resolve(req.result);
    x.onerror = () => reject(x.error || req.error);
    x.onabort = () => reject(x.error || req.error);
  });
}

/**
 * Reports whether v is a task made from a client's plan: it carries one of
 * the plan's agreed actions, client data.
 *
 * @param {any} v
 * @returns {boolean}
 */
function isPlanTask(v) {
  return Boolean(v && typeof v === 'object' && v.collectionName === 'tasks' && v.plan);
}

/**
 * Returns value without the tasks made from a client's plan, wherever a
 * list holds them (a board, my tasks): the rest of the list is kept. Only
 * lists and plain objects are copied; anything else (a Map, a Date) is
 * kept as it is.
 *
 * @param {any} value
 * @param {number} [depth]
 * @returns {any}
 */
function withoutPlanTasks(value, depth = 0) {
  if (!value || typeof value !== 'object' || depth > SCAN_DEPTH) return value;
  if (Array.isArray(value)) return value.filter((v) => !isPlanTask(v)).map((v) => withoutPlanTasks(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  /** @type {Object<string, any>} */
  const copy = {};
  for (const [k, v] of Object.entries(value)) copy[k] = withoutPlanTasks(v, depth + 1);
  return copy;
}

/**
 * Reports whether a key or a value is client data, which the device never
 * keeps (a task made from a plan among them).
 *
 * @param {string} key
 * @param {any} value
 * @returns {boolean}
 */
export function isRegie(key, value) {
  if (REGIE_KEY.test(key)) return true;
  const seen = new Set();
  const holds = (v, depth) => {
    if (!v || typeof v !== 'object' || depth > SCAN_DEPTH || seen.has(v)) return false;
    seen.add(v);
    if (typeof v.collectionName === 'string' && REGIE_COLLECTIONS.has(v.collectionName)) return true;
    if (isPlanTask(v)) return true;
    return Object.values(v).some((x) => holds(x, depth + 1));
  };
  return holds(value, 0);
}

/**
 * Keeps value under key for the signed-in employee, with the moment. It
 * never throws: without a usable cache (or for client data, which it
 * refuses) it keeps nothing.
 *
 * @param {string} key what it is: "tasks/mine", "board/<slug>", "feed/<team>"
 * @param {any} value something structured clone can copy (records are)
 * @returns {Promise<boolean>} whether it was kept
 */
export async function remember(key, value) {
  const me = currentUser()?.id;
  if (!me || broken) return false;
  value = withoutPlanTasks(value);
  if (isRegie(key, value)) {
    console.warn('reading cache: client data is never kept', key);
    return false;
  }
  const started = generation;
  const entry = { user: me, key, value, savedAt: Date.now() };
  // checked when the transaction starts, after the database opened: a
  // session that ended meanwhile keeps nothing
  const allowed = () => started === generation && currentUser()?.id === me;
  const put = async () => {
    let wrote = false;
    await tx('readwrite', (s) => {
      wrote = allowed();
      return wrote ? s.put(entry, me + '\n' + key) : s.count();
    });
    return wrote;
  };
  try {
    return await put();
  } catch (err) {
    // something that cannot be copied is this value's problem, not the cache's
    if (err?.name === 'DataCloneError') return false;
    if (err?.name !== 'QuotaExceededError') {
      failed(err);
      return false;
    }
  }
  // full: what was kept is older than what was just seen; drop it and try once more
  try {
    await tx('readwrite', (s) => s.clear());
    return await put();
  } catch (err) {
    failed(err);
    return false;
  }
}

/**
 * Returns what the signed-in employee last kept under key, or null (never
 * kept, kept by someone else, or no usable cache).
 *
 * @param {string} key
 * @returns {Promise<Kept|null>}
 */
export async function recall(key) {
  const me = currentUser()?.id;
  if (!me || broken || isRegie(key, null)) return null;
  try {
    const entry = await tx('readonly', (s) => s.get(me + '\n' + key));
    if (!entry || entry.user !== me) return null;
    return { value: entry.value, savedAt: entry.savedAt };
  } catch (err) {
    failed(err);
    return null;
  }
}

/**
 * Drops what the signed-in employee kept under key.
 *
 * @param {string} key
 * @returns {Promise<void>}
 */
export async function forget(key) {
  const me = currentUser()?.id;
  if (!me || broken) return;
  try {
    await tx('readwrite', (s) => s.delete(me + '\n' + key));
  } catch (err) {
    failed(err);
  }
}

/**
 * Keeps only the most recent few of a kind of entry: key goes first in the
 * list kept under listKey, and what falls off the end past max is
 * forgotten (the last messages of the conversations opened most recently,
 * not of every one ever opened).
 *
 * @param {string} listKey
 * @param {string} key
 * @param {number} max
 * @returns {Promise<void>}
 */
export async function keepRecent(listKey, key, max) {
  const kept = await recall(listKey);
  const keys = [key, ...(Array.isArray(kept?.value) ? kept.value : []).filter((k) => k !== key)];
  for (const old of keys.splice(max)) await forget(old);
  await remember(listKey, keys);
}

/**
 * Empties the cache: everything of everyone on this device. Called when a
 * session ends here.
 *
 * @returns {Promise<void>}
 */
export async function forgetAll() {
  generation++;
  if (broken) return;
  try {
    await tx('readwrite', (s) => s.clear());
  } catch (err) {
    // nothing to clear when the database never opened
    console.warn('reading cache: wiping', err);
  }
}

/**
 * Reports whether an error means the server could not be reached (offline,
 * a dropped connection), as opposed to an answer.
 *
 * @param {any} err
 * @returns {boolean}
 */
export function isUnreachable(err) {
  return !err?.isAbort && (err?.status === 0 || (typeof err?.status !== 'number' && !navigator.onLine));
}

/**
 * Reads through the cache: the answer of fetch, kept under key, or, when
 * the server cannot be reached, what was kept before with its moment.
 * savedAt is 0 for a fresh answer. Any other error (a refusal) is thrown as
 * it came, and so is the network's when nothing was kept.
 *
 * @template T
 * @param {string} key
 * @param {() => Promise<T>} fetch
 * @returns {Promise<{value: T, savedAt: number}>}
 */
export async function readThrough(key, fetch) {
  try {
    const value = await fetch();
    // not waited for: a slow or blocked database never holds up a screen
    remember(key, value);
    return { value, savedAt: 0 };
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    const kept = await recall(key);
    if (!kept) throw err;
    return kept;
  }
}

onSessionCleanup(() => forgetAll());

// a session that ended while the app was closed (an expired token, a
// sign-out whose cleanup did not finish): what it kept leaves now
if (!currentUser() && typeof indexedDB !== 'undefined') forgetAll();
