// The records a case's steps ask for: the referral (melding), the
// conversations (gesprek, with protected attachments) and the plan (regie:
// goals, agreed actions, the regisseur, a review date). Each part shows
// what the case has and a form to add to it; the plan's form edits the
// latest plan too. The server copies the client's team and sets me as
// the author; a plan's actions become tasks of the team.

import { h, replace, formValues } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser, getFileToken } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { parseDate, fullDate } from '../../format.js';
import { SOURCES, URGENCIES, list, calendarDate, today } from './model.js';

/**
 * @param {string} label
 * @param {string} id
 * @param {HTMLElement} control
 * @param {boolean} [optional]
 * @returns {HTMLElement}
 */
function field(label, id, control, optional) {
  return h('div', { class: 'field' }, h('label', { for: id }, label, optional && [' ', h('span', { class: 'optional' }, t('common.optional'))]), control);
}

/**
 * Submits a part's form: shows the coded errors, and calls done after a
 * success.
 *
 * @param {HTMLFormElement} form
 * @param {HTMLElement} error
 * @param {HTMLButtonElement} submit
 * @param {() => Promise<any>} send
 * @param {string} saved the toast after a success
 * @param {() => void} done
 */
async function submitPart(form, error, submit, send, saved, done) {
  showError(error, '');
  submit.disabled = true;
  try {
    await send();
    markFields(form, {});
    toast(saved);
    done();
  } catch (err) {
    const problem = describeError(err, 'regiePart');
    markFields(form, problem.fields);
    showError(error, problem.message);
  } finally {
    submit.disabled = false;
  }
}

/**
 * The referrals of a case.
 *
 * @param {any[]} referrals newest first
 * @returns {HTMLElement}
 */
export function referralList(referrals) {
  if (!referrals.length) return h('p', { class: 'hint', dataset: { test: 'referrals-empty' } }, t('regie.referral.none'));
  return h(
    'ul',
    { class: 'regie-parts', dataset: { test: 'referrals' } },
    referrals.map((r) =>
      h(
        'li',
        { class: 'regie-part', dataset: { test: 'referral', id: r.id } },
        h('p', { class: 'regie-part-head' }, h('span', { class: ['badge', 'regie-urgency', 'regie-urgency-' + r.urgency], dataset: { test: 'urgency', urgency: r.urgency } }, t('regie.referral.urgencyIs', { level: t('regie.urgency.' + r.urgency) })), ' ', t('regie.source.' + r.source), ' · ', calendarDate(r.received)),
        h('p', { class: 'regie-text' }, r.reason),
        r.expand?.author && h('p', { class: 'hint' }, t('regie.by', { name: r.expand.author.name }))
      )
    )
  );
}

/**
 * The form for a new referral.
 *
 * @param {{client: any, onSaved: () => void}} opts
 * @returns {HTMLElement}
 */
export function referralForm({ client, onSaved }) {
  const error = errorLine();
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'referral-submit' } }, t('regie.referral.save')));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'regie-form', dataset: { test: 'referral-form' }, novalidate: true },
      field(t('regie.referral.source'), 'referral-source', h('select', { id: 'referral-source', name: 'source', required: true }, SOURCES.map((s) => h('option', { value: s }, t('regie.source.' + s))))),
      field(t('regie.referral.reason'), 'referral-reason', h('textarea', { id: 'referral-reason', name: 'reason', rows: 4, required: true, maxlength: 2000 })),
      h(
        'fieldset',
        { class: 'segmented' },
        h('legend', null, t('regie.referral.urgency')),
        URGENCIES.map((u) => h('label', { class: 'segment' }, h('input', { type: 'radio', name: 'urgency', value: u, checked: u === 'green' }), h('span', null, t('regie.urgency.' + u)))),
        h('p', { class: 'hint' }, t('regie.referral.urgencyHint'))
      ),
      field(t('regie.referral.received'), 'referral-received', h('input', { id: 'referral-received', name: 'received', type: 'date', required: true, value: today() })),
      error,
      h('div', { class: 'form-actions' }, submit)
    )
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    submitPart(form, error, submit, () => pb.collection('referrals').create({ client: client.id, source: v.source, reason: v.reason.trim(), urgency: v.urgency, received: v.received }), t('regie.referral.saved'), () => {
      form.reset();
      /** @type {HTMLInputElement} */ (form.querySelector('[name=received]')).value = today();
      onSaved();
    });
  });
  return form;
}

/**
 * The conversations of a case, with links to their attachments (each
 * download is logged by the server).
 *
 * @param {any[]} conversations newest first
 * @returns {HTMLElement}
 */
export function conversationList(conversations) {
  if (!conversations.length) return h('p', { class: 'hint', dataset: { test: 'conversations-empty' } }, t('regie.conversation.none'));
  return h(
    'ul',
    { class: 'regie-parts', dataset: { test: 'conversations' } },
    conversations.map((c) =>
      h(
        'li',
        { class: 'regie-part', dataset: { test: 'conversation', id: c.id } },
        h('p', { class: 'regie-part-head' }, calendarDate(c.date), c.participants && [' · ', c.participants]),
        c.notes && h('p', { class: 'regie-text' }, c.notes),
        c.outcome && h('p', { class: 'regie-text' }, h('strong', null, t('regie.conversation.outcome') + ': '), c.outcome),
        list(c.attachments).length > 0 && h('ul', { class: 'regie-files' }, list(c.attachments).map((name) => h('li', null, attachmentLink(c, name)))),
        c.expand?.author && h('p', { class: 'hint' }, t('regie.by', { name: c.expand.author.name }))
      )
    )
  );
}

/**
 * A button that opens a protected attachment with a fresh file token.
 *
 * @param {any} record
 * @param {string} name
 * @returns {HTMLElement}
 */
function attachmentLink(record, name) {
  return h(
    'button',
    {
      type: 'button',
      class: 'btn-link',
      on: {
        click: async () => {
          const token = await getFileToken(true);
          window.open(pb.files.getURL(record, name, { token }), '_blank', 'noopener');
        },
      },
    },
    name.replace(/_[a-z0-9]{10}(\.[^.]+)$/i, '$1')
  );
}

/**
 * The form for a new conversation.
 *
 * @param {{client: any, onSaved: () => void}} opts
 * @returns {HTMLElement}
 */
export function conversationForm({ client, onSaved }) {
  const error = errorLine();
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'conversation-submit' } }, t('regie.conversation.save')));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'regie-form', dataset: { test: 'conversation-form' }, novalidate: true },
      field(t('regie.conversation.date'), 'conversation-date', h('input', { id: 'conversation-date', name: 'date', type: 'date', required: true, value: today() })),
      field(t('regie.conversation.participants'), 'conversation-participants', h('input', { id: 'conversation-participants', name: 'participants', type: 'text', maxlength: 500 }), true),
      field(t('regie.conversation.notes'), 'conversation-notes', h('textarea', { id: 'conversation-notes', name: 'notes', rows: 5, maxlength: 10000 }), true),
      field(t('regie.conversation.outcome'), 'conversation-outcome', h('textarea', { id: 'conversation-outcome', name: 'outcome', rows: 3, maxlength: 2000 }), true),
      field(t('regie.conversation.attachments'), 'conversation-attachments', h('input', { id: 'conversation-attachments', name: 'attachments', type: 'file', class: 'file-input', multiple: true, accept: 'application/pdf,image/jpeg,image/png,image/webp' }), true),
      error,
      h('div', { class: 'form-actions' }, submit)
    )
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    data.delete('attachments');
    for (const file of /** @type {HTMLInputElement} */ (form.querySelector('[name=attachments]')).files || []) data.append('attachments', file);
    data.set('client', client.id);
    submitPart(form, error, submit, () => pb.collection('conversations').create(data), t('regie.conversation.saved'), () => {
      form.reset();
      /** @type {HTMLInputElement} */ (form.querySelector('[name=date]')).value = today();
      onSaved();
    });
  });
  return form;
}

/**
 * The plans of a case: the latest in full, its actions with their tasks.
 *
 * @param {any[]} plans newest first
 * @param {any[]} people the team's members
 * @returns {HTMLElement}
 */
export function planList(plans, people) {
  if (!plans.length) return h('p', { class: 'hint', dataset: { test: 'plans-empty' } }, t('regie.plan.none'));
  const nameOf = (id) => people.find((p) => p.id === id)?.name || '';
  return h(
    'ul',
    { class: 'regie-parts', dataset: { test: 'plans' } },
    plans.map((p) =>
      h(
        'li',
        { class: 'regie-part', dataset: { test: 'plan', id: p.id } },
        h('p', { class: 'regie-part-head' }, t('regie.plan.regisseurIs', { name: p.expand?.regisseur?.name || nameOf(p.regisseur) }), p.review_date && [' · ', t('regie.plan.reviewOn', { date: calendarDate(p.review_date) })]),
        p.goals && h('p', { class: 'regie-text' }, p.goals),
        list(p.actions).length > 0 &&
          h(
            'ul',
            { class: 'regie-actions' },
            list(p.actions).map((a) =>
              h(
                'li',
                { dataset: { test: 'plan-action' } },
                a.task ? h('a', { href: '#/tasks/' + encodeURIComponent(a.task) }, a.text) : a.text,
                (a.assignee || a.due) && h('span', { class: 'hint' }, ' · ', [nameOf(a.assignee), a.due && calendarDate(a.due)].filter(Boolean).join(' · '))
              )
            )
          ),
        h('p', { class: 'hint' }, t('regie.plan.updated', { when: fullDate(parseDate(p.updated) || new Date()) }))
      )
    )
  );
}

/**
 * The people a picker offers: a blocked account is nobody's to choose,
 * except the one already chosen, which the form keeps as it was.
 *
 * @param {any[]} people the team's members
 * @param {string} [chosen] the id chosen now
 * @returns {any[]}
 */
function pickable(people, chosen) {
  return people.filter((p) => !p.disabled || p.id === chosen);
}

/**
 * The form for a plan: a new one, or the latest one to change (its
 * actions keep their tasks; new actions become new tasks).
 *
 * @param {{client: any, plan: any|null, people: any[], onSaved: () => void}} opts
 * @returns {HTMLElement}
 */
export function planForm({ client, plan, people, onSaved }) {
  const error = errorLine();
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'plan-submit' } }, plan ? t('regie.plan.update') : t('regie.plan.save')));
  const me = currentUser()?.id || '';
  const regisseur = plan?.regisseur || (people.some((p) => p.id === me) ? me : '');
  const actionsBox = h('ol', { class: 'regie-action-rows' });
  let seq = 0;
  const addAction = (a) => {
    const n = ++seq;
    const row = h(
      'li',
      { class: 'regie-action-row card', dataset: { test: 'plan-action-row', id: a?.id || '', task: a?.task || '' } },
      field(t('regie.plan.actionText'), 'action-text-' + n, h('input', { id: 'action-text-' + n, name: 'text', type: 'text', maxlength: 200, value: a?.text || '' })),
      field(
        t('regie.plan.actionAssignee'),
        'action-assignee-' + n,
        h('select', { id: 'action-assignee-' + n, name: 'assignee' }, h('option', { value: '' }, t('regie.plan.nobody')), pickable(people, a?.assignee).map((p) => h('option', { value: p.id, selected: p.id === a?.assignee }, p.name))),
        true
      ),
      field(t('regie.plan.actionDue'), 'action-due-' + n, h('input', { id: 'action-due-' + n, name: 'due', type: 'date', value: String(a?.due || '').slice(0, 10) }), true),
      !a?.task && h('button', { type: 'button', class: 'btn-link btn-danger-link', on: { click: () => row.remove() } }, t('regie.plan.removeAction'))
    );
    actionsBox.append(row);
  };
  for (const a of list(plan?.actions)) addAction(a);

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'regie-form', dataset: { test: 'plan-form' }, novalidate: true },
      field(t('regie.plan.regisseur'), 'plan-regisseur', h('select', { id: 'plan-regisseur', name: 'regisseur', required: true }, h('option', { value: '', disabled: true, selected: !regisseur }, t('regie.plan.chooseRegisseur')), pickable(people, regisseur).map((p) => h('option', { value: p.id, selected: p.id === regisseur }, p.name)))),
      field(t('regie.plan.goals'), 'plan-goals', h('textarea', { id: 'plan-goals', name: 'goals', rows: 4, maxlength: 5000, value: plan?.goals || '' }), true),
      field(t('regie.plan.reviewDate'), 'plan-review', h('input', { id: 'plan-review', name: 'review_date', type: 'date', value: String(plan?.review_date || '').slice(0, 10) }), true),
      h('h4', null, t('regie.plan.actions')),
      actionsBox,
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'plan-add-action' }, on: { click: () => addAction(null) } }, t('regie.plan.addAction')),
      error,
      h('div', { class: 'form-actions' }, submit)
    )
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const actions = [...actionsBox.children].map((row) => {
      const el = /** @type {HTMLElement} */ (row);
      const get = (name) => /** @type {HTMLInputElement} */ (el.querySelector(`[name=${name}]`)).value;
      /** @type {Object<string, string>} */
      // a new action gets its id, and its task, from the server
      const a = { text: get('text').trim(), assignee: get('assignee'), due: get('due') };
      if (el.dataset.id) a.id = el.dataset.id;
      if (el.dataset.task) a.task = el.dataset.task;
      return a;
    }).filter((a) => a.text || a.task);
    const v = formValues(form);
    const body = { regisseur: v.regisseur, goals: v.goals.trim(), review_date: v.review_date, actions };
    submitPart(
      form,
      error,
      submit,
      () => (plan ? pb.collection('plans').update(plan.id, body) : pb.collection('plans').create({ ...body, client: client.id })),
      t('regie.plan.saved'),
      onSaved
    );
  });
  return form;
}

/**
 * Wraps a form in a disclosure that starts closed.
 *
 * @param {string} title
 * @param {string} test
 * @param {HTMLElement} form
 * @returns {HTMLElement}
 */
export function disclosure(title, test, form) {
  return h('details', { class: 'disclosure regie-disclosure', dataset: { test } }, h('summary', null, h('h3', null, title)), form);
}

/**
 * Replaces a box's content with a fresh disclosure, keeping it open when
 * it was.
 *
 * @param {HTMLElement} box
 * @param {HTMLElement} next
 */
export function swapDisclosure(box, next) {
  const wasOpen = /** @type {HTMLDetailsElement|null} */ (box.querySelector('details'))?.open;
  if (wasOpen) /** @type {HTMLDetailsElement} */ (next).open = true;
  replace(box, next);
}
