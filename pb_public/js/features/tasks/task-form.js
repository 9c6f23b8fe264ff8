// The form to add a task to a team's board, or to edit one: title,
// description, who does it (or "open for the team"), due date and time,
// priority, checklist and repetition. A failed save leaves everything as
// it was typed.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { toDueValue, fromDueValue, checklistOf, PRIORITIES } from './model.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';

/**
 * @typedef {Object} TaskFormOptions
 * @property {any} team the team record
 * @property {any[]} members the team's members (users records)
 * @property {any} [task] the task to edit; none for a new one
 * @property {(task: any) => void} onSaved called with the saved task (expand assignee)
 * @property {() => void} [onCancel] shows a Cancel button that calls it
 */

/**
 * Renders the task form (form[data-test=task-form]).
 *
 * @param {TaskFormOptions} options
 * @returns {HTMLFormElement}
 */
export function createTaskForm({ team, members, task, onSaved, onCancel }) {
  const uid = Math.random().toString(36).slice(2, 8);
  const id = (name) => `task-${name}-${uid}`;
  const editing = Boolean(task);
  const due = fromDueValue(task?.due || '');
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'task-save' } }, editing ? t('taskForm.save') : t('taskForm.create'));

  const assignee = h(
    'select',
    { id: id('assignee'), name: 'assignee' },
    h('option', { value: '', selected: !task?.assignee }, t('tasks.openForTeam')),
    members.map((u) => h('option', { value: u.id, selected: task?.assignee === u.id }, u.id === currentUser()?.id ? t('taskForm.me', { name: u.name || '' }) : u.name || '?'))
  );
  // a task assigned to someone who has left the team keeps showing her
  if (task?.assignee && !members.some((u) => u.id === task.assignee)) {
    assignee.append(h('option', { value: task.assignee, selected: true }, task.expand?.assignee?.name || '?'));
  }

  const repeat = h(
    'select',
    { id: id('repeat'), name: 'repeat' },
    ['', 'daily', 'weekly', 'weeks'].map((v) => h('option', { value: v, selected: (task?.repeat || '') === v }, t('taskForm.repeatOptions.' + (v || 'none'))))
  );
  const weeksField = h(
    'div',
    { class: 'field field-weeks' },
    h('label', { for: id('weeks') }, t('taskForm.repeatWeeks')),
    h('input', { id: id('weeks'), name: 'repeat_weeks', type: 'number', inputmode: 'numeric', min: 2, max: 52, value: String(task?.repeat_weeks || 2) })
  );
  const syncWeeks = () => (weeksField.hidden = repeat.value !== 'weeks');
  repeat.addEventListener('change', syncWeeks);
  syncWeeks();

  const checklist = h('ul', { class: 'checklist-edit', dataset: { test: 'checklist-edit' } });
  const addItem = (text = '', done = false, focus = false) => {
    const input = h('input', { type: 'text', name: 'checklist', maxlength: 200, value: text, 'aria-label': t('taskForm.checklistItem'), autocomplete: 'off' });
    const row = h(
      'li',
      { class: 'checklist-edit-item', dataset: { done: done ? 'true' : 'false' } },
      input,
      h('button', { type: 'button', class: 'btn-icon', 'aria-label': t('taskForm.removeItem'), title: t('taskForm.removeItem'), on: { click: () => row.remove() } }, '×')
    );
    checklist.append(row);
    if (focus) input.focus({ preventScroll: true });
  };
  for (const item of checklistOf(task)) addItem(item.text, item.done);

  const priority = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', { class: 'visually-hidden' }, t('taskForm.priority')),
    PRIORITIES.map((p) =>
      h('label', { class: 'segment' }, h('input', { type: 'radio', name: 'priority', value: p, checked: (task?.priority || 'normal') === p }), h('span', null, t('tasks.priority.' + p)))
    )
  );

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { id: 'task-form-' + uid, class: 'task-form', dataset: { test: 'task-form' }, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: id('title') }, t('taskForm.title')), h('input', { id: id('title'), name: 'title', type: 'text', maxlength: 200, required: true, autocomplete: 'off', value: task?.title || '' })),
      h(
        'div',
        { class: 'field' },
        h('label', { for: id('description') }, t('taskForm.description'), ' ', h('span', { class: 'optional' }, t('common.optional'))),
        h('textarea', { id: id('description'), name: 'description', rows: 3, maxlength: 5000, value: task?.description || '' })
      ),
      h(
        'div',
        { class: 'form-grid' },
        h('div', { class: 'field' }, h('label', { for: id('assignee') }, t('taskForm.assignee')), assignee),
        h(
          'div',
          { class: 'field' },
          h('span', { class: 'label', id: id('due-label') }, t('taskForm.due'), ' ', h('span', { class: 'optional' }, t('common.optional'))),
          h(
            'div',
            { class: 'due-inputs', role: 'group', 'aria-labelledby': id('due-label') },
            h('input', { type: 'date', name: 'due', value: due.date, 'aria-label': t('taskForm.dueDate') }),
            h('input', { type: 'time', name: 'due_time', value: due.time, 'aria-label': t('taskForm.dueTime') })
          ),
          h('p', { class: 'hint' }, t('taskForm.dueHint'))
        )
      ),
      h('div', { class: 'field' }, h('span', { class: 'label', 'aria-hidden': 'true' }, t('taskForm.priority')), priority),
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'label' }, t('taskForm.checklist'), ' ', h('span', { class: 'optional' }, t('common.optional'))),
        checklist,
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'checklist-add' }, on: { click: () => addItem('', false, true) } }, '+ ', t('taskForm.addItem'))
      ),
      h('div', { class: 'form-grid' }, h('div', { class: 'field' }, h('label', { for: id('repeat') }, t('taskForm.repeat')), repeat), weeksField),
      error,
      h('div', { class: 'form-actions' }, onCancel && h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'task-form-cancel' }, on: { click: onCancel } }, t('common.cancel')), submit)
    )
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const me = currentUser();
    // a second button (the board's action bar) may submit it too
    if (!me || form.getAttribute('aria-busy') === 'true') return;
    const get = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name))?.value ?? '';
    const title = get('title').trim();
    const date = get('due');
    /** @type {Object<string, string>} */
    const local = {};
    if (!title) local.title = t('errors.codes.validation_required');
    if (get('due_time') && !date) local.due = t('taskForm.timeWithoutDate');
    const weeks = Number(get('repeat_weeks'));
    if (repeat.value === 'weeks' && !(weeks >= 2 && weeks <= 52)) local.repeat_weeks = t('taskForm.weeksRange');
    if (repeat.value && !date) local.repeat = t('taskForm.repeatNeedsDue');
    markFields(form, local);
    if (Object.keys(local).length) {
      showError(error, Object.keys(local).length === 1 ? Object.values(local)[0] : t('errors.checkFields'));
      /** @type {HTMLElement|null} */ (form.querySelector('[aria-invalid=true]'))?.focus();
      return;
    }

    const items = [...checklist.querySelectorAll('li')]
      .map((row) => ({ text: /** @type {HTMLInputElement} */ (row.querySelector('input')).value.trim(), done: row.dataset.done === 'true' }))
      .filter((i) => i.text);
    const data = {
      title,
      description: get('description').trim(),
      assignee: assignee.value,
      due: toDueValue(date, get('due_time')),
      priority: /** @type {HTMLInputElement|null} */ (form.querySelector('input[name=priority]:checked'))?.value || 'normal',
      checklist: items,
      repeat: repeat.value,
      repeat_weeks: repeat.value === 'weeks' ? weeks : 0,
    };

    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    showError(error, '');
    try {
      let saved;
      if (editing) {
        saved = await pb.collection('tasks').update(task.id, data, { expand: 'assignee,team,created_by' });
      } else {
        saved = await pb.collection('tasks').create({ ...data, team: team.id, status: 'open', created_by: me.id }, { expand: 'assignee,team,created_by' });
        form.reset();
        replace(checklist);
        syncWeeks();
        // reset() goes back to the attributes, and the radios were set as properties
        const normal = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name=priority][value=normal]'));
        if (normal) normal.checked = true;
      }
      markFields(form, {});
      toast(editing ? t('taskForm.saved') : t('taskForm.created', { title }));
      onSaved(saved);
    } catch (err) {
      const problem = describeError(err, editing ? 'saveTask' : 'createTask');
      markFields(form, problem.fields);
      showError(error, problem.message);
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  return form;
}
