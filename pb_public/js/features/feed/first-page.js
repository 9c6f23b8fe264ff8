// A feed's pages of posts, each in one request: the pinned posts first,
// then the others newest first. The organisation feed's first page is
// asked for as soon as the app starts on it (js/routes.js), and the one
// kept on the device read: on a slow connection the request then travels
// while the feed's modules load, instead of after them.

import { pb, onSessionCleanup } from '../../pb.js';
import { recall } from '../../offline/cache.js';

/** PER_PAGE is the number of posts a page holds. */
export const PER_PAGE = 20;

/** ORGANISATION is the filter of the organisation's feed. */
export const ORGANISATION = 'visibility = "organisation"';

/** how long a page asked for at start waits for its feed: later, the feed reads a fresh one */
const EARLY_MS = 15_000;

/**
 * @typedef {Object} Early
 * @property {string} filter the feed's
 * @property {number} at when it was asked for (Date.now())
 * @property {Promise<any>} page PocketBase's list result
 * @property {Promise<import('../../offline/cache.js').Kept|null>} kept the first page kept on the device
 */

/** @type {Early|null} */
let early = null;

// what was read for one person is not shown to the next
onSessionCleanup(() => {
  early = null;
});

/**
 * Reads page n of the feed with filter.
 *
 * @param {string} filter
 * @param {number} n
 * @returns {Promise<any>} PocketBase's list result
 */
export function readPage(filter, n) {
  return pb.collection('posts').getList(n, PER_PAGE, { filter, sort: '-pinned,-created,-id', expand: 'author,team', skipTotal: true });
}

/**
 * Asks for the organisation feed's first page now, and reads the one kept
 * on the device, for the feed to take when it shows.
 *
 * @returns {Promise<any>} settles when the answer is there; the feed
 *   that takes it handles a failure
 */
export function readEarly() {
  const page = readPage(ORGANISATION, 1);
  early = { filter: ORGANISATION, at: Date.now(), page, kept: recall('feed/organisation') };
  return page.catch(() => {});
}

/**
 * Returns what was asked for at start for the feed with filter, when it
 * is that feed's and still fresh, once; null otherwise.
 *
 * @param {string} filter
 * @returns {Early|null}
 */
export function takeEarly(filter) {
  const kept = early;
  early = null;
  return kept?.filter === filter && Date.now() - kept.at < EARLY_MS ? kept : null;
}
