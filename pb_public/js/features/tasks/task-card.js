// The pieces of a task that several screens show: its card in a list or on
// a board, and its badges (status, due date, priority).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { isOverdue, formatDue, checklistOf, repeatLabel } from './model.js';
import { avatar } from '../../components/ui.js';

/**
 * Renders the due date of a task; an overdue one says so in words, with an
 * icon and in red (never by colour alone).
 *
 * @param {any} task
 * @returns {HTMLElement|null}
 */
export function dueBadge(task) {
  if (!task.due) return null;
  const overdue = isOverdue(task);
  return h(
    'span',
    { class: ['due', overdue && 'due-overdue'], dataset: { test: 'task-due' } },
    h('span', { class: ['icon', overdue ? 'icon-alert' : 'icon-clock'], 'aria-hidden': 'true' }),
    overdue ? t('tasks.overdue') + ' · ' : t('tasks.dueLabel') + ' ',
    formatDue(task.due)
  );
}

/**
 * Renders a task's status as a badge.
 *
 * @param {string} status
 * @returns {HTMLElement}
 */
export function statusBadge(status) {
  return h('span', { class: ['badge', 'status', 'status-' + status], dataset: { test: 'task-status' } }, t('tasks.status.' + status));
}

/**
 * Renders a high (or low) priority; normal says nothing.
 *
 * @param {string} priority
 * @returns {HTMLElement|null}
 */
export function priorityBadge(priority) {
  if (priority === 'high') return h('span', { class: 'badge priority-high' }, h('span', { class: 'icon icon-flag', 'aria-hidden': 'true' }), t('tasks.priority.high'));
  if (priority === 'low') return h('span', { class: 'badge priority-low' }, t('tasks.priority.low'));
  return null;
}

/**
 * @typedef {Object} CardOptions
 * @property {boolean} [showTeam] show the task's team (expand.team)
 * @property {boolean} [showAssignee] show who has it (expand.assignee)
 * @property {boolean} [showStatus] show the status badge
 * @property {any} [offer] my pending offer of this task (expand to_user, to_team)
 * @property {{selected: boolean, onToggle: (on: boolean) => void}|null} [pick]
 *   a checkbox to choose the task (for "verdelen")
 */

/**
 * Renders a task as a card that links to its detail page
 * ([data-test=task-card]).
 *
 * @param {any} task a tasks record (expand assignee and/or team)
 * @param {CardOptions} [options]
 * @returns {HTMLElement}
 */
export function taskCard(task, options = {}) {
  const { showTeam = false, showAssignee = true, showStatus = false, offer = null, pick = null } = options;
  const overdue = isOverdue(task);
  const checklist = checklistOf(task);
  const done = checklist.filter((i) => i.done).length;
  const assignee = task.expand?.assignee;
  const pickId = 'pick-' + task.id;

  return h(
    'li',
    {
      class: ['task-card', overdue && 'task-overdue', 'task-' + task.status, pick && 'task-pickable', pick?.selected && 'task-picked'],
      dataset: { test: 'task-card', id: task.id, status: task.status, assignee: task.assignee || '', overdue: overdue ? 'true' : 'false' },
    },
    pick &&
      h(
        'label',
        { class: 'task-pick', for: pickId },
        h('input', { type: 'checkbox', id: pickId, name: 'task', value: task.id, checked: pick.selected, dataset: { test: 'task-pick' }, on: { change: (e) => pick.onToggle(e.target.checked) } }),
        h('span', { class: 'visually-hidden' }, t('board.pickTask', { title: task.title }))
      ),
    h(
      'a',
      { class: 'task-link', href: '#/tasks/' + encodeURIComponent(task.id) },
      h('span', { class: 'task-card-title', dataset: { test: 'task-title' } }, task.title),
      h(
        'span',
        { class: 'task-card-meta' },
        showStatus && statusBadge(task.status),
        priorityBadge(task.priority),
        dueBadge(task),
        checklist.length > 0 && h('span', { class: 'task-checks' }, h('span', { class: 'icon icon-check', 'aria-hidden': 'true' }), t('tasks.checklistProgress', { done, total: checklist.length })),
        task.repeat && h('span', { class: 'task-repeat' }, h('span', { class: 'icon icon-repeat', 'aria-hidden': 'true' }), repeatLabel(task))
      ),
      (showAssignee || showTeam) &&
        h(
          'span',
          { class: 'task-card-foot' },
          showAssignee &&
            h(
              'span',
              { class: 'task-assignee', dataset: { test: 'task-assignee' } },
              assignee ? [avatar(assignee, 'xs'), h('span', null, assignee.name || '?')] : h('span', { class: 'task-unassigned' }, t('tasks.openForTeam'))
            ),
          showTeam && task.expand?.team && h('span', { class: 'task-team' }, task.expand.team.name)
        ),
      offer &&
        h(
          'span',
          { class: 'task-offered', dataset: { test: 'task-offered' } },
          t('tasks.offeredTo', { name: offer.expand?.to_user?.name || offer.expand?.to_team?.name || '?' })
        )
    )
  );
}
