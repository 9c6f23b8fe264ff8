// A task's checklist, on its screen: a checkbox per item, ticked by anyone
// in the team, and how many are done.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { describeError } from '../../errors.js';
import { errorLine, showError } from '../../components/ui.js';
import { checklistOf } from './model.js';

/**
 * @typedef {Object} TaskChecklistOptions
 * @property {(items: {text: string, done: boolean}[]) => Promise<void>} onChange
 *   saves the checklist with one item ticked or unticked; a rejection is
 *   shown here and the box goes back
 */

/**
 * Builds the checklist; update(task) shows a task's. When only ticks
 * changed (a colleague ticked an item) the boxes change in place, so the
 * one in focus keeps it.
 *
 * @param {TaskChecklistOptions} options
 * @returns {{el: HTMLElement, update: (task: any) => void}}
 */
export function taskChecklist({ onChange }) {
  const el = h('div');
  /** @type {{text: string, done: boolean}[]} */
  let items = [];
  /** @type {HTMLInputElement[]} */
  let boxes = [];
  let count = h('span', { class: 'count' });
  const error = errorLine();

  async function toggle(n, box) {
    const next = items.map((x, i) => (i === n ? { ...x, done: box.checked } : x));
    box.disabled = true;
    showError(error, '');
    try {
      await onChange(next);
      box.disabled = false;
    } catch (err) {
      box.checked = !box.checked;
      box.disabled = false;
      showError(error, describeError(err, 'saveTask').message);
    }
  }

  function build() {
    boxes = items.map((item, n) => {
      const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', checked: item.done, dataset: { test: 'checklist-item', index: n } }));
      box.addEventListener('change', () => toggle(n, box));
      return box;
    });
    count = h('span', { class: 'count' });
    replace(
      el,
      h(
        'section',
        { class: 'card checklist', dataset: { test: 'checklist' }, 'aria-labelledby': 'checklist-heading' },
        h('h2', { id: 'checklist-heading' }, t('task.checklist'), ' ', count),
        h('ul', { class: 'checklist-items' }, items.map((item, n) => h('li', null, h('label', { class: 'check' }, boxes[n], h('span', null, item.text))))),
        error
      )
    );
  }

  return {
    el,
    update(task) {
      const next = checklistOf(task);
      if (!next.length) {
        items = [];
        boxes = [];
        replace(el);
        return;
      }
      const sameItems = next.length === items.length && next.every((x, i) => x.text === items[i].text);
      items = next;
      if (!sameItems) build();
      items.forEach((item, n) => {
        // a box waiting for its save keeps what was clicked
        if (!boxes[n].disabled) boxes[n].checked = item.done;
        boxes[n].closest('label')?.classList.toggle('check-done', item.done);
      });
      count.textContent = t('tasks.checklistProgress', { done: items.filter((i) => i.done).length, total: items.length });
    },
  };
}
