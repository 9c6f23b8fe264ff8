// Language: every string the UI shows comes from i18n/<locale>.js. Dutch is
// the default; the signed-in user's users.locale decides after sign-in.

// Only the active language is loaded: Dutch always (the default and the
// fallback of a missing key), another language when it is chosen. On a
// slow connection every kilobyte before the first screen counts.

import nl from '../i18n/nl.js';

/** @type {Object<string, Object<string, any>>} */
const dictionaries = { nl };

/** @type {Object<string, () => Promise<{default: Object<string, any>}>>} */
const loaders = { en: () => import('../i18n/en.js') };

/** The locales the app speaks, in the order the language switch shows. */
export const LOCALES = /** @type {const} */ (['nl', 'en']);

let locale = 'nl';

/**
 * Returns the active locale ("nl" or "en").
 *
 * @returns {string}
 */
export function getLocale() {
  return locale;
}

/**
 * Loads the language file of a locale when it is not loaded yet and
 * switches to it, as {@link setLocale}. A file that does not load
 * (offline before it was kept) leaves the app in Dutch.
 *
 * @param {string|undefined|null} next
 * @returns {Promise<string>} the locale now active
 */
export async function loadLocale(next) {
  if (next && !dictionaries[next] && loaders[next]) {
    try {
      dictionaries[next] = (await loaders[next]()).default;
    } catch {
      // Dutch it is, until the next start
    }
  }
  return setLocale(next);
}

/**
 * Switches the active locale (unknown values, and those whose file is not
 * loaded yet: see {@link loadLocale}, fall back to Dutch) and sets the
 * document language. Screens re-render themselves afterwards.
 *
 * @param {string|undefined|null} next
 * @returns {string} the locale now active
 */
export function setLocale(next) {
  locale = next && dictionaries[next] ? next : 'nl';
  document.documentElement.lang = locale;
  return locale;
}

/**
 * Returns the string for key in the active locale, with {name} placeholders
 * filled from params. An entry that is an object of plural forms
 * ({one, other}) is chosen by params.n. A missing key falls back to Dutch,
 * then to the key itself.
 *
 * @param {string} key dotted key ("feed.empty")
 * @param {Object<string, string|number>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  let entry = lookup(dictionaries[locale], key);
  if (entry === undefined) entry = lookup(dictionaries.nl, key);
  if (entry === undefined) return key;
  if (typeof entry === 'object') {
    const n = Number(params.n ?? 0);
    entry = (n === 1 ? entry.one : n === 0 && entry.zero !== undefined ? entry.zero : entry.other) ?? '';
  }
  return String(entry).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/**
 * Reports whether key exists in the active locale or in Dutch.
 *
 * @param {string} key
 * @returns {boolean}
 */
export function has(key) {
  return lookup(dictionaries[locale], key) !== undefined || lookup(dictionaries.nl, key) !== undefined;
}

function lookup(dict, key) {
  let node = dict;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

/**
 * Returns the BCP 47 tag for dates and numbers in the active locale.
 *
 * @returns {string}
 */
export function intlLocale() {
  return locale === 'en' ? 'en-GB' : 'nl-NL';
}
