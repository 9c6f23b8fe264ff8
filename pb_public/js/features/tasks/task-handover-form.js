// The fold that offers a task to a colleague or to another team
// ("Overdragen"), with a note. Shown only while the task is active and has
// no pending offer.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { submit as sendWrite } from '../../offline/outbox.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast, announce } from '../../components/ui.js';
import { partKey } from './model.js';

/**
 * @typedef {Object} HandoverFormOptions
 * @property {any[]} members the team's members
 * @property {string} me the signed-in employee's id (not offered to herself)
 * @property {() => Promise<any[]>} teams every team, read when the form first needs them
 * @property {() => Promise<void>} onOffered after the offer was made (before it is announced)
 */

/**
 * Builds the handover fold. update(task, shown, {keepOpen}) fills it for a
 * task, or empties it when it is not to be shown; with keepOpen an open
 * fold stays as it is.
 *
 * @param {HandoverFormOptions} options
 * @returns {{el: HTMLElement, update: (task: any, shown: boolean, opts?: {keepOpen?: boolean}) => void}}
 */
export function taskHandoverForm({ members, me, teams, onOffered }) {
  const el = h('div');
  let built = '';

  /** @param {any} task */
  function build(task) {
    const error = errorLine();
    const uid = Math.random().toString(36).slice(2, 8);
    const colleagues = members.filter((u) => u.id !== me);
    const toUser = /** @type {HTMLSelectElement} */ (
      h(
        'select',
        { id: 'handover-user-' + uid, name: 'to_user' },
        h('option', { value: '' }, t('handoverForm.chooseColleague')),
        colleagues.map((u) => h('option', { value: u.id }, u.name || '?', u.id === task.assignee ? ' ' + t('handoverForm.hasIt') : ''))
      )
    );
    const toTeam = /** @type {HTMLSelectElement} */ (h('select', { id: 'handover-team-' + uid, name: 'to_team' }, h('option', { value: '' }, t('handoverForm.chooseTeam'))));
    const userField = h('div', { class: 'field' }, h('label', { for: 'handover-user-' + uid }, t('handoverForm.colleague')), toUser);
    const teamField = h('div', { class: 'field', hidden: true }, h('label', { for: 'handover-team-' + uid }, t('handoverForm.team')), toTeam, h('p', { class: 'hint' }, t('handoverForm.teamHint')));
    const fillTeams = async () => {
      if (toTeam.options.length > 1) return;
      try {
        for (const team of await teams()) if (team.id !== task.team) toTeam.append(h('option', { value: team.id }, team.name));
      } catch (err) {
        toast(describeError(err).message, 'error');
      }
    };
    const target = h(
      'fieldset',
      { class: 'segmented' },
      h('legend', { class: 'visually-hidden' }, t('handoverForm.to')),
      ['user', 'team'].map((v) =>
        h(
          'label',
          { class: 'segment' },
          h('input', {
            type: 'radio',
            name: 'target',
            value: v,
            checked: v === 'user',
            on: {
              change: async () => {
                userField.hidden = v !== 'user';
                teamField.hidden = v !== 'team';
                if (v === 'team') await fillTeams();
              },
            },
          }),
          h('span', null, t('handoverForm.target.' + v))
        )
      )
    );
    const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'handover-submit' } }, t('handoverForm.submit')));
    const form = /** @type {HTMLFormElement} */ (
      h(
        'form',
        { dataset: { test: 'handover-form' }, novalidate: true },
        h('p', { class: 'hint' }, t('handoverForm.intro')),
        h('div', { class: 'field' }, target),
        userField,
        teamField,
        h('div', { class: 'field' }, h('label', { for: 'handover-note-' + uid }, t('handoverForm.note'), ' ', h('span', { class: 'optional' }, t('common.optional'))), h('textarea', { id: 'handover-note-' + uid, name: 'note', rows: 3, maxlength: 2000, placeholder: t('handoverForm.notePlaceholder') })),
        error,
        h('div', { class: 'form-actions' }, submit)
      )
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const toTeamMode = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name=target]:checked'))?.value === 'team';
      const data = {
        task: task.id,
        from_user: me,
        status: 'pending',
        note: /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('note')).value.trim(),
        to_user: toTeamMode ? '' : toUser.value,
        to_team: toTeamMode ? toTeam.value : '',
      };
      const missing = toTeamMode ? (!data.to_team ? { to_team: t('handoverForm.pickTeam') } : {}) : !data.to_user ? { to_user: t('handoverForm.pickColleague') } : {};
      markFields(form, missing);
      if (Object.keys(missing).length) {
        showError(error, Object.values(missing)[0]);
        return;
      }
      submit.disabled = true;
      showError(error, '');
      try {
        const name = toTeamMode ? toTeam.selectedOptions[0]?.textContent : toUser.selectedOptions[0]?.textContent;
        const outcome = await sendWrite({ kind: 'handover', collection: 'task_transfers', data, label: task.title, link: '#/tasks/' + task.id });
        if (outcome.queued) {
          // no connection: the offer waits in the outbox, in order
          form.reset();
          submit.disabled = false;
          const message = t('outbox.queued.handover', { name: String(name || '').trim() });
          toast(message);
          announce(message);
          return;
        }
        await onOffered();
        const message = t('handoverForm.offered', { name: String(name || '').trim() });
        toast(message);
        announce(message);
      } catch (err) {
        const problem = describeError(err, 'offer');
        markFields(form, problem.fields);
        showError(error, problem.message);
        submit.disabled = false;
      }
    });
    replace(el, h('details', { class: 'card disclosure', dataset: { test: 'task-handover' } }, h('summary', null, h('h2', null, t('handoverForm.heading'))), form));
  }

  return {
    el,
    update(task, shown, { keepOpen = false } = {}) {
      if (!shown) {
        built = '';
        replace(el);
        return;
      }
      const key = partKey(task, ['id', 'team', 'assignee']);
      // an open form keeps what was typed; a closed one is filled again
      // only when what it holds changed
      if (keepOpen && (el.querySelector('details[open]') || key === built)) return;
      built = key;
      build(task);
    },
  };
}
