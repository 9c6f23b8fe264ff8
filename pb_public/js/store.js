// A tiny shared store: one state object, shallow updates, listeners.

/**
 * @typedef {Object} Membership
 * @property {string} id
 * @property {string} team team id
 * @property {string} user user id
 * @property {'member'|'coordinator'} role
 * @property {{team?: Team}} [expand]
 */

/**
 * @typedef {Object} Team
 * @property {string} id
 * @property {string} name
 * @property {string} slug
 * @property {'buurtteam'|'bob'} kind
 * @property {string} [area]
 * @property {string} [description]
 */

/**
 * @typedef {Object} State
 * @property {any|null} user the signed-in user record
 * @property {Membership[]} memberships the signed-in user's memberships, team expanded
 * @property {boolean} online whether the browser thinks it is online
 * @property {string} route the current hash route ("feed", "team/schalkwijk")
 * @property {number} unread the signed-in user's unread notifications (at most 100 counted)
 * @property {MustReadItem[]} mustread the must-reads the signed-in user has yet to
 *   confirm, newest first (js/features/mustread/model.js)
 * @property {Map<string, string>} mustreadConfirmed confirmations seen here:
 *   "<collection>/<id>" -> when ("posts/abc" -> "2026-12-01 10:00:00.000Z")
 * @property {number} mustreadAt when the list was last read from the server (0: not yet)
 * @property {import('./features/chat/model.js').ChannelItem[]} chatChannels the signed-in
 *   user's chat channels, newest activity first (js/features/chat/model.js)
 * @property {number} chatUnread their unread chat messages, all channels together
 * @property {{waiting: number, refused: number}} [outbox] the signed-in user's writes in the
 *   outbox on this device, and how many of them the server refused (js/offline/outbox.js)
 */

/**
 * @typedef {Object} MustReadItem one of GET /api/buurtplein/mustread's items
 * @property {'posts'|'wiki_pages'} collection
 * @property {string} id
 * @property {string} title
 * @property {string} team a post's team, the team a page asks (must_read_team), or "" for the organisation
 * @property {string} teamName
 * @property {number} revision the page's current revision (0 for a post)
 * @property {string} updated
 */

/** @type {State} */
const state = {
  user: null,
  memberships: [],
  online: navigator.onLine,
  route: '',
  unread: 0,
  mustread: [],
  mustreadConfirmed: new Map(),
  mustreadAt: 0,
  chatChannels: [],
  chatUnread: 0,
};

/** @type {Set<(state: State, changed: string[]) => void>} */
const listeners = new Set();

/**
 * Returns the current state. Treat it as read-only: change it with
 * {@link setState}.
 *
 * @returns {State}
 */
export function getState() {
  return state;
}

/**
 * Merges patch into the state and tells every listener which keys changed.
 *
 * @param {Partial<State>} patch
 */
export function setState(patch) {
  const changed = Object.keys(patch).filter((k) => state[k] !== patch[k]);
  if (!changed.length) return;
  Object.assign(state, patch);
  for (const fn of [...listeners]) fn(state, changed);
}

/**
 * Calls fn after every state change.
 *
 * @param {(state: State, changed: string[]) => void} fn
 * @returns {() => void} a function that removes the listener
 */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Returns the signed-in user's membership of a team, or undefined.
 *
 * @param {string} teamId
 * @returns {Membership|undefined}
 */
export function membershipOf(teamId) {
  return state.memberships.find((m) => m.team === teamId);
}
