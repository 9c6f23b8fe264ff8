// BOB's editor of one product: name, description, whether teams can order
// it, and its price list (per format and quantity, in euros; stored in
// cents). The server checks the list (bounded, each price's format one of
// the product's).

import { h } from '../../dom.js';
import { t, getLocale } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { list } from './model.js';

/**
 * Builds the editor of a product.
 *
 * @param {any} product
 * @param {{onSaved: (p: any) => void}} opts
 * @returns {HTMLElement}
 */
export function productEdit(product, { onSaved }) {
  const id = product.id;
  const formats = list(product.formats);
  const error = errorLine();
  const rows = h('tbody', { dataset: { test: 'price-rows' } });

  function priceRow(p) {
    const n = rows.children.length;
    const tr = h(
      'tr',
      { dataset: { test: 'price-row' } },
      h('td', null, h('label', { class: 'visually-hidden', for: `pr-f-${id}-${n}` }, t('bob.catalogue.format')), h('select', { id: `pr-f-${id}-${n}`, name: 'format' }, formats.map((f) => h('option', { value: f.code, selected: f.code === p.format }, f.name || f.code)))),
      h('td', null, h('label', { class: 'visually-hidden', for: `pr-q-${id}-${n}` }, t('bob.catalogue.quantity')), h('input', { id: `pr-q-${id}-${n}`, name: 'quantity', type: 'number', min: 1, step: 1, inputmode: 'numeric', value: p.quantity ?? '' })),
      h('td', null, h('label', { class: 'visually-hidden', for: `pr-p-${id}-${n}` }, t('bob.catalogue.priceEuro')), h('input', { id: `pr-p-${id}-${n}`, name: 'price', type: 'text', inputmode: 'decimal', value: p.price != null ? euros(p.price) : '' })),
      h('td', null, h('button', { type: 'button', class: 'btn-icon', 'aria-label': t('bob.catalogue.removePrice'), on: { click: () => tr.remove() } }, '×'))
    );
    rows.append(tr);
  }
  for (const p of list(product.prices)) priceRow(p);

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'bob-product-edit', dataset: { test: 'product-edit-form' }, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'pe-name-' + id }, t('bob.catalogue.name')), h('input', { id: 'pe-name-' + id, name: 'name', type: 'text', required: true, maxlength: 120, value: product.name })),
      h('div', { class: 'field' }, h('label', { for: 'pe-desc-' + id }, t('bob.catalogue.description')), h('textarea', { id: 'pe-desc-' + id, name: 'description', rows: 3, maxlength: 2000, value: product.description || '' })),
      h('div', { class: 'field bob-check' }, h('input', { type: 'checkbox', id: 'pe-active-' + id, name: 'active', checked: Boolean(product.active) }), h('label', { for: 'pe-active-' + id }, t('bob.catalogue.active'))),
      h(
        'fieldset',
        { class: 'bob-prices-edit' },
        h('legend', null, t('bob.catalogue.prices')),
        h('table', { class: 'bob-table' }, h('thead', null, h('tr', null, h('th', null, t('bob.catalogue.format')), h('th', null, t('bob.catalogue.quantity')), h('th', null, t('bob.catalogue.priceEuro')), h('th', null, h('span', { class: 'visually-hidden' }, t('bob.catalogue.removePrice'))))), rows),
        h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'price-add' }, on: { click: () => priceRow({ format: formats[0]?.code }) } }, t('bob.catalogue.addPrice'))
      ),
      error,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'product-save' } }, t('bob.catalogue.save')))
    )
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(error, '');
    const prices = [];
    for (const tr of rows.querySelectorAll('tr')) {
      const get = (name) => /** @type {HTMLInputElement} */ (tr.querySelector(`[name=${name}]`)).value.trim();
      const amount = parseEuros(get('price'));
      const quantity = Number(get('quantity'));
      if (!Number.isFinite(amount) || amount < 0 || !Number.isInteger(quantity) || quantity < 1) {
        showError(error, t('bob.catalogue.priceInvalid'));
        return;
      }
      prices.push({ format: get('format'), quantity, price: Math.round(amount * 100) });
    }
    const data = {
      name: /** @type {HTMLInputElement} */ (form.elements.namedItem('name')).value,
      description: /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('description')).value,
      active: /** @type {HTMLInputElement} */ (form.elements.namedItem('active')).checked,
      prices,
    };
    try {
      const saved = await pb.collection('products').update(id, data);
      toast(t('bob.catalogue.saved'));
      form.closest('details')?.removeAttribute('open');
      onSaved(saved);
    } catch (err) {
      const problem = describeError(err, 'saveProduct');
      markFields(form, problem.fields);
      showError(error, problem.message);
    }
  });
  return form;
}

/**
 * Writes an amount in cents as euros for the price field: "34,50" in
 * Dutch, "34.50" in English.
 *
 * @param {number} cents
 * @returns {string}
 */
function euros(cents) {
  const text = (cents / 100).toFixed(2);
  return getLocale() === 'nl' ? text.replace('.', ',') : text;
}

/**
 * Reads an amount in euros as typed, with a decimal comma or point: the
 * last comma or point followed by at most two digits separates the cents,
 * any other is a thousands separator ("1.234,50", "1,234.50", "34,50",
 * "34.50", "1.234"); NaN when it is no amount.
 *
 * @param {string} typed
 * @returns {number}
 */
function parseEuros(typed) {
  const text = typed.replace(/[\s€]/g, '');
  if (!/^\d[\d.,]*$/.test(text)) return NaN;
  const last = Math.max(text.lastIndexOf(','), text.lastIndexOf('.'));
  if (last > 0 && text.length - last - 1 <= 2) {
    return Number(text.slice(0, last).replace(/[.,]/g, '') + '.' + (text.slice(last + 1) || '0'));
  }
  return Number(text.replace(/[.,]/g, ''));
}
