// Moving a case: on to a next step (answering the fields of the step it
// leaves), back to an earlier one (with a reason), closed from an end
// step, or reopened. Each is one case_steps record; the server checks the
// template and moves the client in the same transaction.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast, announce } from '../../components/ui.js';
import { stepName } from './model.js';

/**
 * Builds the panel that moves a case.
 *
 * @param {{client: any, steps: import('./model.js').Step[], onMoved: () => void}} opts
 * @returns {HTMLElement}
 */
export function moveBox({ client, steps, onMoved }) {
  const step = steps.find((s) => s.key === client.step);
  const panel = h('div', { class: 'regie-move-panel' });
  const buttons = [];
  const open = (kind, to) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.kind === kind && (b.dataset.to || '') === (to || '')));
    replace(panel, moveForm({ client, step, steps, kind, to, onMoved, onCancel: () => { replace(panel); for (const b of buttons) b.setAttribute('aria-pressed', 'false'); } }));
    /** @type {HTMLElement|null} */ (panel.querySelector('input, textarea, select, button[type=submit]'))?.focus();
  };
  const button = (kind, to, label, primary) => {
    const b = h('button', { type: 'button', class: ['btn', primary ? 'btn-primary' : 'btn-secondary'], 'aria-pressed': 'false', dataset: { test: 'move-' + kind, kind, to: to || null }, on: { click: () => open(kind, to) } }, label);
    buttons.push(b);
    return b;
  };

  if (client.status === 'closed') {
    button('reopen', '', t('regie.move.reopen'), true);
  } else if (step) {
    for (const to of step.next) button('forward', to, t('regie.move.forward', { step: stepName(steps, to) }), true);
    if (!step.next.length) button('close', '', t('regie.move.close'), true);
    if (step.back.length) button('back', '', t('regie.move.back'), false);
  }
  if (!buttons.length) return h('p', { class: 'hint' }, t('regie.move.none'));
  return h('div', { class: 'regie-move', dataset: { test: 'case-move' } }, h('div', { class: 'regie-move-buttons' }, buttons), panel);
}

/**
 * @param {{client: any, step: import('./model.js').Step|undefined, steps: import('./model.js').Step[], kind: string, to: string, onMoved: () => void, onCancel: () => void}} opts
 * @returns {HTMLElement}
 */
function moveForm({ client, step, steps, kind, to, onMoved, onCancel }) {
  const error = errorLine();
  const answers = kind === 'forward' || kind === 'close' ? step?.fields || [] : [];
  const backTo = kind === 'back' ? step?.back || [] : [];
  const submitText = {
    forward: t('regie.move.forwardSubmit', { step: stepName(steps, to) }),
    back: t('regie.move.backSubmit'),
    close: t('regie.move.closeSubmit'),
    reopen: t('regie.move.reopenSubmit'),
  }[kind];
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'move-submit' } }, submitText);

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'regie-move-form card', dataset: { test: 'move-form', kind }, novalidate: true },
      answers.length > 0 && h('p', { class: 'hint' }, t('regie.move.answersIntro', { step: step?.name || '' })),
      answers.map((f) => fieldControl(f)),
      backTo.length > 0 &&
        h(
          'fieldset',
          { class: 'regie-fieldset' },
          h('legend', null, t('regie.move.backTo')),
          backTo.map((key, i) => h('label', { class: 'regie-radio' }, h('input', { type: 'radio', name: 'to', value: key, checked: i === 0 }), ' ', stepName(steps, key)))
        ),
      kind === 'back' && h('div', { class: 'field' }, h('label', { for: 'move-reason' }, t('regie.move.reason')), h('textarea', { id: 'move-reason', name: 'reason', rows: 3, maxlength: 1000, required: true, dataset: { test: 'move-reason' } })),
      kind === 'reopen' && h('p', null, t('regie.move.reopenIntro')),
      error,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-secondary', on: { click: onCancel } }, t('common.cancel')), submit)
    )
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(error, '');
    /** @type {Object<string, any>} */
    // the step seen here: if a colleague moved the case meanwhile, the
    // server refuses this move (regie_step_moved) instead of applying it
    // to a step it was not meant for
    const body = { client: client.id, kind, from: client.step };
    if (kind === 'forward') body.to = to;
    if (kind === 'back') {
      body.to = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name=to]:checked'))?.value || '';
      body.reason = /** @type {HTMLTextAreaElement} */ (form.querySelector('[name=reason]')).value.trim();
      if (!body.reason) {
        markFields(form, { reason: t('regie.move.reasonRequired') });
        return;
      }
    }
    if (answers.length) body.answers = readAnswers(form, answers);
    submit.disabled = true;
    try {
      await pb.collection('case_steps').create(body);
      const message = t('regie.move.done.' + kind, { code: client.code, step: stepName(steps, body.to || '') });
      toast(message);
      announce(message);
      onMoved();
    } catch (err) {
      const problem = describeError(err, 'regieMove');
      // an answer the server refuses is named (by its label) in the params
      const named = err?.response?.data?.['@request']?.params?.field;
      const answer = answers.find((f) => f.label === named || f.key === named);
      markFields(form, answer ? { ...problem.fields, ['answer.' + answer.key]: problem.message } : problem.fields);
      showError(error, problem.message);
      submit.disabled = false;
      // the case shows where it is now (the panel is built anew: the
      // message goes along as a toast)
      if (problem.code === 'regie_step_moved') {
        toast(problem.message, 'error');
        onMoved();
      }
    }
  });
  return form;
}

/**
 * Renders one of a step's own fields as a form control named "answer.<key>".
 *
 * @param {import('./model.js').Field} f
 * @returns {HTMLElement}
 */
export function fieldControl(f) {
  const id = 'answer-' + f.key;
  const name = 'answer.' + f.key;
  const label = h('label', { for: id }, f.label || f.key, !f.required && [' ', h('span', { class: 'optional' }, t('common.optional'))]);
  const data = { test: 'answer', key: f.key };
  switch (f.type) {
    case 'textarea':
      return h('div', { class: 'field' }, label, h('textarea', { id, name, rows: 4, maxlength: 5000, required: f.required, dataset: data }));
    case 'date':
      return h('div', { class: 'field' }, label, h('input', { id, name, type: 'date', required: f.required, dataset: data }));
    case 'number':
      return h('div', { class: 'field' }, label, h('input', { id, name, type: 'number', step: 'any', inputmode: 'decimal', required: f.required, dataset: data }));
    case 'choice':
      return h('div', { class: 'field' }, label, h('select', { id, name, required: f.required, dataset: data }, h('option', { value: '' }, t('regie.move.choose')), (f.options || []).map((o) => h('option', { value: o }, o))));
    case 'yesno':
      return h('div', { class: 'field' }, h('label', { class: 'regie-check', for: id }, h('input', { id, name, type: 'checkbox', dataset: data }), ' ', f.label || f.key));
    default:
      return h('div', { class: 'field' }, label, h('input', { id, name, type: 'text', maxlength: 1000, required: f.required, dataset: data }));
  }
}

/**
 * Reads the answers to a step's fields: empty ones left out (the server
 * says which are required), yes/no always given.
 *
 * @param {HTMLFormElement} form
 * @param {import('./model.js').Field[]} fields
 * @returns {Object<string, any>}
 */
function readAnswers(form, fields) {
  /** @type {Object<string, any>} */
  const out = {};
  for (const f of fields) {
    const el = /** @type {HTMLInputElement|null} */ (form.querySelector(`[name="answer.${CSS.escape(f.key)}"]`));
    if (!el) continue;
    if (f.type === 'yesno') out[f.key] = el.checked;
    else if (el.value.trim() === '') continue;
    else if (f.type === 'number') out[f.key] = Number(el.value);
    else out[f.key] = el.value.trim();
  }
  return out;
}
