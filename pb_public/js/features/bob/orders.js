// Orders (#/bob/orders): my teams' orders with their status in words; for
// BOB staff the queue of every team's orders by status, where an approved
// order goes to production, then shipped, then delivered. Status changes
// arrive live (my teams' topics; BOB's for BOB staff).

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, toast, announce } from '../../components/ui.js';
import { mountScreen, isBOBStaff, bobTabs, ORDER_STATUSES, ORDER_EXPAND } from './model.js';
import { orderList } from './order-list.js';

/** The statuses in BOB's queue by default: those where someone has to act. */
const ACTIVE = ['proof', 'approved', 'production', 'shipped'];

/**
 * Mounts the orders.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  return mountScreen(el, { staffOnly: false }, show);

  /** @param {import('../../live.js').Live} live */
  function show(live) {
    const staff = isBOBStaff();
    const root = h('section', { class: 'bob-orders', dataset: { test: staff ? 'order-queue' : 'my-orders', state: 'loading' } });
    const listBox = h('div', null, loading());
    const error = errorLine();
    const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
    const status = /** @type {HTMLSelectElement} */ (
      h('select', { id: 'orders-status', dataset: { test: 'orders-status' } }, h('option', { value: 'active' }, t('bob.orders.statusActive')), ORDER_STATUSES.map((s) => h('option', { value: s }, t('bob.orderStatus.' + s))), h('option', { value: 'all' }, t('bob.orders.statusAll')))
    );
    if (!staff) status.value = 'all';
    status.addEventListener('change', () => load());
    const list = orderList({ staff, empty: staff ? t('bob.orders.queueEmpty') : t('bob.orders.empty'), onNext: next });

    replace(
      el,
      h('div', { class: 'page-head' }, h('h1', null, staff ? t('bob.orders.queueTitle') : t('bob.orders.title')), h('p', { class: 'page-sub' }, staff ? t('bob.orders.queueIntro') : t('bob.orders.intro'))),
      bobTabs('orders'),
      root
    );
    replace(
      root,
      liveNotice,
      h('div', { class: 'card bob-filters' }, h('div', { class: 'field' }, h('label', { for: 'orders-status' }, t('bob.orders.status')), status)),
      !staff && h('p', null, h('a', { class: 'btn btn-secondary', href: '#/bob/catalogue', dataset: { test: 'order-new-link' } }, t('bob.orders.new'))),
      error,
      listBox
    );

    function filter() {
      if (status.value === 'active') return ACTIVE.map((s) => `status = "${s}"`).join(' || ');
      if (status.value === 'all') return '';
      return pb.filter('status = {:s}', { s: status.value });
    }

    let reading = 0;
    async function load() {
      const mine = ++reading;
      try {
        const res = await pb.collection('orders').getList(1, 200, { filter: filter(), sort: '-updated', expand: ORDER_EXPAND, skipTotal: true });
        if (live.destroyed || mine !== reading) return;
        list.update(res.items);
        replace(listBox, list.el);
        root.dataset.state = 'ready';
      } catch (err) {
        if (live.destroyed || mine !== reading) return;
        root.dataset.state = 'error';
        replace(listBox, loadError(err, load));
      }
    }

    async function next(order, to) {
      showError(error, '');
      try {
        await pb.collection('orders').update(order.id, { status: to });
        const message = t('bob.orders.moved', { title: order.title || order.expand?.product?.name || '', status: t('bob.orderStatus.' + to) });
        toast(message);
        announce(message);
      } catch (err) {
        showError(error, describeError(err, 'moveOrder').message);
      }
      load();
    }

    const reload = debounce(() => {
      liveNotice.textContent = t('bob.orders.updatedLive');
      load();
    }, 150);
    live.mark(root, [live.on('orders', '*', reload), live.onReconnect(load)]);
    load();
  }
}
