// What a task is about, on its screen: who does it (or "open for the team",
// with a button to take it), when it is due, its team, who made it and
// when, when it was done, and its description.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { avatar } from '../../components/ui.js';
import { isActive, formatDue, partKey } from './model.js';
import { parseDate, fullDate } from '../../format.js';

/**
 * @typedef {Object} TaskFactsOptions
 * @property {() => void} onTake the signed-in employee takes the task
 */

/**
 * Builds the facts; update(task) shows a task and does nothing when none of
 * what they show has changed.
 *
 * @param {TaskFactsOptions} options
 * @returns {{el: HTMLElement, update: (task: any) => void}}
 */
export function taskFacts({ onTake }) {
  const el = h('div');
  let shown = '';
  return {
    el,
    update(task) {
      const assignee = task.expand?.assignee;
      const creator = task.expand?.created_by;
      const key = partKey(task, ['assignee', 'status', 'due', 'team', 'created', 'completed_at', 'description'], [assignee?.name, assignee?.avatar, creator?.name, task.expand?.team?.name]);
      if (key === shown) return;
      shown = key;
      const created = parseDate(task.created);
      const completed = parseDate(task.completed_at || '');
      replace(
        el,
        h(
          'section',
          { class: 'card task-facts', 'aria-label': t('task.factsLabel') },
          h(
            'dl',
            { class: 'facts' },
            h('dt', null, t('taskForm.assignee')),
            h(
              'dd',
              { dataset: { test: 'task-assignee' } },
              assignee ? h('span', { class: 'person-inline' }, avatar(assignee, 'xs'), assignee.name || '?') : h('span', { class: 'task-unassigned' }, t('tasks.openForTeam')),
              isActive(task) && !task.assignee && h('button', { type: 'button', class: 'btn btn-small btn-secondary take-button', dataset: { test: 'task-take' }, on: { click: onTake } }, t('task.take'))
            ),
            h('dt', null, t('taskForm.due')),
            h('dd', null, task.due ? formatDue(task.due) : t('task.noDue')),
            h('dt', null, t('task.team')),
            h('dd', null, task.expand?.team?.name || ''),
            h('dt', null, t('task.createdBy')),
            h('dd', null, [creator?.name, created ? fullDate(created) : ''].filter(Boolean).join(' · ')),
            completed && [h('dt', null, t('task.completedAt')), h('dd', null, fullDate(completed))]
          ),
          task.description ? h('div', { class: 'task-description', dataset: { test: 'task-description' } }, task.description) : null
        )
      );
    },
  };
}
