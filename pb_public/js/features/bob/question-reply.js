// The reply form under a question. The asking team writes a reply; BOB
// staff also insert a saved reply, mark the text as an internal note
// ("Interne notitie — alleen BOB ziet dit") and set the question's status
// in the same step: the reply and the status go to the server as one batch
// request, so neither lands without the other.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields } from '../../components/ui.js';
import { QUESTION_STATUSES } from './model.js';

/**
 * Builds the reply form; update(question, savedReplies) shows it for the
 * question as it is now (it keeps what was typed).
 *
 * @param {{staff: boolean, onSent: (changed: any|null) => void}} opts
 *   onSent gets the question as the server saved it when its status changed
 * @returns {{el: HTMLElement, update: (q: any, saved: any[]) => void}}
 */
export function questionReply({ staff, onSent }) {
  /** @type {any} */
  let question = null;
  const error = errorLine();
  const body = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'reply-body', name: 'body', rows: 5, required: true, maxlength: 10000 }));
  const internal = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'reply-internal', name: 'internal', dataset: { test: 'reply-internal' } }));
  const status = /** @type {HTMLSelectElement} */ (h('select', { id: 'reply-status', name: 'status', dataset: { test: 'reply-status' } }));
  const saved = /** @type {HTMLSelectElement} */ (h('select', { id: 'reply-saved', dataset: { test: 'saved-reply-pick' } }));
  const files = /** @type {HTMLInputElement} */ (h('input', { type: 'file', id: 'reply-files', name: 'attachments', class: 'file-input', multiple: true, accept: 'application/pdf,image/jpeg,image/png,image/webp' }));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'reply-submit' } }, t('bob.reply.submit'));
  /** @type {any[]} */
  let savedReplies = [];

  saved.addEventListener('change', () => {
    const pick = savedReplies.find((s) => s.id === saved.value);
    saved.value = '';
    if (!pick) return;
    // insert at the cursor, so a greeting typed first stays
    const at = body.selectionStart ?? body.value.length;
    body.value = body.value.slice(0, at) + pick.body + body.value.slice(body.selectionEnd ?? at);
    body.focus();
    body.dispatchEvent(new Event('input', { bubbles: true }));
  });
  internal.addEventListener('change', () => {
    form.classList.toggle('bob-reply-form-internal', internal.checked);
    submit.textContent = internal.checked ? t('bob.reply.submitNote') : t('bob.reply.submit');
    // a note does not answer the asker: its status stays as chosen
  });

  const form = h(
    'form',
    { class: 'card bob-reply-form', dataset: { test: 'reply-form' }, novalidate: true },
    h('h2', null, staff ? t('bob.reply.titleStaff') : t('bob.reply.title')),
    staff && h('div', { class: 'field' }, h('label', { for: 'reply-saved' }, t('bob.reply.saved')), saved),
    h('div', { class: 'field' }, h('label', { for: 'reply-body' }, t('bob.reply.body')), body),
    staff && h('div', { class: 'field bob-check' }, internal, h('label', { for: 'reply-internal' }, t('bob.reply.internal'))),
    staff && h('div', { class: 'field' }, h('label', { for: 'reply-status' }, t('bob.reply.status')), status),
    h('div', { class: 'field' }, h('label', { for: 'reply-files' }, t('bob.reply.attachments'), ' ', h('span', { class: 'optional' }, t('common.optional'))), files),
    error,
    h('div', { class: 'form-actions' }, submit)
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(error, '');
    if (!body.value.trim()) {
      markFields(/** @type {HTMLFormElement} */ (form), { body: t('errors.codes.validation_required') });
      return;
    }
    const reply = {
      question: question.id,
      author: currentUser()?.id || '',
      body: body.value,
      internal: staff && internal.checked,
      attachments: [...(files.files || [])],
    };
    const nextStatus = staff && status.value && status.value !== question.status ? status.value : '';
    submit.disabled = true;
    try {
      let changed = null;
      if (nextStatus) {
        const batch = pb.createBatch();
        batch.collection('question_replies').create(reply);
        batch.collection('questions').update(question.id, { status: nextStatus });
        const res = await batch.send();
        changed = res[1]?.body || null;
      } else {
        await pb.collection('question_replies').create(reply);
      }
      body.value = '';
      files.value = '';
      internal.checked = false;
      form.classList.remove('bob-reply-form-internal');
      submit.textContent = t('bob.reply.submit');
      markFields(/** @type {HTMLFormElement} */ (form), {});
      onSent(changed);
    } catch (err) {
      const problem = describeError(batchError(err), 'reply');
      markFields(/** @type {HTMLFormElement} */ (form), problem.fields);
      showError(error, problem.message);
    } finally {
      submit.disabled = false;
    }
  });

  return {
    el: form,
    update(q, list) {
      question = q;
      savedReplies = list;
      const fitting = list.filter((s) => !s.category || s.category === q.category);
      replace(
        saved,
        h('option', { value: '' }, fitting.length ? t('bob.reply.savedPick') : t('bob.reply.savedNone')),
        fitting.map((s) => h('option', { value: s.id }, s.title))
      );
      const keep = status.value;
      replace(
        status,
        h('option', { value: '' }, t('bob.reply.statusKeep', { status: t('bob.questionStatus.' + q.status) })),
        QUESTION_STATUSES.filter((s) => s !== q.status).map((s) => h('option', { value: s }, t('bob.questionStatus.' + s)))
      );
      if (keep && keep !== q.status) status.value = keep;
    },
  };
}

/**
 * Returns the error of the failed request inside a batch, so its codes are
 * worded (PocketBase answers a failed batch with the failing request's
 * answer under data.requests.<n>.response).
 *
 * @param {any} err
 * @returns {any}
 */
export function batchError(err) {
  const requests = err?.response?.data?.requests;
  if (requests && typeof requests === 'object') {
    for (const item of Object.values(requests)) {
      const inner = item?.response;
      if (inner && typeof inner === 'object' && inner.status) {
        return { status: inner.status, response: inner };
      }
    }
  }
  return err;
}
