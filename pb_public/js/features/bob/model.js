// BOB: what its screens share (who is BOB staff, the teams one asks and
// orders for, the questions' and orders' words, prices). The rules (who
// may see a question, set a status, move an order) live on the server;
// this module only asks.

import { t, intlLocale } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState } from '../../store.js';
import { h, replace } from '../../dom.js';
import { Live } from '../../live.js';
import { loading } from '../../components/ui.js';

/** The categories of a question, as the server knows them. */
export const CATEGORIES = ['planning', 'financien', 'pr', 'communicatie', 'ict', 'overig'];

/** The statuses of a question, in the order it moves through them. */
export const QUESTION_STATUSES = ['new', 'in_progress', 'waiting', 'answered', 'closed'];

/** The statuses of an order, in the order it moves through them. */
export const ORDER_STATUSES = ['draft', 'proof', 'approved', 'production', 'shipped', 'delivered', 'cancelled'];

/** The step BOB takes an order to next, by its status. */
export const BOB_NEXT = { approved: 'production', production: 'shipped', shipped: 'delivered' };

/** Statuses a team may still cancel an order in. */
export const CANCELLABLE = ['draft', 'proof', 'approved'];

/** What the question screens expand. */
export const QUESTION_EXPAND = 'team,asker,assignee';

/** What the order screens expand. */
export const ORDER_EXPAND = 'team,product,requested_by,approved_by';

/**
 * Reports whether the signed-in employee is BOB staff: a member of the
 * team of kind "bob".
 *
 * @returns {boolean}
 */
export function isBOBStaff() {
  return getState().memberships.some((m) => m.expand?.team?.kind === 'bob');
}

/**
 * Returns the teams one asks questions and orders for: one's teams that
 * are not BOB's own.
 *
 * @returns {any[]} team records, by name
 */
export function askingTeams() {
  return getState()
    .memberships.map((m) => m.expand?.team)
    .filter((team) => team && team.kind !== 'bob');
}

/**
 * Returns BOB's team id, or "" when the signed-in employee is not BOB staff.
 *
 * @returns {string}
 */
export function bobTeamId() {
  return getState().memberships.find((m) => m.expand?.team?.kind === 'bob')?.team || '';
}

/**
 * Reads BOB's staff (the members of BOB's team), for assigning questions.
 *
 * @returns {Promise<any[]>} users, by name
 */
export async function bobStaff() {
  const team = bobTeamId();
  if (!team) return [];
  // a blocked account is nobody's to assign to
  const list = await pb.collection('memberships').getFullList({ filter: pb.filter('team = {:team} && user.disabled = false', { team }), expand: 'user' });
  return list
    .map((m) => m.expand?.user)
    .filter(Boolean)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/**
 * Formats an amount in euro cents ("€ 34,50").
 *
 * @param {number} cents
 * @returns {string}
 */
export function euro(cents) {
  return new Intl.NumberFormat(intlLocale(), { style: 'currency', currency: 'EUR' }).format((Number(cents) || 0) / 100);
}

/**
 * Returns a product's JSON list field as an array, whatever the server sent.
 *
 * @param {any} value
 * @returns {any[]}
 */
export function list(value) {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return [];
}

/**
 * Returns the quantities (with their prices) a product offers in a format,
 * smallest first.
 *
 * @param {any} product
 * @param {string} format a format code
 * @returns {{quantity: number, price: number}[]}
 */
export function pricesFor(product, format) {
  return list(product?.prices)
    .filter((p) => p.format === format)
    .map((p) => ({ quantity: Number(p.quantity), price: Number(p.price) }))
    .sort((a, b) => a.quantity - b.quantity);
}

/**
 * A badge with a question's status in words.
 *
 * @param {string} status
 * @returns {HTMLElement}
 */
export function questionStatusBadge(status) {
  return h('span', { class: ['badge', 'bob-status', 'bob-q-' + status], dataset: { test: 'question-status', status } }, t('bob.questionStatus.' + (status || 'new')));
}

/**
 * A badge with an order's status in words ("proef klaar").
 *
 * @param {string} status
 * @returns {HTMLElement}
 */
export function orderStatusBadge(status) {
  return h('span', { class: ['badge', 'bob-status', 'bob-o-' + status], dataset: { test: 'order-status', status } }, t('bob.orderStatus.' + (status || 'draft')));
}

/**
 * A badge for a question without a first response in time: an icon and
 * words, never colour alone.
 *
 * @returns {HTMLElement}
 */
export function flagBadge() {
  return h('span', { class: 'badge bob-flag', dataset: { test: 'question-flag' } }, h('span', { class: 'icon icon-flag', 'aria-hidden': 'true' }), t('bob.flagged'));
}

/**
 * Returns the hash route of a question.
 *
 * @param {string} id
 * @returns {string}
 */
export const questionHash = (id) => '#/bob/questions/' + encodeURIComponent(id);

/**
 * Returns the hash route of an order.
 *
 * @param {string} id
 * @returns {string}
 */
export const orderHash = (id) => '#/bob/orders/' + encodeURIComponent(id);

/**
 * The tabs of BOB's screens: asking, ordering and, for BOB staff, the
 * workspace.
 *
 * @param {'questions'|'catalogue'|'orders'|'desk'|'saved'} current
 * @returns {HTMLElement}
 */
export function bobTabs(current) {
  const staff = isBOBStaff();
  const tabs = staff
    ? [
        ['desk', '#/bob/desk'],
        ['orders', '#/bob/orders'],
        ['catalogue', '#/bob/catalogue'],
        ['saved', '#/bob/saved'],
      ]
    : [
        ['questions', '#/bob'],
        ['catalogue', '#/bob/catalogue'],
        ['orders', '#/bob/orders'],
      ];
  const nav = h(
    'nav',
    { class: 'bob-tabs', 'aria-label': t('bob.tabsLabel') },
    h(
      'ul',
      null,
      tabs.map(([name, hash]) =>
        h('li', null, h('a', { href: hash, class: ['bob-tab', name === current && 'active'], 'aria-current': name === current ? 'page' : null, dataset: { test: 'bob-tab-' + name } }, t('bob.tabs.' + name)))
      )
    )
  );
  // the row scrolls sideways on a phone: bring the current tab into it
  // (not scrollIntoView, which would scroll the main area too)
  requestAnimationFrame(() => {
    const row = nav.firstElementChild;
    const active = /** @type {HTMLElement|null} */ (nav.querySelector('.active')?.parentElement ?? null);
    if (row && active && active.offsetLeft + active.offsetWidth > row.clientWidth) row.scrollLeft = active.offsetLeft - 12;
  });
  return nav;
}

/**
 * The message for a BOB staff screen opened by someone who is not.
 *
 * @returns {HTMLElement}
 */
export function staffOnly() {
  return h(
    'div',
    { class: 'state state-empty card', dataset: { test: 'bob-staff-only' } },
    h('h1', null, t('bob.staffOnlyTitle')),
    h('p', null, t('bob.staffOnly')),
    h('a', { class: 'btn btn-secondary', href: '#/bob' }, t('bob.tabs.questions'))
  );
}

/**
 * Reports whether the memberships have been read (a direct URL opened at
 * start-up may come before them).
 *
 * @returns {Promise<void>} resolves once the memberships are known
 */
export function membershipsKnown() {
  return new Promise((resolve) => {
    if (getState().memberships.length) return resolve();
    let tries = 0;
    const timer = setInterval(() => {
      if (getState().memberships.length || ++tries > 30) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
}

/**
 * A short inline confirmation, in place of the browser's confirm(): a
 * question and two buttons beside what it asks about.
 *
 * @param {{question: string, yes: string, test: string, onYes: () => void, onNo?: () => void}} opts
 * @returns {HTMLElement}
 */
export function confirmBox({ question, yes, test, onYes, onNo }) {
  const box = h(
    'div',
    { class: 'bob-confirm card notice', role: 'group', 'aria-label': question, dataset: { test } },
    h('p', null, question),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: test + '-no' }, on: { click: () => { box.remove(); onNo?.(); } } }, t('common.cancel')),
      h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: test + '-yes' }, on: { click: () => { box.remove(); onYes(); } } }, yes)
    )
  );
  // once shown, the focus goes to the safe answer, for keyboards and screen readers
  requestAnimationFrame(() => /** @type {HTMLElement|null} */ (box.querySelector('button'))?.focus({ preventScroll: true }));
  return box;
}

/**
 * Mounts a BOB screen once the memberships are known (being BOB staff
 * decides what a screen shows; a direct address opened at start-up comes
 * before them): a loading state until then, and for a screen of BOB's
 * workspace opened by anyone else the message that it is BOB's.
 *
 * @param {HTMLElement} el
 * @param {{staffOnly?: boolean}} opts
 * @param {(live: Live) => void} show builds the screen; live.destroyed
 *   tells it the screen is gone
 * @returns {() => void} cleanup
 */
export function mountScreen(el, opts, show) {
  const live = new Live();
  replace(el, loading());
  membershipsKnown().then(() => {
    if (live.destroyed) return;
    if (opts.staffOnly && !isBOBStaff()) replace(el, staffOnly());
    else show(live);
  });
  return () => live.destroy();
}

/** the previews asked for, one after the other */
let previews = Promise.resolve();

/**
 * Asks the server to draw a preview of an order's page
 * (POST /api/buurtplein/orders/preview): one request at a time, as the
 * server draws one preview per employee at a time and refuses a second
 * with 429 (orders_preview_busy), which is tried again shortly.
 *
 * @param {{team: string, product: string, format: string, title: string, text: string, contact: string, order?: string}} body
 * @returns {Promise<{image: string, overflow: {field: string, length: number, limit: number}[], warnings: {code: string, dpi?: number}[]}>}
 */
export function askPreview(body) {
  const asked = previews.then(() => sendPreview(body, 4));
  previews = asked.catch(() => {});
  return asked;
}

/**
 * @param {any} body
 * @param {number} tries
 * @returns {Promise<any>}
 */
async function sendPreview(body, tries) {
  try {
    return await pb.send('/api/buurtplein/orders/preview', { method: 'POST', body });
  } catch (err) {
    if (err?.status !== 429 || tries <= 1) throw err;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return sendPreview(body, tries - 1);
  }
}
