// "Verdelen" on a team's board: the colleagues to spread the chosen open
// tasks over, each with how many tasks she has already.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { errorLine, showError } from '../../components/ui.js';

/**
 * @typedef {Object} DistributeOptions
 * @property {any[]} members the team's members
 * @property {Set<string>} picked the members chosen (kept between two rounds)
 * @property {(userId: string) => number} loadOf a member's open and in-progress tasks here
 * @property {(userId: string, on: boolean) => void} onChange a member was (un)chosen
 */

/**
 * Builds the panel ([data-test=distribute-panel]). loads(loadOf) shows the
 * members' numbers of tasks again (the board changed); error(message)
 * shows why spreading failed ("" to clear).
 *
 * @param {DistributeOptions} options
 * @returns {{el: HTMLElement, loads: (loadOf: (userId: string) => number) => void, error: (message: string) => void}}
 */
export function boardDistribute({ members, picked, loadOf, onChange }) {
  const errorEl = errorLine();
  /** @type {Map<string, HTMLElement>} */
  const counts = new Map();
  const el = h(
    'section',
    { class: 'card distribute', dataset: { test: 'distribute-panel' }, 'aria-labelledby': 'distribute-heading' },
    h('h2', { id: 'distribute-heading' }, t('board.distributeHeading')),
    h('p', { class: 'hint' }, t('board.distributeHint')),
    h(
      'fieldset',
      { class: 'member-picks' },
      h('legend', { class: 'label' }, t('board.distributeMembers')),
      members.map((u) => {
        const count = h('span', { class: 'member-sub' }, t('board.openLoad', { n: loadOf(u.id) }));
        counts.set(u.id, count);
        return h(
          'label',
          { class: 'member-pick' },
          h('input', {
            type: 'checkbox',
            name: 'member',
            value: u.id,
            checked: picked.has(u.id),
            dataset: { test: 'distribute-member' },
            on: { change: (e) => onChange(u.id, e.target.checked) },
          }),
          h('span', null, u.name || '?', ' ', count)
        );
      })
    ),
    errorEl
  );
  return {
    el,
    loads(next) {
      for (const [id, count] of counts) count.textContent = t('board.openLoad', { n: next(id) });
    },
    error(message) {
      showError(errorEl, message);
    },
  };
}
