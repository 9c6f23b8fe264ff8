// Small shared pieces of UI: avatars, loading and error states, the
// screen-reader announcer, confirmation.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { avatarUrl } from '../pb.js';
import { initials, relativeTime, fullDate } from '../format.js';
import { describeError } from '../errors.js';

/**
 * Returns a <time> saying a moment as "5 minuten geleden", with the full
 * date as its tooltip. The tooltip is written when the pointer first comes
 * over it: making the full date's format costs a slow phone a tenth of a
 * second at start, before the first post shows, and a phone shows no
 * tooltips.
 *
 * @param {Date} date
 * @returns {HTMLElement}
 */
export function timeAgo(date) {
  const el = h('time', { datetime: date.toISOString() }, relativeTime(date));
  el.addEventListener('pointerenter', () => el.setAttribute('title', fullDate(date)), { once: true });
  return el;
}

/**
 * Renders a round avatar: the user's thumbnail, or her initials.
 *
 * @param {any} user a users record (may be undefined while loading)
 * @param {'sm'|'md'|'lg'} [size]
 * @returns {HTMLElement}
 */
export function avatar(user, size = 'md') {
  const url = avatarUrl(user, size === 'lg' ? '256x256' : '96x96');
  if (url) {
    return h('img', { class: ['avatar', 'avatar-' + size], src: url, alt: '', loading: 'lazy', decoding: 'async' });
  }
  return h('span', { class: ['avatar', 'avatar-' + size, 'avatar-initials'], 'aria-hidden': 'true' }, initials(user?.name));
}

/**
 * Renders a loading indicator with a text for screen readers.
 *
 * @param {string} [text]
 * @returns {HTMLElement}
 */
export function loading(text) {
  return h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text || t('common.loading'));
}

/**
 * Renders an error state for a failed load, with a retry button.
 *
 * @param {any} err the error thrown
 * @param {() => void} [retry] called when the user asks to try again
 * @returns {HTMLElement}
 */
export function loadError(err, retry) {
  const { message } = describeError(err);
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', null, message),
    retry && h('button', { type: 'button', class: 'btn btn-secondary', on: { click: retry } }, t('common.retry'))
  );
}

/**
 * Renders an inline error line for a form; empty (and hidden) until
 * {@link showError} fills it.
 *
 * @returns {HTMLElement}
 */
export function errorLine() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/**
 * Fills or clears an error line made by {@link errorLine}.
 *
 * @param {HTMLElement} el
 * @param {string} [message] nothing to clear
 */
export function showError(el, message) {
  el.textContent = message || '';
  el.hidden = !message;
}

/**
 * Marks form controls as invalid with their messages (from describeError's
 * fields), and clears the marks of the others.
 *
 * @param {HTMLFormElement} form
 * @param {Object<string, string>} fields
 */
export function markFields(form, fields) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const control of form.querySelectorAll('[name]')) {
    const message = fields[control.getAttribute('name')];
    if (message) {
      control.setAttribute('aria-invalid', 'true');
      const id = `err-${control.getAttribute('name')}-${Math.random().toString(36).slice(2, 8)}`;
      control.setAttribute('aria-describedby', id);
      control.after(h('p', { class: 'field-error', id }, message));
    } else {
      control.removeAttribute('aria-invalid');
      control.removeAttribute('aria-describedby');
    }
  }
}

/**
 * Says something to screen-reader users through the page's polite live
 * region (new posts, saved changes).
 *
 * @param {string} message
 */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // a fresh text node after a tick makes screen readers read it again
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/**
 * Shows a short message at the bottom of the screen.
 *
 * @param {string} message
 * @param {'info'|'error'} [kind]
 */
export function toast(message, kind = 'info') {
  const host = document.getElementById('toasts');
  if (!host) return;
  const el = h('div', { class: ['toast', 'toast-' + kind], role: kind === 'error' ? 'alert' : 'status' }, message);
  host.append(el);
  setTimeout(() => el.remove(), 5000);
}
