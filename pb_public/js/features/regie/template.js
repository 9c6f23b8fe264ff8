// The team's template (#/regie/team/<slug>/template), for its
// coordinators: the steps in order, each with its name, the form it asks
// for, its deadline in working days, its own fields, and the steps it may
// go on to or send a case back to. The server checks the whole template
// (every step reachable, an end reachable from each, no step removed
// that open cases are in) and answers with a code, shown in words.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, toast, announce } from '../../components/ui.js';
import { mountTeamScreen, loadTemplate, isCoordinatorOf, regieTabs, casesHash, FORMS, FIELD_TYPES } from './model.js';

/** The most steps, and fields per step, a template has. */
const MAX_STEPS = 20;
const MAX_FIELDS = 20;

/**
 * Mounts the template editor.
 *
 * @param {HTMLElement} el
 * @param {{slug: string}} props
 * @returns {() => void} cleanup
 */
export function mount(el, props) {
  return mountTeamScreen(el, props.slug, (team, live) => {
    show(el, team, live);
  });
}

/**
 * @param {HTMLElement} el
 * @param {any} team
 * @param {import('../../live.js').Live} live
 */
function show(el, team, live) {
  const coordinator = isCoordinatorOf(team.id);
  const root = h('section', { class: 'regie-template', dataset: { test: 'template-editor', state: 'loading' } }, loading());
  replace(
    el,
    h('div', { class: 'page-head' }, h('h1', null, t('regie.template.title', { team: team.name })), h('p', { class: 'page-sub' }, coordinator ? t('regie.template.intro') : t('regie.template.coordinatorsOnly'))),
    regieTabs(team, 'template'),
    root
  );

  /** @type {any} */
  let record = null;
  /** @type {import('./model.js').Step[]} */
  let steps = [];
  let dirty = false;
  const error = errorLine();
  const notice = h('div', { class: 'card notice', hidden: true, dataset: { test: 'template-changed' } }, h('p', null, t('regie.template.changedElsewhere')), h('button', { type: 'button', class: 'btn btn-secondary btn-small', on: { click: () => load() } }, t('regie.template.reload')));
  const stepsBox = h('ol', { class: 'regie-steps', dataset: { test: 'template-steps' } });
  const save = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'template-save' } }, t('regie.template.save')));
  const add = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'template-add-step' }, on: { click: addStep } }, t('regie.template.addStep'));
  const form = h('form', { class: 'regie-template-form', novalidate: true, dataset: { test: 'template-form' } }, notice, stepsBox, coordinator && add, error, coordinator && h('div', { class: 'form-actions action-bar' }, h('a', { class: 'btn btn-secondary', href: casesHash(team.slug) }, t('common.cancel')), save));
  form.addEventListener('submit', submit);
  form.addEventListener('input', () => (dirty = true));

  async function load() {
    try {
      const tpl = await loadTemplate(team.id);
      if (live.destroyed) return;
      record = tpl.record;
      steps = tpl.steps;
      dirty = false;
      notice.hidden = true;
      showError(error, '');
      renderSteps();
      replace(root, form);
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed) return;
      root.dataset.state = 'error';
      replace(root, loadError(err, load));
    }
  }

  function renderSteps() {
    replace(
      stepsBox,
      steps.map((s, i) => stepCard(s, i))
    );
    add.hidden = steps.length >= MAX_STEPS;
  }

  function addStep() {
    let n = steps.length + 1;
    while (steps.some((s) => s.key === 'stap_' + n)) n++;
    steps.push({ key: 'stap_' + n, name: t('regie.template.newStepName', { n }), form: 'none', deadline_days: 0, fields: [], next: [], back: [] });
    dirty = true;
    renderSteps();
    /** @type {HTMLElement|null} */ (stepsBox.lastElementChild?.querySelector('input'))?.focus();
  }

  /**
   * @param {import('./model.js').Step} s
   * @param {number} i
   * @returns {HTMLElement}
   */
  function stepCard(s, i) {
    const id = 'step-' + i;
    const disabled = !coordinator;
    const input = (name, attrs, onValue) => {
      const el = /** @type {HTMLInputElement} */ (h('input', { id: id + '-' + name, name: id + '-' + name, disabled, ...attrs }));
      el.addEventListener('input', () => onValue(el));
      return h('div', { class: 'field' }, h('label', { for: el.id }, t('regie.template.step.' + name)), el);
    };
    const keyField = input('key', { type: 'text', value: s.key, maxlength: 40, pattern: '[a-z][a-z0-9_]{0,39}', autocomplete: 'off', spellcheck: 'false', dataset: { test: 'step-key' } }, (el) => {
      const old = s.key;
      s.key = el.value.trim();
      // the steps that named it follow the new key
      for (const other of steps) {
        other.next = other.next.map((k) => (k === old ? s.key : k));
        other.back = other.back.map((k) => (k === old ? s.key : k));
      }
    });
    keyField.querySelector('input')?.addEventListener('change', renderSteps);
    const formSelect = /** @type {HTMLSelectElement} */ (h('select', { id: id + '-form', disabled, dataset: { test: 'step-form' } }, FORMS.map((f) => h('option', { value: f, selected: s.form === f }, t('regie.form.' + f)))));
    formSelect.addEventListener('change', () => (s.form = /** @type {any} */ (formSelect.value)));
    const others = steps.filter((o) => o !== s && o.key);
    const links = (kind) =>
      h(
        'fieldset',
        { class: 'regie-fieldset', dataset: { test: 'step-' + kind } },
        h('legend', null, t('regie.template.step.' + kind)),
        others.length
          ? others.map((o) => {
              const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', disabled, checked: s[kind].includes(o.key), dataset: { test: 'step-' + kind + '-' + o.key } }));
              box.addEventListener('change', () => {
                s[kind] = box.checked ? [...s[kind].filter((k) => k !== o.key), o.key] : s[kind].filter((k) => k !== o.key);
              });
              return h('label', { class: 'regie-check' }, box, ' ', o.name || o.key);
            })
          : h('p', { class: 'hint' }, t('regie.template.noOtherSteps'))
      );
    return h(
      'li',
      { class: 'card regie-step-card', dataset: { test: 'template-step', key: s.key } },
      h(
        'div',
        { class: 'regie-step-card-head' },
        h('h2', null, t('regie.template.stepN', { n: i + 1 }), i === 0 && h('span', { class: 'badge' }, t('regie.template.start')), !s.next.length && h('span', { class: 'badge' }, t('regie.template.end'))),
        coordinator &&
          h(
            'div',
            { class: 'regie-step-tools' },
            h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: i === 0, 'aria-label': t('regie.template.up', { name: s.name }), on: { click: () => move(i, -1) } }, '↑'),
            h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: i === steps.length - 1, 'aria-label': t('regie.template.down', { name: s.name }), on: { click: () => move(i, 1) } }, '↓'),
            h('button', { type: 'button', class: 'btn-link btn-danger-link', dataset: { test: 'step-remove' }, on: { click: () => removeStep(i) } }, t('regie.template.removeStep'))
          )
      ),
      h(
        'div',
        { class: 'regie-step-grid' },
        input('name', { type: 'text', value: s.name, maxlength: 60, required: true, dataset: { test: 'step-name' } }, (el) => (s.name = el.value)),
        keyField,
        h('div', { class: 'field' }, h('label', { for: formSelect.id }, t('regie.template.step.form')), formSelect),
        input('deadline', { type: 'number', min: 0, max: 60, step: 1, inputmode: 'numeric', value: String(s.deadline_days), dataset: { test: 'step-deadline' } }, (el) => (s.deadline_days = el.value === '' ? 0 : Number(el.value)))
      ),
      h('p', { class: 'hint' }, t('regie.template.deadlineHint')),
      links('next'),
      links('back'),
      fieldsEditor(s, id, disabled)
    );
  }

  /**
   * @param {import('./model.js').Step} s
   * @param {string} id
   * @param {boolean} disabled
   * @returns {HTMLElement}
   */
  function fieldsEditor(s, id, disabled) {
    const box = h('div', { class: 'regie-fields-editor', dataset: { test: 'step-fields' } });
    const render = () => {
      replace(
        box,
        h('h3', null, t('regie.template.fields')),
        !s.fields.length && h('p', { class: 'hint' }, t('regie.template.noFields')),
        h(
          'ol',
          { class: 'regie-field-rows' },
          s.fields.map((f, j) => {
            const fid = id + '-field-' + j;
            const text = (name, value, attrs, set) => {
              const el = /** @type {HTMLInputElement} */ (h('input', { id: fid + '-' + name, type: 'text', value, disabled, autocomplete: 'off', ...attrs }));
              el.addEventListener('input', () => set(el.value));
              return h('div', { class: 'field' }, h('label', { for: el.id }, t('regie.template.field.' + name)), el);
            };
            const type = /** @type {HTMLSelectElement} */ (h('select', { id: fid + '-type', disabled, dataset: { test: 'field-type' } }, FIELD_TYPES.map((ty) => h('option', { value: ty, selected: f.type === ty }, t('regie.fieldType.' + ty)))));
            type.addEventListener('change', () => {
              f.type = /** @type {any} */ (type.value);
              render();
            });
            const required = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', disabled, checked: f.required }));
            required.addEventListener('change', () => (f.required = required.checked));
            return h(
              'li',
              { class: 'regie-field-row', dataset: { test: 'template-field', key: f.key } },
              text('label', f.label, { maxlength: 100, dataset: { test: 'field-label' } }, (v) => (f.label = v)),
              text('key', f.key, { maxlength: 40, spellcheck: 'false', dataset: { test: 'field-key' } }, (v) => (f.key = v.trim())),
              h('div', { class: 'field' }, h('label', { for: type.id }, t('regie.template.field.type')), type),
              f.type === 'choice' && text('options', (f.options || []).join(', '), { dataset: { test: 'field-options' } }, (v) => (f.options = v.split(',').map((o) => o.trim()).filter(Boolean))),
              f.type === 'choice' && h('p', { class: 'hint' }, t('regie.template.optionsHint')),
              h('label', { class: 'regie-check' }, required, ' ', t('regie.template.field.required')),
              !disabled && h('button', { type: 'button', class: 'btn-link btn-danger-link', on: { click: () => { s.fields.splice(j, 1); dirty = true; render(); } } }, t('regie.template.removeField'))
            );
          })
        ),
        !disabled &&
          s.fields.length < MAX_FIELDS &&
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-secondary btn-small',
              dataset: { test: 'field-add' },
              on: {
                click: () => {
                  let n = s.fields.length + 1;
                  while (s.fields.some((f) => f.key === 'veld_' + n)) n++;
                  s.fields.push({ key: 'veld_' + n, label: '', type: 'text', required: false, options: [] });
                  dirty = true;
                  render();
                },
              },
            },
            t('regie.template.addField')
          )
      );
    };
    render();
    return box;
  }

  function move(i, by) {
    const [s] = steps.splice(i, 1);
    steps.splice(i + by, 0, s);
    dirty = true;
    renderSteps();
  }

  function removeStep(i) {
    const [gone] = steps.splice(i, 1);
    for (const other of steps) {
      other.next = other.next.filter((k) => k !== gone.key);
      other.back = other.back.filter((k) => k !== gone.key);
    }
    dirty = true;
    renderSteps();
  }

  /** @param {Event} e */
  async function submit(e) {
    e.preventDefault();
    if (!coordinator || !record) return;
    showError(error, '');
    save.disabled = true;
    const body = {
      steps: steps.map((s) => ({
        key: s.key,
        name: s.name.trim(),
        form: s.form,
        deadline_days: s.deadline_days,
        fields: s.fields.map((f) => ({ key: f.key, label: f.label.trim(), type: f.type, required: f.required, ...(f.type === 'choice' ? { options: f.options } : {}) })),
        next: s.next,
        back: s.back,
      })),
    };
    try {
      record = await pb.collection('process_templates').update(record.id, body);
      dirty = false;
      const message = t('regie.template.saved');
      toast(message);
      announce(message);
    } catch (err) {
      const problem = describeError(err, 'regieTemplate');
      const detail = Object.entries(problem.fields).filter(([name]) => name !== 'steps' || problem.fields.steps !== problem.message).map(([, m]) => m);
      showError(error, [problem.message, ...detail].join(' '));
      error.dataset.code = problem.code || Object.values(err?.response?.data || {}).find((item) => item?.code)?.code || '';
    } finally {
      save.disabled = false;
    }
  }

  live.mark(root, [
    live.on('process_templates', '*', (ev) => {
      if (record && ev.record.id !== record.id) return;
      if (dirty) notice.hidden = false;
      else load();
    }),
  ]);
  load();
}
