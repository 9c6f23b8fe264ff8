// The one PocketBase client of the app, talking to the server the PWA is
// served from.

import PocketBase from '../vendor/pocketbase-0.28.1.es.mjs';

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
