// The app's own dialogs: a modal confirmation instead of the browser's
// confirm(), which a phone shows as a bare system box without the app's
// words or styles, and which blocks the page's realtime and timers.

import { h } from '../dom.js';
import { t } from '../i18n.js';

/**
 * The app's own confirmation dialog (never the browser's confirm()): a
 * modal with a question and, when typed is set, a box in which the
 * person types that text before the dangerous button works.
 *
 * @param {{title: string, body: string, yes: string, no?: string, typed?: string, typedLabel?: string, test: string, onYes: () => Promise<void>}} opts
 *   no is the button that closes it (default "Annuleren": give another
 *   word when the question itself is about cancelling); onYes may throw:
 *   its message then shows in the dialog
 * @returns {HTMLDialogElement} shown already; it removes itself when closed
 */
export function confirmDialog({ title, body, yes, no, typed, typedLabel, test, onYes }) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const input = typed ? /** @type {HTMLInputElement} */ (h('input', { id: test + '-typed', type: 'text', autocomplete: 'off', spellcheck: 'false', dataset: { test: test + '-typed' } })) : null;
  const yesBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-danger', disabled: Boolean(typed), dataset: { test: test + '-yes' } }, yes));
  const noBtn = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: test + '-no' } }, no || t('common.cancel'));
  const form = h(
    'form',
    { method: 'dialog', class: 'app-dialog-form' },
    h('h2', null, title),
    h('p', null, body),
    input && h('div', { class: 'field' }, h('label', { for: input.id }, typedLabel || ''), input),
    error,
    h('div', { class: 'form-actions' }, noBtn, yesBtn)
  );
  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'app-dialog', 'aria-label': title, dataset: { test } }, form));
  input?.addEventListener('input', () => {
    yesBtn.disabled = input.value.trim() !== typed;
  });
  noBtn.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (typed && input?.value.trim() !== typed) return;
    yesBtn.disabled = true;
    error.hidden = true;
    try {
      await onYes();
      dialog.close();
    } catch (err) {
      error.textContent = String(err?.message || err);
      error.hidden = false;
      yesBtn.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  (input || noBtn).focus();
  return dialog;
}
