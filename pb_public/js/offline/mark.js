// How the app says that what it shows comes from the reading cache: a mark
// on the screen's list with the moment and the age ("Offline — zoals om
// 14:05 (3 uur oud)"), and the offline banner above every screen, which
// says what the person sees (from when) and what happens to what she
// writes.

import { h, replace } from '../dom.js';
import { t, intlLocale } from '../i18n.js';
import { getState } from '../store.js';
import './cache.js';

/** the banner the shell gave {@link showOfflineBanner}, to word again when a mark comes or goes */
let bannerEl = /** @type {HTMLElement|null} */ (null);

/**
 * Formats when something was kept: the time for today ("14:05"), else
 * the day and the time.
 *
 * @param {number} savedAt milliseconds since the epoch
 * @param {Date} [now]
 * @returns {string}
 */
export function keptAt(savedAt, now = new Date()) {
  const d = new Date(savedAt);
  const today = d.toDateString() === now.toDateString();
  const opts = today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(intlLocale(), /** @type {Intl.DateTimeFormatOptions} */ (opts)).format(d);
}

/**
 * Words the age of what was kept ("3 uur oud").
 *
 * @param {number} savedAt milliseconds since the epoch
 * @param {number} [now]
 * @returns {string}
 */
export function keptAge(savedAt, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - savedAt) / 60_000));
  if (minutes < 1) return t('offline.age.now');
  if (minutes < 60) return t('offline.age.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('offline.age.hours', { n: hours });
  return t('offline.age.days', { n: Math.floor(hours / 24) });
}

/**
 * Renders the mark of a list shown from the cache: "Offline — zoals om
 * 14:05 (3 uur oud)". Put it on top of what it is about; the offline banner
 * takes its moment (the oldest on the screen).
 *
 * @param {number} savedAt when it was kept (milliseconds since the epoch)
 * @returns {HTMLElement}
 */
export function offlineMark(savedAt) {
  const el = h(
    'p',
    { class: 'offline-mark', dataset: { test: 'offline-mark', savedAt } },
    h('span', { class: 'icon icon-clock', 'aria-hidden': 'true' }),
    t('offline.mark', { time: keptAt(savedAt), age: keptAge(savedAt) })
  );
  // the mark is placed by its screen after this returns
  setTimeout(wordBanner, 0);
  return el;
}

/**
 * Returns the mark for a result of readThrough: null when it came fresh
 * from the server.
 *
 * @param {{savedAt: number}} result
 * @returns {HTMLElement|null}
 */
export function markOf(result) {
  return result.savedAt ? offlineMark(result.savedAt) : null;
}

/**
 * Renders what a screen shows, offline, of something this device did not
 * keep: that it appears once there is a connection, and a retry.
 *
 * @param {() => void} retry
 * @returns {HTMLElement}
 */
export function notKept(retry) {
  return h(
    'div',
    { class: 'state state-empty', role: 'status', dataset: { test: 'offline-not-kept' } },
    h('p', null, t('offline.notKept')),
    h('button', { type: 'button', class: 'btn btn-secondary', on: { click: retry } }, t('common.retry'))
  );
}

/**
 * Shows or hides the shell's offline banner and words it: no connection,
 * what the screen shows and from when, and that what one writes is kept
 * and sent later. The shell calls it when it draws its chrome and when the
 * connection comes or goes.
 *
 * @param {HTMLElement} el the banner (#offline-banner)
 */
export function showOfflineBanner(el) {
  bannerEl = el;
  el.dataset.test = 'offline-banner';
  el.hidden = getState().online;
  // after the router has emptied the screen: the old screen's marks say
  // nothing of the new one
  queueMicrotask(wordBanner);
}

function wordBanner() {
  const el = bannerEl;
  if (!el || el.hidden) return;
  const kept = [...document.querySelectorAll('#main [data-test=offline-mark]')].map((m) => Number(/** @type {HTMLElement} */ (m).dataset.savedAt)).filter(Boolean);
  const oldest = kept.length ? Math.min(...kept) : 0;
  el.dataset.savedAt = oldest ? String(oldest) : '';
  replace(
    el,
    h('strong', null, t('offline.banner.title')),
    ' ',
    oldest ? t('offline.banner.seen', { time: keptAt(oldest), age: keptAge(oldest) }) : t('offline.banner.seenNone'),
    ' ',
    t('offline.banner.writes')
  );
}
