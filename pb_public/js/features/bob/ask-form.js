// The form to ask BOB a question: for which team (a choice only for those
// in several), the category, the subject, the question and attachments.
// A failed request leaves what was typed.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { CATEGORIES, askingTeams } from './model.js';
import { submit as sendWrite } from '../../offline/outbox.js';

/**
 * Builds the ask form.
 *
 * @param {{onAsked: (question: any) => void}} opts
 * @returns {{el: HTMLElement}}
 */
export function askForm({ onAsked }) {
  const teams = askingTeams();
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'ask-submit' } }, t('bob.ask.submit'));

  const teamField =
    teams.length > 1
      ? h('div', { class: 'field' }, h('label', { for: 'ask-team' }, t('bob.ask.team')), h('select', { id: 'ask-team', name: 'team', required: true }, teams.map((team) => h('option', { value: team.id }, team.name))))
      : h('input', { type: 'hidden', name: 'team', value: teams[0]?.id || '' });

  const form = h(
    'form',
    { class: 'bob-ask', dataset: { test: 'ask-form' }, novalidate: true },
    teamField,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'ask-category' }, t('bob.ask.category')),
      h('select', { id: 'ask-category', name: 'category', required: true }, CATEGORIES.map((c) => h('option', { value: c }, t('bob.category.' + c))))
    ),
    h('div', { class: 'field' }, h('label', { for: 'ask-subject' }, t('bob.ask.subject')), h('input', { id: 'ask-subject', name: 'subject', type: 'text', required: true, maxlength: 200 })),
    h('div', { class: 'field' }, h('label', { for: 'ask-body' }, t('bob.ask.body')), h('textarea', { id: 'ask-body', name: 'body', rows: 6, required: true, maxlength: 10000 })),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'ask-attachments' }, t('bob.ask.attachments'), ' ', h('span', { class: 'optional' }, t('common.optional'))),
      h('input', { id: 'ask-attachments', name: 'attachments', type: 'file', class: 'file-input', multiple: true, accept: 'application/pdf,image/jpeg,image/png,image/webp' }),
      h('p', { class: 'hint' }, t('bob.ask.attachmentsHint'))
    ),
    error,
    h('div', { class: 'form-actions' }, submit)
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(error, '');
    if (!teams.length) {
      showError(error, t('bob.ask.noTeam'));
      return;
    }
    /** @type {Object<string, any>} */
    const data = Object.fromEntries([...new FormData(form)].filter(([, v]) => typeof v === 'string'));
    const files = /** @type {HTMLInputElement} */ (form.querySelector('[name=attachments]')).files;
    // a File is a Blob: the outbox keeps its bytes
    const uploads = [...(files || [])].map((f) => ({ field: 'attachments', name: f.name, type: f.type, blob: f }));
    data.asker = currentUser()?.id || '';
    submit.disabled = true;
    try {
      const outcome = await sendWrite({ kind: 'question', collection: 'questions', data, files: uploads, label: String(data.subject || ''), link: '#/bob', text: 'body' });
      form.reset();
      markFields(form, {});
      // no connection: the question waits in the outbox and is sent later
      if (outcome.queued) toast(t('outbox.queued.question'));
      else onAsked(outcome.record);
    } catch (err) {
      const problem = describeError(err, 'askQuestion');
      markFields(form, problem.fields);
      showError(error, problem.message);
    } finally {
      submit.disabled = false;
    }
  });

  return { el: form };
}
