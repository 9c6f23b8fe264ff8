// A new client (#/regie/team/<slug>/new): the code (the server makes one
// when it is left empty), initials, year of birth, neighbourhood and how
// the client likes to be reached; no BSN, no diagnosis. The server puts
// the case in the template's first step.

import { h, replace, formValues } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError, markFields, toast } from '../../components/ui.js';
import { mountTeamScreen, caseHash, casesHash, CONTACT_PREFERENCES } from './model.js';

/**
 * Mounts the new-client form.
 *
 * @param {HTMLElement} el
 * @param {{slug: string}} props
 * @returns {() => void} cleanup
 */
export function mount(el, props) {
  return mountTeamScreen(el, props.slug, (team, live) => {
    replace(
      el,
      h('p', { class: 'crumbs' }, h('a', { href: casesHash(team.slug) }, t('regie.casesOf', { team: team.name }))),
      h('div', { class: 'page-head' }, h('h1', null, t('regie.newClient')), h('p', { class: 'page-sub' }, t('regie.client.intro'))),
      clientForm(team)
    );
  });
}

/**
 * @param {any} team
 * @returns {HTMLElement}
 */
function clientForm(team) {
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'client-submit' } }, t('regie.client.create'));
  const field = (name, control, optional, hint) =>
    h('div', { class: 'field' }, h('label', { for: 'client-' + name }, t('regie.client.' + name), optional && [' ', h('span', { class: 'optional' }, t('common.optional'))]), control, hint && h('p', { class: 'hint' }, hint));
  const form = h(
    'form',
    { class: 'card regie-form', dataset: { test: 'client-form' }, novalidate: true },
    field('code', h('input', { id: 'client-code', name: 'code', type: 'text', maxlength: 20, autocapitalize: 'characters', autocomplete: 'off' }), true, t('regie.client.codeHint')),
    field('initials', h('input', { id: 'client-initials', name: 'initials', type: 'text', required: true, maxlength: 12, autocomplete: 'off' }), false, t('regie.client.initialsHint')),
    field('birth_year', h('input', { id: 'client-birth_year', name: 'birth_year', type: 'number', inputmode: 'numeric', min: 1900, max: 2100, autocomplete: 'off' }), true),
    field('neighbourhood', h('input', { id: 'client-neighbourhood', name: 'neighbourhood', type: 'text', maxlength: 100, autocomplete: 'off' }), true),
    field(
      'contact_preference',
      h('select', { id: 'client-contact_preference', name: 'contact_preference' }, h('option', { value: '' }, t('regie.client.noPreference')), CONTACT_PREFERENCES.map((p) => h('option', { value: p }, t('regie.contact.' + p)))),
      true
    ),
    field('contact_notes', h('textarea', { id: 'client-contact_notes', name: 'contact_notes', rows: 3, maxlength: 500 }), true, t('regie.client.notesHint')),
    error,
    h('div', { class: 'form-actions' }, h('a', { class: 'btn btn-secondary', href: casesHash(team.slug) }, t('common.cancel')), submit)
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(error, '');
    const values = formValues(/** @type {HTMLFormElement} */ (form));
    /** @type {Object<string, any>} */
    const body = { team: team.id, initials: values.initials.trim(), neighbourhood: values.neighbourhood.trim(), contact_preference: values.contact_preference, contact_notes: values.contact_notes.trim() };
    if (values.code.trim()) body.code = values.code.trim().toUpperCase();
    if (values.birth_year) body.birth_year = Number(values.birth_year);
    submit.disabled = true;
    try {
      const client = await pb.collection('clients').create(body);
      toast(t('regie.client.created', { code: client.code }));
      location.hash = caseHash(client.id);
    } catch (err) {
      const problem = describeError(err, 'regieClient');
      markFields(/** @type {HTMLFormElement} */ (form), problem.fields);
      showError(error, problem.message);
      submit.disabled = false;
    }
  });
  return form;
}
