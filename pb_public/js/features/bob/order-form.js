// The order form: product, format, paper, quantity (with its price), the
// title, text and contact line for on the print, and a photo; beside it a
// live preview the server draws from the same layout as the proof
// (debounced POST /api/buurtplein/orders/preview), with a warning per field
// whose text does not fit ("De tekst is 37 tekens te lang voor A5").
// "Vraag een proef aan" saves the draft and asks for the proof. A photo is
// kept in the draft at once, so the preview can show it.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { askingTeams, askPreview, euro, list, pricesFor, ORDER_EXPAND } from './model.js';

/** The fields of the print whose text may not fit the format. */
const TEXT_FIELDS = ['title', 'text', 'contact'];

/**
 * Builds the order form for a new order (order = null) or a draft.
 *
 * @param {{products: any[], product?: string, order: any|null, onProof: (order: any) => void, onSaved?: (order: any) => void}} opts
 * @returns {{el: HTMLElement, destroy: () => void}}
 */
export function orderForm({ products, product, order, onProof, onSaved }) {
  let current = order;
  let destroyed = false;
  const teams = askingTeams();
  const error = errorLine();
  const byId = new Map(products.map((p) => [p.id, p]));

  const teamControl = order
    ? h('input', { type: 'hidden', name: 'team', value: order.team })
    : teams.length > 1
      ? h('div', { class: 'field' }, h('label', { for: 'of-team' }, t('bob.order.team')), h('select', { id: 'of-team', name: 'team' }, teams.map((x) => h('option', { value: x.id }, x.name))))
      : h('input', { type: 'hidden', name: 'team', value: teams[0]?.id || '' });
  const productSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'of-product', name: 'product', disabled: Boolean(order) }, products.map((p) => h('option', { value: p.id, selected: p.id === (order?.product || product) }, p.name))));
  const formatSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'of-format', name: 'format' }));
  const paperSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'of-paper', name: 'paper' }));
  const quantitySel = /** @type {HTMLSelectElement} */ (h('select', { id: 'of-quantity', name: 'quantity' }));
  const title = h('input', { id: 'of-title', name: 'title', type: 'text', maxlength: 200, value: order?.title || '' });
  const text = h('textarea', { id: 'of-text', name: 'text', rows: 5, maxlength: 5000, value: order?.text || '' });
  const contact = h('input', { id: 'of-contact', name: 'contact', type: 'text', maxlength: 300, value: order?.contact || '' });
  const photo = /** @type {HTMLInputElement} */ (h('input', { id: 'of-photo', name: 'photo', type: 'file', class: 'file-input', accept: 'image/jpeg,image/png,image/webp' }));
  const photoNote = h('p', { class: 'hint', dataset: { test: 'order-photo-note' } }, order?.photo ? t('bob.order.photoKept') : t('bob.order.photoHint'));
  const overflow = Object.fromEntries(TEXT_FIELDS.map((f) => [f, h('p', { class: 'bob-overflow', role: 'status', hidden: true, dataset: { test: 'overflow', field: f } })]));
  const save = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'order-save' } }, t('bob.order.save'));
  const proof = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'order-proof' } }, t('bob.order.askProof'));

  const previewImg = /** @type {HTMLImageElement} */ (h('img', { class: 'bob-preview-img', alt: t('bob.order.previewAlt'), hidden: true, dataset: { test: 'preview-image' } }));
  const previewState = h('p', { class: 'hint', 'aria-live': 'polite' });
  const warnings = h('ul', { class: 'bob-warnings', dataset: { test: 'preview-warnings' } });
  const preview = h('section', { class: 'card bob-preview', dataset: { test: 'order-preview', state: 'idle' }, 'aria-labelledby': 'of-preview-heading' }, h('h2', { id: 'of-preview-heading' }, t('bob.order.preview')), previewState, previewImg, warnings);

  const field = (id, label, control, extra) => h('div', { class: 'field' }, h('label', { for: id }, label), control, extra);
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'bob-order-form', dataset: { test: 'order-form' }, novalidate: true },
      teamControl,
      field('of-product', t('bob.order.product'), productSel),
      h('div', { class: 'bob-order-row' }, field('of-format', t('bob.order.format'), formatSel), field('of-paper', t('bob.order.paper'), paperSel)),
      field('of-quantity', t('bob.order.quantity'), quantitySel),
      field('of-title', t('bob.order.title'), title, overflow.title),
      field('of-text', t('bob.order.text'), text, overflow.text),
      field('of-contact', t('bob.order.contact'), contact, [overflow.contact, h('p', { class: 'hint' }, t('bob.order.contactHint'))]),
      field('of-photo', t('bob.order.photo'), photo, photoNote),
      error,
      h('div', { class: 'form-actions bob-order-actions' }, save, proof)
    )
  );

  /** Fills format, paper and quantity for the chosen product. */
  function fillProduct(keep) {
    const p = byId.get(productSel.value);
    const formats = list(p?.formats);
    const papers = list(p?.papers);
    const format = keep?.format || formatSel.value;
    formatSel.replaceChildren(...formats.map((f) => h('option', { value: f.code, selected: f.code === format }, f.name || f.code)));
    const paper = keep?.paper || paperSel.value;
    paperSel.replaceChildren(...(papers.length ? papers.map((x) => h('option', { value: x.code, selected: x.code === paper }, x.name || x.code)) : [h('option', { value: '' }, '—')]));
    fillQuantities(keep?.quantity);
  }

  function fillQuantities(keep) {
    const quantity = String(keep || quantitySel.value);
    const prices = pricesFor(byId.get(productSel.value), formatSel.value);
    quantitySel.replaceChildren(...prices.map((q) => h('option', { value: String(q.quantity), selected: String(q.quantity) === quantity }, t('bob.order.quantityPrice', { n: q.quantity, price: euro(q.price) }))));
  }

  productSel.addEventListener('change', () => {
    fillProduct();
    previewSoon();
  });
  formatSel.addEventListener('change', () => {
    fillQuantities();
    previewSoon();
  });
  form.addEventListener('input', (e) => {
    if (e.target !== photo) previewSoon();
  });
  photo.addEventListener('change', async () => {
    if (!photo.files?.length) return;
    // the preview draws the draft's photo: keep it in the draft now
    if (await saveDraft()) {
      photo.value = '';
      photoNote.textContent = t('bob.order.photoKept');
      previewSoon();
    }
  });

  function formatName() {
    const f = list(byId.get(productSel.value)?.formats).find((x) => x.code === formatSel.value);
    return f?.name || formatSel.value;
  }

  let asked = 0;
  let drawing = false;
  let again = false;
  /** Draws the preview; a change while one is being drawn draws once more after it. */
  async function updatePreview() {
    if (drawing) {
      again = true;
      return;
    }
    drawing = true;
    try {
      await drawPreview();
    } finally {
      drawing = false;
      if (again && !destroyed) {
        again = false;
        updatePreview();
      }
    }
  }

  async function drawPreview() {
    const mine = ++asked;
    if (destroyed || !productSel.value || !formatSel.value) return;
    preview.dataset.state = 'loading';
    previewState.textContent = t('bob.order.previewLoading');
    const data = {
      team: /** @type {HTMLInputElement} */ (form.elements.namedItem('team')).value,
      product: productSel.value,
      format: formatSel.value,
      title: title.value,
      text: text.value,
      contact: contact.value,
      order: current?.id || '',
    };
    try {
      const res = await askPreview(data);
      if (destroyed || mine !== asked) return;
      previewImg.src = res.image;
      previewImg.hidden = false;
      previewState.textContent = '';
      const over = Array.isArray(res.overflow) ? res.overflow : [];
      for (const f of TEXT_FIELDS) {
        const o = over.find((x) => x.field === f);
        overflow[f].hidden = !o;
        overflow[f].textContent = o ? t('bob.order.overflow', { field: t('bob.order.fieldName.' + f), n: o.length - o.limit, format: formatName() }) : '';
      }
      replace(warnings, (Array.isArray(res.warnings) ? res.warnings : []).map((w) => h('li', { class: 'notice', dataset: { test: 'preview-warning', code: w.code } }, warningText(w))));
      preview.dataset.state = 'ready';
      preview.dataset.overflow = String(over.length > 0);
    } catch (err) {
      if (destroyed || err?.isAbort || mine !== asked) return;
      preview.dataset.state = 'error';
      const problem = describeError(err, 'preview');
      // the server cannot draw a page whose text does not fit: say that
      // rather than blame the photo alone
      previewState.textContent = problem.code === 'orders_render_failed' ? t('bob.order.previewFailed') : problem.message;
    }
  }
  const previewSoon = debounce(updatePreview, 400);

  /** @returns {FormData} the draft's fields (and a newly chosen photo) */
  function draftData() {
    const data = new FormData();
    for (const name of ['format', 'paper', 'quantity', 'title', 'text', 'contact']) {
      const control = /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
      data.set(name, control.value);
    }
    if (photo.files?.[0]) data.set('photo', photo.files[0]);
    return data;
  }

  /** Saves the draft; returns it, or null after showing why not. */
  async function saveDraft() {
    showError(error, '');
    const data = draftData();
    try {
      if (current) {
        current = await pb.collection('orders').update(current.id, data, { expand: ORDER_EXPAND });
      } else {
        data.set('team', /** @type {HTMLInputElement} */ (form.elements.namedItem('team')).value);
        data.set('product', productSel.value);
        data.set('requested_by', currentUser()?.id || '');
        current = await pb.collection('orders').create(data, { expand: ORDER_EXPAND });
        productSel.disabled = true;
        form.dataset.order = current.id;
      }
      markFields(form, {});
      onSaved?.(current);
      return current;
    } catch (err) {
      const problem = describeError(err, 'saveOrder');
      markFields(form, problem.fields);
      showError(error, problem.message);
      return null;
    }
  }

  save.addEventListener('click', async () => {
    save.disabled = true;
    if (await saveDraft()) toast(t('bob.order.saved'));
    save.disabled = false;
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    proof.disabled = true;
    save.disabled = true;
    try {
      if (!(await saveDraft())) return;
      try {
        const next = await pb.collection('orders').update(current.id, { status: 'proof' }, { expand: ORDER_EXPAND });
        toast(t('bob.order.proofReady'));
        onProof(next);
      } catch (err) {
        const problem = describeError(err, 'askProof');
        markFields(form, problem.fields);
        showError(error, problem.message);
      }
    } finally {
      proof.disabled = false;
      save.disabled = false;
    }
  });

  fillProduct(order ? { format: order.format, paper: order.paper, quantity: order.quantity } : null);
  previewSoon();
  return {
    el: h('div', { class: 'bob-order-layout' }, form, preview),
    destroy() {
      destroyed = true;
    },
  };
}

/**
 * Words a warning about the print (a photo of too low a resolution).
 *
 * @param {{code: string, dpi?: number}} w
 * @returns {string}
 */
export function warningText(w) {
  const key = 'bob.warning.' + w.code;
  const text = t(key, { dpi: w.dpi ?? '' });
  return text === key ? t('bob.warning.other') : text;
}
