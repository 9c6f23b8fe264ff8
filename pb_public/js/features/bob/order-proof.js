// The proof viewer of an order: the preview of page 1 (PNG), the proof PDF
// to open (protected files, with a file token), the proof's revision and
// the warnings about the print (a photo of too low a resolution).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, getFileToken } from '../../pb.js';
import { partKey } from '../tasks/model.js';
import { warningText } from './order-form.js';
import { askPreview } from './model.js';

/**
 * Builds the viewer; update(order) shows the order's current proof (and
 * nothing when it has none).
 *
 * @returns {{el: HTMLElement, update: (order: any) => void}}
 */
export function orderProof() {
  const el = h('section', { class: 'card bob-proof', dataset: { test: 'proof' }, 'aria-labelledby': 'proof-heading', hidden: true });
  let shown = '';
  return {
    el,
    update(order) {
      const has = Boolean(order.preview || order.proof);
      const key = partKey(order, ['preview', 'proof', 'print_file', 'proof_revision', 'status']);
      el.hidden = !has;
      if (!has || key === shown) return;
      shown = key;
      const img = /** @type {HTMLImageElement} */ (h('img', { class: 'bob-proof-img', alt: t('bob.proof.alt', { n: order.proof_revision || 1 }), dataset: { test: 'proof-image' } }));
      const links = h('p', { class: 'bob-proof-links' });
      const warnings = h('ul', { class: 'bob-warnings', dataset: { test: 'proof-warnings' } });
      el.dataset.revision = String(order.proof_revision || 0);
      replace(el, h('h2', { id: 'proof-heading' }, t('bob.proof.title', { n: order.proof_revision || 1 })), img, links, warnings);
      getFileToken().then((token) => {
        if (order.preview) img.src = pb.files.getURL(order, order.preview, { token });
        replace(
          links,
          order.proof && h('a', { class: 'btn btn-secondary', href: pb.files.getURL(order, order.proof, { token }), target: '_blank', rel: 'noopener noreferrer', dataset: { test: 'proof-pdf' } }, t('bob.proof.pdf')),
          order.print_file && h('a', { class: 'btn btn-secondary', href: pb.files.getURL(order, order.print_file, { token }), target: '_blank', rel: 'noopener noreferrer', dataset: { test: 'print-file' } }, t('bob.proof.printFile'))
        );
      });
      // the warnings come with the server's drawing of the same layout
      askPreview({ team: order.team, product: order.product, format: order.format, title: order.title, text: order.text, contact: order.contact, order: order.id })
        .then((res) => replace(warnings, (Array.isArray(res.warnings) ? res.warnings : []).map((w) => h('li', { class: 'notice', dataset: { test: 'proof-warning', code: w.code } }, warningText(w)))))
        .catch(() => {
          // no warnings to show: the proof itself is there
        });
    },
  };
}
