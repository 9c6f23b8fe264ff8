// The columns of a team's board with the line above them (how many tasks,
// how many overdue): by status (Open / Bezig / Klaar) or by person (open
// for the team, me, then the colleagues).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { compareTasks, isOverdue } from './model.js';
import { boardColumn } from './board-column.js';

/** Done tasks the board shows, the most recently done first. */
export const DONE_SHOWN = 20;

/**
 * @typedef {Object} BoardData
 * @property {'status'|'person'} view
 * @property {any[]} tasks the board's tasks (open, in progress, recently done)
 * @property {any[]} members the team's members
 * @property {string} me the signed-in employee's id
 * @property {boolean} more there are more active tasks to load
 * @property {import('./board-column.js').BoardPick} pick
 */

/**
 * Builds the columns. update(data) sorts the tasks into their columns and
 * tells each column its tasks; only a column whose cards changed builds
 * itself again, and a chosen task's checkbox keeps the focus.
 *
 * @returns {{nodes: HTMLElement[], update: (data: BoardData) => void}} nodes:
 *   what goes into the board, in order (a heading for screen readers, the
 *   summary, the columns)
 */
export function boardColumns() {
  const title = h('h2', { class: 'visually-hidden' });
  const summary = h('p', { class: 'board-summary', dataset: { test: 'board-summary' } });
  const grid = h('div', { class: 'board-columns' });
  let view = '';
  /** @type {Map<string, ReturnType<typeof boardColumn>>} */
  let columns = new Map();

  return {
    nodes: [title, summary, grid],
    update({ view: nextView, tasks, members, me, more, pick, offers }) {
      if (nextView !== view) {
        view = nextView;
        columns = new Map();
        grid.className = 'board-columns board-' + view;
        title.textContent = t('board.view.' + view);
      }
      const sorted = tasks.filter((x) => x.status !== 'done').sort(compareTasks);
      const done = tasks.filter((x) => x.status === 'done').sort((a, b) => String(b.completed_at || b.updated).localeCompare(String(a.completed_at || a.updated)));
      const overdue = sorted.filter((x) => isOverdue(x)).length;
      // in the words and numbers of the columns: open and in progress
      const counts = { n: sorted.length, open: sorted.filter((x) => x.status === 'open').length, busy: sorted.filter((x) => x.status === 'in_progress').length };
      summary.dataset.open = String(counts.open);
      summary.dataset.busy = String(counts.busy);
      replace(
        summary,
        more ? t('board.summaryMore', counts) : t('board.summary', counts),
        overdue > 0 && h('span', { class: 'due due-overdue' }, ' ', h('span', { class: 'icon icon-alert', 'aria-hidden': 'true' }), t('board.overdueCount', { n: overdue }))
      );

      /** @type {Array<[string, import('./board-column.js').BoardColumnData]>} */
      let wanted;
      if (view === 'status') {
        const cards = { showAssignee: true };
        wanted = [
          ['open', { heading: t('tasks.status.open'), tasks: sorted.filter((x) => x.status === 'open'), cards, pick }],
          ['in_progress', { heading: t('tasks.status.in_progress'), tasks: sorted.filter((x) => x.status === 'in_progress'), cards, pick }],
          ['done', { heading: t('tasks.status.done'), tasks: done, cards, note: done.length >= DONE_SHOWN ? t('board.doneLimited', { n: DONE_SHOWN }) : '', pick }],
        ];
      } else {
        const cards = { showAssignee: false, showStatus: true };
        const ids = new Set(members.map((u) => u.id));
        // someone who left the team may still hold tasks until the server returns them
        const others = [...new Map(sorted.filter((x) => x.assignee && !ids.has(x.assignee)).map((x) => [x.assignee, x.expand?.assignee || { id: x.assignee, name: '?' }])).values()];
        const people = [...members.filter((u) => u.id === me), ...members.filter((u) => u.id !== me), ...others];
        wanted = [
          ['', { heading: t('tasks.openForTeam'), tasks: sorted.filter((x) => !x.assignee), cards, pick }],
          ...people.map((u) => /** @type {[string, any]} */ ([u.id, { heading: u.id === me ? t('board.you', { name: u.name || '' }) : u.name || '?', tasks: sorted.filter((x) => x.assignee === u.id), cards, pick }])),
        ];
      }

      // a column built again takes the focus with it: put it back on the
      // same task's checkbox
      const focused = /** @type {HTMLElement|null} */ (document.activeElement);
      const focusedPick = grid.contains(focused) && focused?.matches('input[name=task]') ? /** @type {HTMLInputElement} */ (focused).value : '';

      const next = new Map();
      for (const [key, data] of wanted) {
        const column = columns.get(key) || boardColumn(view, key);
        column.update({ ...data, offers });
        next.set(key, column);
      }
      columns = next;
      const els = [...next.values()].map((c) => c.el);
      if (els.length !== grid.children.length || els.some((x, i) => grid.children[i] !== x)) replace(grid, els);

      if (focusedPick && !focused?.isConnected) /** @type {HTMLElement|null} */ (grid.querySelector(`input[name=task][value="${CSS.escape(focusedPick)}"]`))?.focus({ preventScroll: true });
    },
  };
}
