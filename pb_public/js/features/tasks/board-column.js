// One column of a team's board: the tasks of a status (Open / Bezig /
// Klaar) or of a person, as cards, with their number.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { taskCard } from './task-card.js';
import { isOverdue, partKey } from './model.js';

/**
 * @typedef {Object} BoardPick
 * @property {boolean} picking the board is choosing tasks to spread ("verdelen")
 * @property {Set<string>} picked the tasks chosen
 * @property {(taskId: string, on: boolean) => void} onToggle a task was (un)chosen
 */

/**
 * @typedef {Object} BoardColumnData
 * @property {string} heading
 * @property {any[]} tasks the column's tasks, in order
 * @property {Map<string, any>} [offers] the pending offers by task id (expand to_user, to_team)
 * @property {{showAssignee: boolean, showStatus?: boolean}} cards what the cards show
 * @property {string} [note] a line below the cards
 * @property {BoardPick} pick
 */

/**
 * Builds a column ([data-test=board-column] by status, or
 * [data-test=board-group] by person). update(data) shows its tasks and
 * does nothing when none of what it shows changed, so a change to one
 * task builds one column again, not the board.
 *
 * @param {'status'|'person'} view
 * @param {string} key the status, or the person's id ("" = open for the team)
 * @returns {{el: HTMLElement, update: (data: BoardColumnData) => void}}
 */
export function boardColumn(view, key) {
  const el = h('section', {
    class: ['board-column', 'board-column-' + key],
    dataset: { test: view === 'status' ? 'board-column' : 'board-group', [view === 'status' ? 'status' : 'user']: key },
  });
  let shown = '';
  return {
    el,
    update({ heading, tasks, cards, note, pick, offers = new Map() }) {
      const now = new Date();
      // the server spreads only tasks that are open for the team
      const pickable = (task) => pick.picking && task.status === 'open' && !task.assignee;
      const sig = JSON.stringify([
        heading,
        note || '',
        tasks.map((x) =>
          partKey(x, ['id', 'updated', 'status', 'assignee', 'title', 'due', 'priority', 'checklist', 'repeat', 'repeat_weeks'], [x.expand?.assignee?.name, x.expand?.assignee?.avatar, isOverdue(x, now), pickable(x), pick.picked.has(x.id), offers.get(x.id)?.id || ''])
        ),
      ]);
      if (sig === shown) return;
      shown = sig;
      const card = (task) =>
        taskCard(task, {
          ...cards,
          offer: offers.get(task.id) || null,
          pick: pickable(task) ? { selected: pick.picked.has(task.id), onToggle: (on) => pick.onToggle(task.id, on) } : null,
        });
      replace(
        el,
        h('h2', { class: 'board-column-heading' }, heading, ' ', h('span', { class: 'count' }, `(${tasks.length})`)),
        tasks.length ? h('ul', { class: 'task-list' }, tasks.map(card)) : h('p', { class: 'board-empty' }, t('board.emptyColumn')),
        note && h('p', { class: 'hint' }, note)
      );
    },
  };
}
