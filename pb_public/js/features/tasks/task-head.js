// The head of a task's screen: the way back to its team's board, its title
// and its badges (status, priority, due, repeat).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { statusBadge, priorityBadge, dueBadge } from './task-card.js';
import { repeatLabel, boardHash, isOverdue, partKey } from './model.js';

/**
 * Builds the head; update(task) shows a task and does nothing when none of
 * what the head shows has changed.
 *
 * @returns {{el: HTMLElement, update: (task: any) => void}}
 */
export function taskHead() {
  const el = h('div');
  let shown = '';
  return {
    el,
    update(task) {
      const teamRec = task.expand?.team;
      const key = partKey(task, ['title', 'status', 'priority', 'due', 'repeat', 'repeat_weeks'], [teamRec?.slug, teamRec?.name, isOverdue(task)]);
      if (key === shown) return;
      shown = key;
      replace(
        el,
        h(
          'div',
          { class: 'page-head' },
          teamRec && h('p', { class: 'crumbs' }, h('a', { href: boardHash(teamRec), dataset: { test: 'task-board-link' } }, '← ', t('board.title', { team: teamRec.name }))),
          h('h1', { class: 'task-title', dataset: { test: 'task-title' } }, task.title),
          h('p', { class: 'task-badges' }, statusBadge(task.status), priorityBadge(task.priority), dueBadge(task), task.repeat && h('span', { class: 'badge' }, h('span', { class: 'icon icon-repeat', 'aria-hidden': 'true' }), repeatLabel(task)))
        )
      );
    },
  };
}
