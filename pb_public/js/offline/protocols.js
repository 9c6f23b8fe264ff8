// The organisation's protocols (wiki pages marked protocol, in the
// organisation's wiki) kept for reading without a connection: all of them
// when the wiki's overview is read, and each one again when its page is
// opened. Each is kept with its own moment ({page, at}).

import { pb } from '../pb.js';
import { recall, remember } from './cache.js';

const KEY = 'wiki/protocols';
/** the most protocols kept, with their bodies */
const MAX = 100;
/** what the page's screen expands (features/wiki/page.js PAGE_EXPAND) */
const EXPAND = 'team,parent,updated_by,created_by';

/**
 * Reads the organisation's protocols, with their bodies, and keeps them.
 * It never throws: offline, what was kept stays.
 *
 * @returns {Promise<void>}
 */
export async function keepProtocols() {
  try {
    const list = await pb.collection('wiki_pages').getList(1, MAX, { filter: 'team = "" && protocol = true', sort: 'title', expand: EXPAND, skipTotal: true });
    const at = Date.now();
    await remember(KEY, list.items.map((page) => ({ page, at })));
  } catch {
    // offline or refused: keep what was kept
  }
}

/**
 * Keeps a page just read when it is one of the organisation's protocols
 * (its newest revision replaces the one kept).
 *
 * @param {any} page a wiki_pages record with the page screen's expand
 * @returns {Promise<void>}
 */
export async function keepProtocol(page) {
  if (!page?.protocol || page.team) return;
  const kept = await recall(KEY);
  const list = Array.isArray(kept?.value) ? kept.value.filter((p) => p.page?.id !== page.id) : [];
  await remember(KEY, [{ page, at: Date.now() }, ...list].slice(0, MAX));
}

/**
 * Returns a kept protocol and when it was kept, or null.
 *
 * @param {string} id
 * @returns {Promise<{value: any, savedAt: number}|null>}
 */
export async function keptProtocol(id) {
  const kept = await recall(KEY);
  const item = Array.isArray(kept?.value) ? kept.value.find((p) => p.page?.id === id) : null;
  return item ? { value: item.page, savedAt: item.at } : null;
}
