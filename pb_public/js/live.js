// Live updates for a screen: its subscriptions to the scoped topics
// (js/topics.js), what to do after a reconnect, and one call that drops
// them all when the screen goes. Every screen that updates by itself uses
// this, so none keeps its own bookkeeping.

import { pb } from './pb.js';
import { onRecords } from './topics.js';

/**
 * Calls fn each time the realtime stream connects again after it was
 * down, not at its first connect: a screen that has just read its lists
 * has missed nothing then, and reading them again on a slow connection
 * doubles the wait for what it shows.
 *
 * @param {() => void} fn
 * @returns {Promise<() => Promise<void>>} resolves with the unsubscribe
 */
export function onReconnected(fn) {
  // each connection has its own client id: the SDK may tell of one
  // connection twice (a listener added while it connects)
  let clientId = pb.realtime.clientId;
  return pb.realtime.subscribe('PB_CONNECT', (e) => {
    const id = e?.clientId || pb.realtime.clientId;
    const again = Boolean(clientId) && id !== clientId;
    clientId = id;
    if (again) fn();
  });
}

/**
 * Keeps realtime subscriptions for one screen and drops them all at once.
 * A subscription that fails (no realtime) is ignored: the screen still
 * works, it only does not update by itself.
 */
export class Live {
  constructor() {
    /** @type {Array<() => void>} */
    this.cleanups = [];
    this.destroyed = false;
  }

  /**
   * Calls fn with the changes to a collection's records ("*") or to one
   * record (its id) that the signed-in employee's topics carry: the
   * posts and comments of the organisation and their teams, the tasks,
   * offers and history of their teams, offers to them, their notifications.
   * The server sends each record with the expand its topic declares (a
   * colleague's name and avatar, a team's name).
   *
   * @param {string} collection
   * @param {string} topic "*" or a record id
   * @param {(e: {action: string, record: any}) => void} fn
   * @returns {Promise<boolean>} resolves once the server has the
   *   subscriptions (true) or they failed (false)
   */
  on(collection, topic, fn) {
    return this.track(onRecords([collection], (e) => this.destroyed || (topic !== '*' && e.record.id !== topic) || fn(e)));
  }

  /**
   * Calls fn after the realtime stream reconnects (events may have been
   * missed while it was down) and when the browser comes back online.
   *
   * @param {() => void} fn
   * @returns {Promise<boolean>}
   */
  onReconnect(fn) {
    const onOnline = () => this.destroyed || fn();
    window.addEventListener('online', onOnline);
    this.cleanups.push(() => window.removeEventListener('online', onOnline));
    return this.track(onReconnected(() => this.destroyed || fn()));
  }

  /**
   * @param {Promise<() => Promise<void>|void>} promise
   * @returns {Promise<boolean>}
   */
  track(promise) {
    return promise.then(
      (unsubscribe) => {
        if (this.destroyed) unsubscribe();
        else this.cleanups.push(unsubscribe);
        return true;
      },
      () => false
    );
  }

  /**
   * Marks el with data-live="true" once all the subscriptions are in place
   * ("false" when one failed): the browser tests wait for it before they
   * change something the screen should show live.
   *
   * @param {HTMLElement} el
   * @param {Promise<boolean>[]} subscriptions
   * @returns {Promise<boolean>} whether all succeeded
   */
  mark(el, subscriptions) {
    el.dataset.live = 'pending';
    return Promise.all(subscriptions).then((oks) => {
      const ok = oks.every(Boolean);
      if (!this.destroyed) el.dataset.live = ok ? 'true' : 'false';
      return ok;
    });
  }

  /**
   * Calls fn when the screen goes, with the subscriptions: for its timers
   * and listeners.
   *
   * @param {() => void} fn
   */
  onDestroy(fn) {
    if (this.destroyed) fn();
    else this.cleanups.push(fn);
  }

  /** Stops every subscription and calls what onDestroy was given. */
  destroy() {
    this.destroyed = true;
    for (const fn of this.cleanups.splice(0)) {
      try {
        const p = fn();
        if (p && typeof p.catch === 'function') p.catch(() => {});
      } catch {
        // an unsubscribe that fails while offline is harmless
      }
    }
  }
}
