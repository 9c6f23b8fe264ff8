// Live updates through the server's scoped topics: the organisation's,
// the signed-in employee's own and one per team of theirs. The server
// checks once, when they are subscribed, who may follow them, so an event
// costs it no query per reader; a collection subscription ("posts/*")
// would cost one per reader for every change. The topics follow the
// memberships in the store: a team one joins is added, a team one leaves
// is dropped before anything else is asked (the server refuses a whole
// subscription that names a team one is no longer in).

import { pb } from './pb.js';
import { getState, subscribe as onState } from './store.js';

/** The organisation's topic; every employee follows it. */
export const ORGANISATION_TOPIC = 'buurtplein/organisation';

/** @param {string} teamId */
export const teamTopic = (teamId) => 'buurtplein/team/' + teamId;

/** @param {string} userId */
export const userTopic = (userId) => 'buurtplein/user/' + userId;

/**
 * @typedef {Object} RecordEvent
 * @property {'create'|'update'|'delete'} action
 * @property {any} record the record, with collectionName and the expand the
 *   server sends along (a colleague's name and avatar, a team's name)
 */

/** @type {Set<{collections: Set<string>, fn: (e: RecordEvent) => void}>} */
const listeners = new Set();

/** @type {Map<string, Promise<(() => Promise<void>)|null>>} topic -> its subscription */
const active = new Map();

/** resolves once the wanted topics are subscribed: true, or false when one failed */
let ready = Promise.resolve(true);

/** the last changes dispatched, so one that comes on two topics is handled once */
const seen = [];
const SEEN_KEPT = 200;

/** @returns {string[]} the topics the signed-in employee follows */
function wanted() {
  const { user, memberships } = getState();
  if (!user) return [];
  return [ORGANISATION_TOPIC, userTopic(user.id), ...memberships.map((m) => teamTopic(m.team))];
}

let syncing = Promise.resolve();

/** Brings the subscriptions in line with the store, one change at a time. */
function sync() {
  syncing = syncing.then(async () => {
    const want = new Set(wanted());
    const leaving = [...active.keys()].filter((topic) => !want.has(topic));
    await Promise.all(
      leaving.map(async (topic) => {
        const sub = active.get(topic);
        active.delete(topic);
        const stop = await sub;
        await stop?.().catch(() => {});
      })
    );
    for (const topic of want) {
      if (active.has(topic)) continue;
      const sub = pb.realtime.subscribe(topic, dispatch).catch((err) => {
        // the SDK keeps a refused topic and would send it with every later
        // subscription, which the server then refuses as a whole (one that
        // failed for want of a network stays, for the SDK's reconnect)
        if (err?.status === 403) pb.realtime.unsubscribe(topic).catch(() => {});
        return null;
      });
      active.set(topic, sub);
    }
    const subs = [...active.values()];
    ready = Promise.all(subs).then((stops) => stops.length > 0 && stops.every(Boolean));
    // a topic that failed is tried again on the next change
    for (const [topic, sub] of active) {
      sub.then((stop) => {
        if (!stop && active.get(topic) === sub) active.delete(topic);
      });
    }
  });
  return syncing;
}

/** @param {RecordEvent} e */
function dispatch(e) {
  const record = e?.record;
  if (!record?.collectionName) return;
  // an event with only the record's id (client data) says nothing that
  // tells two changes apart: each one is handled
  if (record.updated !== undefined || e.action !== 'update') {
    const key = `${e.action}:${record.collectionName}:${record.id}:${record.updated || ''}`;
    if (seen.includes(key)) return;
    seen.push(key);
    if (seen.length > SEEN_KEPT) seen.shift();
  }
  for (const l of [...listeners]) {
    if (l.collections.has(record.collectionName)) l.fn(e);
  }
}

onState((state, changed) => {
  if (changed.includes('user') || changed.includes('memberships')) sync();
});

/**
 * Calls fn with every change to a record of collections that the
 * signed-in employee's topics carry.
 *
 * @param {string[]} collections e.g. ['posts', 'comments']
 * @param {(e: RecordEvent) => void} fn
 * @returns {Promise<() => Promise<void>>} resolves once the topics are
 *   subscribed, with a function that stops the calls; rejects when realtime
 *   is not available (fn is then never called)
 */
export async function onRecords(collections, fn) {
  const entry = { collections: new Set(collections), fn };
  listeners.add(entry);
  const stop = () => {
    listeners.delete(entry);
    return Promise.resolve();
  };
  await (active.size ? syncing : sync());
  if (!(await ready)) {
    stop();
    throw new Error('realtime unavailable');
  }
  return stop;
}
