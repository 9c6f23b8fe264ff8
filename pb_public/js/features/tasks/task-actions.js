// The action bar of a task's screen: the status buttons (Start / Stoppen /
// Klaar / Heropenen), cancelling as a quiet link at the side, and whose
// task it is when it is someone else's: then a member gets no Start or
// Klaar as if it were theirs (the team's coordinators keep them).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { getState } from '../../store.js';
import { isActive, partKey } from './model.js';

/** @typedef {'start'|'stop'|'done'|'reopen'|'cancel'} TaskAction */

/**
 * @typedef {Object} TaskActionsOptions
 * @property {string} me the signed-in employee's id
 * @property {(action: TaskAction) => void} onAction a button was clicked
 */

/**
 * Builds the action bar ([data-test=task-actions]). update(task) shows the
 * buttons for a task's status; busy(on) disables them while a change is
 * being saved.
 *
 * @param {TaskActionsOptions} options
 * @returns {{el: HTMLElement, update: (task: any) => void, busy: (on: boolean) => void}}
 */
export function taskActions({ me, onAction }) {
  const el = h('div', { class: 'action-bar', dataset: { test: 'task-actions' } });
  let shown = '';

  /** @param {any} task */
  function build(task) {
    const buttons = [];
    const add = (test, label, cls, action) => buttons.push(h('button', { type: 'button', class: ['btn', cls], dataset: { test }, on: { click: () => onAction(action) } }, label));
    // cancelling is rare and final: a quiet link at the side, not a button
    // beside Klaar
    const cancel = isActive(task) && h('button', { type: 'button', class: 'btn-link btn-danger-link action-bar-side', dataset: { test: 'task-cancel' }, on: { click: () => onAction('cancel') } }, t('task.actions.cancel'));
    if (task.status === 'open') {
      add('task-start', t('task.actions.start'), 'btn-secondary', 'start');
      add('task-done', t('task.actions.done'), 'btn-primary', 'done');
    } else if (task.status === 'in_progress') {
      add('task-stop', t('task.actions.stop'), 'btn-secondary', 'stop');
      add('task-done', t('task.actions.done'), 'btn-primary', 'done');
    } else {
      add('task-reopen', t('task.actions.reopen'), 'btn-primary', 'reopen');
    }
    const elses = Boolean(task.assignee) && task.assignee !== me && isActive(task);
    const coordinator = getState().memberships.some((m) => m.team === task.team && m.role === 'coordinator');
    const note = elses && h('span', { class: 'action-bar-note', dataset: { test: 'task-someone-elses' } }, t('task.someoneElses', { name: task.expand?.assignee?.name || '' }));
    replace(el, note || null, cancel, elses && !coordinator ? null : buttons);
  }

  return {
    el,
    update(task) {
      const key = partKey(task, ['status', 'assignee'], [task.expand?.assignee?.name]);
      if (key === shown) return;
      shown = key;
      build(task);
    },
    busy(on) {
      for (const b of el.querySelectorAll('button')) /** @type {HTMLButtonElement} */ (b).disabled = on;
    },
  };
}
