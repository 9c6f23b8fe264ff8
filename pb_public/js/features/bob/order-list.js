// A list of orders: what, for which team, how many, the price and the
// status in words; for BOB staff the button that takes an order to its
// next step (production, shipped, delivered).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';
import { orderStatusBadge, orderHash, euro, askingTeams, BOB_NEXT } from './model.js';

/**
 * Builds the list; update(orders) shows them.
 *
 * @param {{staff: boolean, empty: string, onNext?: (order: any, to: string) => void}} opts
 * @returns {{el: HTMLElement, update: (orders: any[]) => void}}
 */
export function orderList({ staff, empty, onNext }) {
  const el = h('ul', { class: 'bob-list', dataset: { test: 'order-list' } });
  return {
    el,
    update(orders) {
      replace(el, orders.length ? orders.map((o) => orderRow(o, staff, onNext)) : h('li', { class: 'state state-empty' }, empty));
    },
  };
}

/**
 * @param {any} o
 * @param {boolean} staff
 * @param {((order: any, to: string) => void)|undefined} onNext
 * @returns {HTMLElement}
 */
function orderRow(o, staff, onNext) {
  const updated = parseDate(o.updated);
  const next = staff ? BOB_NEXT[o.status] : '';
  return h(
    'li',
    { class: 'bob-row', dataset: { test: 'order', id: o.id, status: o.status } },
    h(
      'a',
      { class: 'bob-row-link', href: orderHash(o.id) },
      h('span', { class: 'bob-row-title', dataset: { test: 'order-title' } }, o.title || o.expand?.product?.name || t('bob.order.untitled')),
      h(
        'span',
        { class: 'bob-row-meta' },
        orderStatusBadge(o.status),
        h('span', null, [o.expand?.product?.name, o.format, o.quantity && t('bob.order.pieces', { n: o.quantity })].filter(Boolean).join(' · ')),
        o.price > 0 && h('span', null, euro(o.price)),
        (staff || askingTeams().length > 1) && o.expand?.team && h('span', { class: 'bob-row-team' }, o.expand.team.name),
        updated && h('time', { datetime: updated.toISOString(), title: fullDate(updated) }, t('bob.lastActivity', { when: relativeTime(updated) }))
      )
    ),
    next && onNext && h('button', { type: 'button', class: 'btn btn-primary bob-next', dataset: { test: 'order-next', to: next }, on: { click: (e) => { e.currentTarget.disabled = true; onNext(o, next); } } }, t('bob.orderNext.' + next))
  );
}
