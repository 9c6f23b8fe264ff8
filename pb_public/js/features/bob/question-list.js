// A list of questions: subject, status, category, team, who has it and the
// last activity; a question flagged for waiting too long stands out (an
// icon and words, not colour alone). My team's list and BOB's queue show it.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';
import { questionStatusBadge, flagBadge, questionHash, askingTeams } from './model.js';

/**
 * Builds the list; update(questions) shows them.
 *
 * @param {{staff: boolean, empty: string}} opts staff: show the assignee
 *   (BOB's queue); the team shows for BOB staff and for those in several
 *   teams
 * @returns {{el: HTMLElement, update: (questions: any[]) => void}}
 */
export function questionList({ staff, empty }) {
  const el = h('ul', { class: 'bob-list', dataset: { test: 'question-list' } });
  return {
    el,
    update(questions) {
      const showTeam = staff || askingTeams().length > 1;
      replace(el, questions.length ? questions.map((q) => questionRow(q, staff, showTeam)) : h('li', { class: 'state state-empty' }, empty));
    },
  };
}

/**
 * @param {any} q
 * @param {boolean} staff
 * @param {boolean} showTeam
 * @returns {HTMLElement}
 */
function questionRow(q, staff, showTeam) {
  const updated = parseDate(q.updated);
  const flagged = Boolean(q.flagged) && !q.first_response;
  return h(
    'li',
    { class: ['bob-row', flagged && 'bob-row-flagged'], dataset: { test: 'question', id: q.id, status: q.status, category: q.category, flagged: String(flagged) } },
    h(
      'a',
      { class: 'bob-row-link', href: questionHash(q.id) },
      h('span', { class: 'bob-row-title', dataset: { test: 'question-subject' } }, q.subject),
      h(
        'span',
        { class: 'bob-row-meta' },
        questionStatusBadge(q.status),
        flagged && flagBadge(),
        h('span', { class: 'badge bob-category' }, t('bob.category.' + q.category)),
        showTeam && q.expand?.team && h('span', { class: 'bob-row-team' }, q.expand.team.name),
        staff && h('span', { class: 'bob-row-assignee', dataset: { test: 'question-assignee' } }, q.expand?.assignee ? t('bob.assignedTo', { name: q.expand.assignee.name }) : t('bob.unassigned')),
        updated && h('time', { datetime: updated.toISOString(), title: fullDate(updated) }, t('bob.lastActivity', { when: relativeTime(updated) }))
      )
    )
  );
}
