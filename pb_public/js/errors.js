// Turning server errors into sentences a person can act on.
//
// The server answers PocketBase's JSON error, {status, message, data}; data
// holds {code, message, params} per field, and ours for the request as a
// whole under "@request". The sentence comes from the code
// (errors.codes.<code> in the language files, filled with its params);
// an error without a code we know (PocketBase's generic rule failures,
// such as a 404 for a record a rule hides) gets a sentence for its status,
// said of what the person tried. The server's message (Dutch, for API
// users; PocketBase's English) is never shown.

import { t, has } from './i18n.js';

/** The key in data of the entry about the request as a whole. */
const REQUEST = '@request';

/**
 * @typedef {Object} Problem
 * @property {string} message one sentence for the whole form or screen
 * @property {Object<string, string>} fields a sentence per field name
 * @property {number} status the HTTP status (0 when offline or aborted)
 * @property {string} code the code of the request as a whole, or ""
 */

/**
 * Describes an error from the SDK (a ClientResponseError) or anything
 * thrown, in the active language.
 *
 * @param {any} err
 * @param {string} [action] what the person tried (errors.actions.<action>),
 *   for the sentence of an error without a code
 * @returns {Problem}
 */
export function describeError(err, action) {
  const status = typeof err?.status === 'number' ? err.status : 0;
  const data = err?.response?.data && typeof err.response.data === 'object' ? err.response.data : {};

  /** @type {Object<string, string>} */
  const fields = {};
  for (const [name, item] of Object.entries(data)) {
    if (name !== REQUEST && isEntry(item)) fields[name] = fieldMessage(item);
  }
  const request = isEntry(data[REQUEST]) ? data[REQUEST] : null;

  let message;
  if (status === 0 || err?.isAbort) {
    message = navigator.onLine ? t('errors.network') : t('errors.offline');
  } else if (request && codeMessage(request)) {
    message = codeMessage(request);
  } else if (Object.keys(fields).length) {
    const own = Object.values(fields);
    message = own.length === 1 ? own[0] : t('errors.checkFields');
  } else {
    message = triedMessage(status, action);
  }

  return { message, fields, status, code: request?.code || '' };
}

/**
 * Returns the sentence for one field error by its code; a code the PWA
 * does not know gets a general sentence, not the server's.
 *
 * @param {{code: string, message?: string, params?: Object<string, any>}} item
 * @returns {string}
 */
export function fieldMessage(item) {
  return codeMessage(item) || t('errors.invalid');
}

/**
 * Returns the sentence for a code with its params, or "" when the PWA has
 * none (or the server left out a value the sentence needs).
 *
 * @param {{code: string, params?: Object<string, any>}} item
 * @returns {string}
 */
export function codeMessage(item) {
  const key = 'errors.codes.' + item.code;
  if (!has(key)) return '';
  const params = item.params && typeof item.params === 'object' ? item.params : {};
  const text = t(key, params);
  return /\{\w+\}/.test(text) ? '' : text;
}

function isEntry(item) {
  return item !== null && typeof item === 'object' && typeof item.code === 'string';
}

/**
 * Returns the sentence for an error without a known code: why it failed,
 * by status, said of what the person tried when the caller names it.
 *
 * @param {number} status
 * @param {string} [action]
 * @returns {string}
 */
function triedMessage(status, action) {
  const actionKey = 'errors.actions.' + action;
  if (action && has(actionKey)) {
    return t('errors.tried', { action: t(actionKey), why: t('errors.why.' + whyKey(status)) });
  }
  return statusMessage(status);
}

function whyKey(status) {
  if ([400, 401, 403, 404, 409, 413, 429].includes(status)) return String(status);
  return status >= 500 ? 'server' : 'other';
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
    case 429:
      return t('errors.rateLimited');
    default:
      return status >= 500 ? t('errors.server') : t('errors.unknown');
  }
}
