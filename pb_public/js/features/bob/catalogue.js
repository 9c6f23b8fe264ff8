// The catalogue (#/bob/catalogue): BOB's printed material (posters,
// flyers, ads, stickers, brochures) with its formats, papers and prices,
// and a way to order each. BOB staff also see the products teams cannot
// order and edit them. Changes arrive live on the organisation's topic.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { loading, loadError } from '../../components/ui.js';
import { mountScreen, isBOBStaff, askingTeams, bobTabs, euro, list, pricesFor } from './model.js';
import { productEdit } from './product-edit.js';

/**
 * Mounts the catalogue.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  return mountScreen(el, { staffOnly: false }, show);

  /** @param {import('../../live.js').Live} live */
  function show(live) {
    const staff = isBOBStaff();
    const root = h('section', { class: 'bob-catalogue', dataset: { test: 'catalogue', state: 'loading' } });
    const listBox = h('div', null, loading());
    replace(el, h('div', { class: 'page-head' }, h('h1', null, t('bob.catalogue.title')), h('p', { class: 'page-sub' }, t('bob.catalogue.intro'))), bobTabs('catalogue'), root);
    replace(root, listBox);

    async function load() {
      try {
        const products = await pb.collection('products').getFullList({ sort: 'kind,name' });
        if (live.destroyed) return;
        if (listBox.querySelector('[data-test=product-edit][open]')) return; // an open editor keeps what is typed
        replace(listBox, products.length ? h('ul', { class: 'bob-products' }, products.map((p) => productCard(p, staff, load))) : h('p', { class: 'state state-empty' }, t('bob.catalogue.empty')));
        root.dataset.state = 'ready';
      } catch (err) {
        if (live.destroyed) return;
        root.dataset.state = 'error';
        replace(listBox, loadError(err, load));
      }
    }
    live.mark(root, [live.on('products', '*', debounce(load, 150)), live.onReconnect(load)]);
    load();
  }
}

/**
 * @param {any} p
 * @param {boolean} staff
 * @param {() => void} reload
 * @returns {HTMLElement}
 */
function productCard(p, staff, reload) {
  const formats = list(p.formats);
  const papers = list(p.papers);
  return h(
    'li',
    { class: ['card', 'bob-product', !p.active && 'bob-product-inactive'], dataset: { test: 'product', id: p.id, kind: p.kind, active: String(Boolean(p.active)) } },
    h('h2', { dataset: { test: 'product-name' } }, p.name, h('span', { class: 'badge' }, t('bob.kind.' + p.kind)), !p.active && h('span', { class: 'badge bob-inactive' }, t('bob.catalogue.inactive'))),
    p.description && h('p', { class: 'bob-text' }, p.description),
    h(
      'dl',
      { class: 'bob-formats' },
      formats.map((f) => [
        h('dt', null, f.name || f.code, !/mm/.test(f.name || '') && h('span', { class: 'hint' }, ' ', f.round ? t('bob.catalogue.round', { d: f.width }) : t('bob.catalogue.size', { w: f.width, h: f.height }))),
        h('dd', null, priceChips(p, f.code)),
      ])
    ),
    papers.length > 0 && h('p', { class: 'hint' }, t('bob.catalogue.papers', { list: papers.map((x) => x.name || x.code).join(', ') })),
    p.active && askingTeams().length > 0 && h('a', { class: 'btn btn-primary', href: '#/bob/order/' + encodeURIComponent(p.id), dataset: { test: 'product-order' } }, t('bob.catalogue.order')),
    staff && h('details', { class: 'disclosure bob-edit', dataset: { test: 'product-edit' } }, h('summary', null, h('h3', null, t('bob.catalogue.edit'))), productEdit(p, { onSaved: reload }))
  );
}

/**
 * The quantities and prices of a product in a format, or a dash for none.
 *
 * @param {any} p
 * @param {string} format
 * @returns {HTMLElement[]|string}
 */
function priceChips(p, format) {
  const prices = pricesFor(p, format);
  return prices.length ? prices.map((q) => h('span', { class: 'chip' }, t('bob.catalogue.pricePer', { n: q.quantity, price: euro(q.price) }))) : '—';
}
