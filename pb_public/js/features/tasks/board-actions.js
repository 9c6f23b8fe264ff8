// The action bar of a team's board, within thumb reach: "Verdelen" and
// "+ Nieuwe taak"; while the new-task form is open its Cancel and Create;
// while choosing tasks to spread, how many are chosen, Cancel and Verdelen.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';

/**
 * @typedef {{mode: 'idle'} | {mode: 'form', formId: string} | {mode: 'pick', tasks: number, members: number}} BoardBarState
 */

/**
 * @typedef {Object} BoardActionsOptions
 * @property {() => void} onNewTask
 * @property {() => void} onCloseForm
 * @property {() => void} onStartPicking
 * @property {() => void} onStopPicking
 * @property {() => Promise<void>} onDistribute spreads the chosen tasks
 */

/**
 * Builds the bar; update(state) shows the buttons for what the board is
 * doing.
 *
 * @param {BoardActionsOptions} options
 * @returns {{el: HTMLElement, update: (state: BoardBarState) => void}}
 */
export function boardActions({ onNewTask, onCloseForm, onStartPicking, onStopPicking, onDistribute }) {
  const el = h('div', { class: 'action-bar' });
  return {
    el,
    update(state) {
      if (state.mode === 'pick') {
        const go = /** @type {HTMLButtonElement} */ (
          h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'distribute-submit' }, disabled: !state.tasks || !state.members }, t('board.distribute'))
        );
        go.addEventListener('click', async () => {
          go.disabled = true;
          try {
            await onDistribute();
          } finally {
            go.disabled = false;
          }
        });
        replace(
          el,
          h('span', { class: 'action-bar-note', 'aria-live': 'polite' }, t('board.picked', { n: state.tasks }), ' · ', t('board.pickedMembers', { n: state.members })),
          h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'distribute-stop' }, on: { click: onStopPicking } }, t('common.cancel')),
          go
        );
        return;
      }
      if (state.mode === 'form') {
        // the form's own buttons are at its end; these are within thumb reach
        replace(
          el,
          h('button', { type: 'button', class: 'btn btn-secondary', on: { click: onCloseForm } }, t('common.cancel')),
          h('button', { type: 'submit', form: state.formId, class: 'btn btn-primary', dataset: { test: 'task-create' } }, t('taskForm.create'))
        );
        return;
      }
      replace(
        el,
        h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'distribute' }, on: { click: onStartPicking } }, t('board.distribute')),
        h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'new-task' }, 'aria-expanded': 'false', on: { click: onNewTask } }, '+ ', t('board.newTask'))
      );
    },
  };
}
