// BOB's controls on a question: who has it (to me, to a colleague, to no
// one), its status without a reply, and "Maak er een wikipagina van": the
// answer becomes an organisation wiki page in one step, so the advice is
// not given twice.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { QUESTION_STATUSES, QUESTION_EXPAND } from './model.js';
import { partKey } from '../tasks/model.js';

/**
 * Builds BOB's panel; update(question, replies) shows it for the question
 * as it is now.
 *
 * @param {{staff: any[], onChanged: (q: any) => void}} opts staff: BOB's members
 * @returns {{el: HTMLElement, update: (q: any, replies: any[]) => void}}
 */
export function questionStaff({ staff, onChanged }) {
  const me = currentUser();
  /** @type {any} */
  let question = null;
  /** @type {any[]} */
  let replies = [];
  let shown = '';
  const error = errorLine();
  const assignee = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'q-assignee', dataset: { test: 'question-assign' } }, h('option', { value: '' }, t('bob.staff.nobody')), staff.map((u) => h('option', { value: u.id }, u.id === me?.id ? t('bob.staff.me', { name: u.name }) : u.name)))
  );
  const toMe = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'question-assign-me' } }, t('bob.staff.toMe'));
  const status = /** @type {HTMLSelectElement} */ (h('select', { id: 'q-status', dataset: { test: 'question-status-select' } }, QUESTION_STATUSES.map((s) => h('option', { value: s }, t('bob.questionStatus.' + s)))));
  const wikiBox = h('div');

  assignee.addEventListener('change', () => save({ assignee: assignee.value }, t('bob.staff.assigned')));
  toMe.addEventListener('click', () => save({ assignee: me?.id || '' }, t('bob.staff.assigned')));
  status.addEventListener('change', () => save({ status: status.value }, t('bob.staff.statusSaved')));

  const el = h(
    'section',
    { class: 'card bob-staff', dataset: { test: 'question-staff' }, 'aria-labelledby': 'bob-staff-heading' },
    h('h2', { id: 'bob-staff-heading' }, t('bob.staff.title')),
    h('div', { class: 'field' }, h('label', { for: 'q-assignee' }, t('bob.staff.assignee')), h('div', { class: 'bob-inline' }, assignee, toMe)),
    h('div', { class: 'field' }, h('label', { for: 'q-status' }, t('bob.staff.status')), status),
    error,
    wikiBox
  );

  async function save(data, message) {
    showError(error, '');
    for (const c of [assignee, status, toMe]) c.disabled = true;
    try {
      const saved = await pb.collection('questions').update(question.id, data, { expand: QUESTION_EXPAND });
      toast(message);
      onChanged(saved);
    } catch (err) {
      showError(error, describeError(err, 'changeQuestion').message);
      show(question);
    } finally {
      for (const c of [assignee, status, toMe]) c.disabled = false;
    }
  }

  function show(q) {
    assignee.value = q.assignee || '';
    status.value = q.status;
    toMe.hidden = q.assignee === me?.id;
  }

  function wikiForm() {
    if (question.wiki_page) {
      return h('p', { dataset: { test: 'wiki-made' } }, h('a', { href: '#/wiki/' + encodeURIComponent(question.wiki_page) }, t('bob.wiki.link')));
    }
    const answer = [...replies].reverse().find((r) => !r.internal && r.author !== question.asker);
    const ferror = errorLine();
    const form = h(
      'form',
      { dataset: { test: 'wiki-form' }, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'q-wiki-title' }, t('bob.wiki.pageTitle')), h('input', { id: 'q-wiki-title', name: 'title', type: 'text', required: true, maxlength: 200, value: question.subject })),
      h('div', { class: 'field' }, h('label', { for: 'q-wiki-body' }, t('bob.wiki.pageBody')), h('textarea', { id: 'q-wiki-body', name: 'body', rows: 8, required: true, value: `${question.body}\n\n${answer?.body || ''}`.trim() })),
      ferror,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'wiki-submit' } }, t('bob.wiki.submit')))
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      showError(ferror, '');
      const data = Object.fromEntries(new FormData(/** @type {HTMLFormElement} */ (form)));
      try {
        const page = await pb.send('/api/buurtplein/questions/' + encodeURIComponent(question.id) + '/wiki', { method: 'POST', body: data });
        toast(t('bob.wiki.made'));
        form.closest('details')?.removeAttribute('open');
        onChanged({ ...question, wiki_page: page?.id || question.wiki_page });
      } catch (err) {
        const problem = describeError(err, 'makeWiki');
        markFields(/** @type {HTMLFormElement} */ (form), problem.fields);
        showError(ferror, problem.message);
      }
    });
    return h('details', { class: 'disclosure bob-wiki', dataset: { test: 'wiki-make' } }, h('summary', null, h('h3', null, t('bob.wiki.make'))), h('p', { class: 'hint' }, t('bob.wiki.hint')), form);
  }

  return {
    el,
    update(q, list) {
      question = q;
      replies = list;
      show(q);
      const key = partKey(q, ['wiki_page', 'subject'], [list.length]);
      // an open wiki form keeps what is typed in it
      if (key === shown || wikiBox.querySelector('details[open]')) return;
      shown = key;
      replace(wikiBox, wikiForm());
    },
  };
}
