// The switch between a board by status and a board by person.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';

/**
 * Builds the switch ([data-test=board-view]).
 *
 * @param {'status'|'person'} view the view shown first
 * @param {(view: 'status'|'person') => void} onChange
 * @returns {HTMLElement}
 */
export function boardViewSwitch(view, onChange) {
  return h(
    'fieldset',
    { class: 'segmented view-toggle', dataset: { test: 'board-view' } },
    h('legend', { class: 'visually-hidden' }, t('board.viewLabel')),
    /** @type {Array<'status'|'person'>} */ (['status', 'person']).map((v) =>
      h('label', { class: 'segment' }, h('input', { type: 'radio', name: 'view', value: v, checked: view === v, on: { change: () => onChange(v) } }), h('span', null, t('board.view.' + v)))
    )
  );
}
