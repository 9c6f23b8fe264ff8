// The one PocketBase client of the app, talking to the server the PWA is
// served from.

import PocketBase, { getTokenPayload } from '../vendor/pocketbase-0.28.1.es.mjs';

/**
 * The shared PocketBase client. Its auth store keeps the session in
 * localStorage ("pocketbase_auth"), so a reload stays signed in.
 *
 * @type {PocketBase}
 */
export const pb = new PocketBase(location.origin);

// screens fire overlapping requests on purpose (feed + comments + members);
// the SDK's auto-cancellation would abort the earlier ones
pb.autoCancellation(false);

// PocketBase's sign-in and account recovery routes: a 401 there is an
// answer about the attempt (a second step is needed), not about a session
const AUTH_FLOW = /^\/api\/collections\/[^/]+\/(auth-with-|auth-methods|request-|confirm-)/;

// a sign-out whose server call failed (offline) waits here to be retried
const PENDING_REVOKE_KEY = 'buurtplein.revoke';

/** @type {() => void} */
let sessionEnded = () => {};

/**
 * Sets what happens when the server answers 401 to the session's token:
 * it was revoked (signed out elsewhere, account blocked) or it expired.
 *
 * @param {() => void} fn
 */
export function onSessionEnded(fn) {
  sessionEnded = fn;
}

/** @type {Array<(reason: 'signout'|'ended') => void|Promise<void>>} */
const sessionCleanups = [];

/**
 * Adds what must leave the device when a person's session ends here: a
 * device may be shared. reason is "signout" (the person signed out) or
 * "ended" (the server answered 401: signed out elsewhere, blocked,
 * expired). What the person wrote and did not send yet stays on "ended",
 * for when they sign in again.
 *
 * @param {(reason: 'signout'|'ended') => void|Promise<void>} fn
 */
export function onSessionCleanup(fn) {
  sessionCleanups.push(fn);
}

/**
 * Runs every cleanup of {@link onSessionCleanup}; one that fails does not
 * stop the others.
 *
 * @param {'signout'|'ended'} reason
 * @returns {Promise<void>}
 */
export async function cleanUpSession(reason) {
  await Promise.all(
    sessionCleanups.map(async (fn) => {
      try {
        await fn(reason);
      } catch (err) {
        console.warn('session cleanup', err);
      }
    })
  );
}

pb.afterSend = (response, data, options) => {
  const sent = options?.headers?.Authorization;
  if (response.status === 401 && sent && sent === pb.authStore.token && !AUTH_FLOW.test(new URL(response.url).pathname)) {
    sessionEnded();
  }
  return data;
};

/** @type {Promise<void>} */
let revoking = Promise.resolve();

/**
 * Ends a session on the server (every token of the account stops working
 * there, on every device). Call it after clearing the local auth store:
 * signing out never waits for the network. When the request cannot reach
 * the server it is kept and sent again by {@link retryRevoke}.
 *
 * @param {string} token the session's token
 * @returns {Promise<void>}
 */
export function revokeSession(token) {
  if (!token) return Promise.resolve();
  revoking = sendRevoke(token);
  return revoking;
}

/**
 * Resolves once a sign-out sent to the server has been answered (or given
 * up). Signing in waits for it: a late sign-out of the same account would
 * end the new session too.
 *
 * @returns {Promise<void>}
 */
export function revokeSettled() {
  return revoking;
}

async function sendRevoke(token) {
  try {
    await pb.send('/api/buurtplein/auth/signout', {
      method: 'POST',
      headers: { Authorization: token },
      keepalive: true,
      signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(8000) : undefined,
    });
    localStorage.removeItem(PENDING_REVOKE_KEY);
  } catch (err) {
    // 401: that session had ended already
    if (err?.status) localStorage.removeItem(PENDING_REVOKE_KEY);
    else localStorage.setItem(PENDING_REVOKE_KEY, token);
  }
}

/**
 * Sends a sign-out that could not reach the server before (see
 * {@link revokeSession}). Call it at start and when the connection is back.
 *
 * @returns {Promise<void>}
 */
export async function retryRevoke() {
  const token = localStorage.getItem(PENDING_REVOKE_KEY);
  if (!token) return;
  // revoking ends every session of that account: not when its owner has
  // signed in here again since
  if (pb.authStore.token && getTokenPayload(token).id === getTokenPayload(pb.authStore.token).id) {
    localStorage.removeItem(PENDING_REVOKE_KEY);
    return;
  }
  await revokeSession(token);
}

/**
 * Returns the signed-in user record, or null.
 *
 * @returns {import('../vendor/pocketbase-0.28.1.es.mjs').RecordModel|null}
 */
export function currentUser() {
  return pb.authStore.isValid ? pb.authStore.record : null;
}

let fileToken = { value: '', expires: 0 };

/**
 * Returns a token for protected files (post images), fetching a new one
 * when the cached one is about to expire. Resolves to "" when it cannot be
 * had (offline): images then simply do not load.
 *
 * @param {boolean} [fresh] fetch a new token even if the cached one seems valid
 * @returns {Promise<string>}
 */
export async function getFileToken(fresh = false) {
  if (!fresh && fileToken.value && Date.now() < fileToken.expires) return fileToken.value;
  try {
    const value = await pb.files.getToken();
    // PocketBase's default file token lasts 3 minutes; refresh well before
    fileToken = { value, expires: Date.now() + 100_000 };
    return value;
  } catch {
    return '';
  }
}

/**
 * Returns the URL of a user's avatar thumbnail, or "" when she has none.
 *
 * @param {{id: string, collectionId?: string, collectionName?: string, avatar?: string}|null|undefined} user
 * @param {'96x96'|'256x256'} [thumb]
 * @returns {string}
 */
export function avatarUrl(user, thumb = '96x96') {
  if (!user || !user.avatar) return '';
  return pb.files.getURL(user, user.avatar, { thumb });
}
