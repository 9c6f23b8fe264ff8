// A new order (#/bob/order/<product>): the order form for a product of the
// catalogue. Asking for the proof leads to the order's screen.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { loading, loadError } from '../../components/ui.js';
import { askingTeams, bobTabs, membershipsKnown, orderHash } from './model.js';
import { orderForm } from './order-form.js';

/**
 * Mounts the form for a new order.
 *
 * @param {HTMLElement} el
 * @param {{product: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { product }) {
  let destroyed = false;
  /** @type {ReturnType<typeof orderForm>|null} */
  let form = null;

  async function load() {
    replace(el, loading());
    await membershipsKnown();
    if (destroyed) return;
    if (!askingTeams().length) {
      replace(el, h('div', { class: 'state state-empty card' }, h('h1', null, t('bob.order.newTitle')), h('p', null, t('bob.order.noTeam'))));
      return;
    }
    try {
      const products = await pb.collection('products').getFullList({ filter: 'active = true', sort: 'kind,name' });
      if (destroyed) return;
      form = orderForm({ products, product, order: null, onProof: (order) => (location.hash = orderHash(order.id)) });
      replace(el, h('div', { class: 'page-head' }, h('p', { class: 'crumbs' }, h('a', { href: '#/bob/catalogue' }, '← ', t('bob.tabs.catalogue'))), h('h1', null, t('bob.order.newTitle')), h('p', { class: 'page-sub' }, t('bob.order.newIntro'))), bobTabs('catalogue'), h('section', { class: 'bob-order-new', dataset: { test: 'order-new' } }, form.el));
    } catch (err) {
      if (!destroyed) replace(el, loadError(err, load));
    }
  }

  load();
  return () => {
    destroyed = true;
    form?.destroy();
  };
}
