// Dates and small text helpers, in the active language.

import { intlLocale, t } from './i18n.js';

/**
 * Parses a PocketBase datetime ("2025-11-23 10:00:00.123Z").
 *
 * @param {string} value
 * @returns {Date|null}
 */
export function parseDate(value) {
  if (!value) return null;
  const d = new Date(String(value).replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Formats a moment relative to now for a feed ("5 minuten geleden"),
 * switching to a date after a week.
 *
 * @param {Date} date
 * @param {Date} [now]
 * @returns {string}
 */
export function relativeTime(date, now = new Date()) {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return t('time.justNow');
  const rtf = relativeFormat();
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  return fullDate(date);
}

/**
 * Formats a date with time ("23 nov. 2025 10:00").
 *
 * @param {Date} date
 * @returns {string}
 */
export function fullDate(date) {
  return dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const dateFormats = new Map();

/**
 * Returns a date format of the active language, made once: a phone takes
 * milliseconds to make one, and a feed or a board formats dozens of dates.
 *
 * @param {Intl.DateTimeFormatOptions} options
 * @returns {Intl.DateTimeFormat}
 */
export function dateFormat(options) {
  const key = intlLocale() + ' ' + JSON.stringify(options);
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(), options);
    dateFormats.set(key, format);
  }
  return format;
}

/** @type {Map<string, Intl.RelativeTimeFormat>} */
const relativeFormats = new Map();

/** relativeFormat is {@link dateFormat} for "5 minuten geleden". */
function relativeFormat() {
  let format = relativeFormats.get(intlLocale());
  if (!format) {
    format = new Intl.RelativeTimeFormat(intlLocale(), { numeric: 'auto' });
    relativeFormats.set(intlLocale(), format);
  }
  return format;
}

/**
 * Returns up to two initials of a name, for an avatar placeholder.
 *
 * @param {string} name
 * @returns {string}
 */
export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || '?').slice(0, 2);
  return letters.toUpperCase();
}

/**
 * Returns up to two letters for a team's badge: "Buurtteam Haarlem-Noord"
 * gives "HN" (the word "Buurtteam" says nothing to tell teams apart).
 *
 * @param {string} name
 * @returns {string}
 */
export function teamInitials(name) {
  const rest = String(name || '').replace(/^buurtteam\s+/i, '');
  const parts = rest.split(/[\s-]+/).filter(Boolean);
  if (!parts.length) return '?';
  return (parts.length > 1 ? parts[0][0] + parts[1][0] : parts[0].slice(0, 2)).toUpperCase();
}
