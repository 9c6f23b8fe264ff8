// The new-task form on a team's board, in a card above the columns (its
// submit and cancel buttons are in the board's action bar).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { createTaskForm } from './task-form.js';

/**
 * @typedef {Object} BoardNewTaskOptions
 * @property {any} team
 * @property {any[]} members
 * @property {(task: any) => void} onSaved after the task was made
 * @property {() => void} onCancel
 */

/**
 * Builds the card with the form.
 *
 * @param {BoardNewTaskOptions} options
 * @returns {{el: HTMLElement, form: HTMLFormElement}}
 */
export function boardNewTask({ team, members, onSaved, onCancel }) {
  const form = createTaskForm({ team, members, onSaved, onCancel });
  const el = h('section', { class: 'card', 'aria-labelledby': 'new-task-heading' }, h('h2', { id: 'new-task-heading' }, t('board.newTaskHeading')), form);
  return { el, form };
}
