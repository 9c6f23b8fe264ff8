// The fold that edits a task on its screen (the task form, filled), with
// the delete link for those who may delete it. A change by a colleague
// while it is open leaves what was typed and says the form is out of date.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { createTaskForm } from './task-form.js';
import { partKey } from './model.js';

/**
 * @typedef {Object} TaskEditOptions
 * @property {any[]} members the team's members, to choose who does it
 * @property {(task: any) => void} onSaved after a save, with the saved task
 * @property {() => void} onDelete the delete link was clicked
 */

/**
 * Builds the edit fold. update(task, canDelete, {keepOpen}) fills it with a
 * task; with keepOpen an open fold stays as it is, marked out of date.
 *
 * @param {TaskEditOptions} options
 * @returns {{el: HTMLElement, update: (task: any, canDelete: boolean, opts?: {keepOpen?: boolean}) => void}}
 */
export function taskEdit({ members, onSaved, onDelete }) {
  const el = h('div');
  /** @type {any} */
  let task = null;
  let deletable = false;
  let shown = '';

  function build() {
    shown = keyOf(task, deletable);
    const teamRec = task.expand?.team || { id: task.team, name: '' };
    replace(
      el,
      h(
        'details',
        { class: 'card disclosure', dataset: { test: 'task-edit' } },
        h('summary', null, h('h2', null, t('task.edit'))),
        createTaskForm({ team: teamRec, members, task, onSaved, onCancel: build }),
        deletable && h('div', { class: 'danger-zone' }, h('button', { type: 'button', class: 'btn-link btn-danger-link', dataset: { test: 'task-delete' }, on: { click: onDelete } }, t('task.deleteTask')))
      )
    );
  }

  return {
    el,
    update(next, canDelete, { keepOpen = false } = {}) {
      task = next;
      deletable = canDelete;
      const open = el.querySelector('details[open]');
      if (!keepOpen) {
        build();
        return;
      }
      // a change to what the fold does not hold (the status) leaves it alone
      if (keyOf(task, deletable) === shown) return;
      if (!open) {
        build();
        return;
      }
      if (!el.querySelector('.stale-note')) open.querySelector('form')?.prepend(h('p', { class: 'stale-note notice card', role: 'status' }, t('task.staleForm')));
    },
  };
}

/**
 * @param {any} task
 * @param {boolean} deletable
 * @returns {string} what the fold holds of a task
 */
function keyOf(task, deletable) {
  return partKey(task, ['title', 'description', 'assignee', 'due', 'priority', 'checklist', 'repeat', 'repeat_weeks', 'team'], [task.expand?.assignee?.name, deletable]);
}
