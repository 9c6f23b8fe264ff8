// Turning PocketBase errors into sentences a person can act on.
//
// PocketBase's own messages are English; ours (from the Go hooks) are
// already Dutch. Known PocketBase codes and messages are translated; any
// other message is shown as the server wrote it.

import { t, has } from './i18n.js';

/**
 * @typedef {Object} Problem
 * @property {string} message one sentence for the whole form or screen
 * @property {Object<string, string>} fields a sentence per field name
 * @property {number} status the HTTP status (0 when offline or aborted)
 */

// PocketBase's generic top-level messages, which we replace by our own
const GENERIC_MESSAGES = [
  /^something went wrong/i,
  /^failed to /i,
  /^the requested resource wasn't found/i,
  /^you are not allowed/i,
  /^only superusers/i,
  /^too many requests/i,
  /^an error occurred while validating/i,
  /^missing or invalid/i,
  /^the request requires/i,
  /^invalid /i,
];

/**
 * Describes an error from the SDK (a ClientResponseError) or anything
 * thrown, in the active language.
 *
 * @param {any} err
 * @returns {Problem}
 */
export function describeError(err) {
  const status = typeof err?.status === 'number' ? err.status : 0;
  const data = err?.response?.data && typeof err.response.data === 'object' ? err.response.data : {};

  /** @type {Object<string, string>} */
  const fields = {};
  for (const [name, item] of Object.entries(data)) {
    if (item && typeof item === 'object' && typeof item.code === 'string') {
      fields[name] = fieldMessage(item);
    }
  }

  let message;
  if (status === 0 || err?.isAbort) {
    message = navigator.onLine ? t('errors.network') : t('errors.offline');
  } else if (status === 429 && !Object.keys(fields).length) {
    // a limit per account says its own wait (a field error with params);
    // ours without one (such as the limit on handover offers) says how long
    const serverMessage = String(err?.response?.message || '');
    message = !serverMessage || GENERIC_MESSAGES.some((re) => re.test(serverMessage)) ? t('errors.rateLimited') : serverMessage;
  } else if (Object.keys(fields).length) {
    const own = Object.values(fields);
    message = own.length === 1 ? own[0] : t('errors.checkFields');
  } else {
    const serverMessage = String(err?.response?.message || '');
    const generic = !serverMessage || GENERIC_MESSAGES.some((re) => re.test(serverMessage));
    message = generic ? statusMessage(status) : serverMessage;
  }

  return { message, fields, status };
}

/**
 * Returns the sentence for one field error: ours as is, PocketBase's known
 * codes translated.
 *
 * @param {{code: string, message?: string, params?: Object<string, any>}} item
 * @returns {string}
 */
export function fieldMessage(item) {
  const key = 'errors.codes.' + item.code;
  if (has(key)) return t(key, item.params || {});
  return item.message || t('errors.invalid');
}

function statusMessage(status) {
  switch (status) {
    case 400:
      return t('errors.badRequest');
    case 401:
      return t('errors.unauthorized');
    case 403:
      return t('errors.forbidden');
    case 404:
      return t('errors.notFound');
    case 413:
      return t('errors.tooLarge');
    default:
      return status >= 500 ? t('errors.server') : t('errors.unknown');
  }
}
