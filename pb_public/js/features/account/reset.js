// "Wachtwoord vergeten?": ask for a reset mail (#/reset-password), and set
// a new password from the mail's link (#/reset-password/<token>).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError } from '../../components/ui.js';

/** the users password field's minimum length (PocketBase's default) */
const MIN_PASSWORD = 8;

/**
 * Mounts the reset screen: without a token the request form
 * (form#reset-request-form), with one the new-password form
 * (form#reset-confirm-form). Both end in a message with a link back to the
 * sign-in screen ([data-test=reset-done]).
 *
 * @param {HTMLElement} el the screen container
 * @param {{token?: string}} options token: from the mail's link
 */
export function mount(el, { token }) {
  const host = h('div', { class: 'login-step' });
  el.append(
    h(
      'div',
      { class: 'login' },
      h('img', { class: 'login-logo', src: 'icons/icon.svg', alt: '', width: 72, height: 72 }),
      h('h1', null, t(token ? 'reset.confirmTitle' : 'reset.requestTitle')),
      host,
      h('p', { class: 'hint login-help' }, h('a', { href: '#/login', dataset: { test: 'reset-back' } }, t('reset.back')))
    )
  );
  if (token) confirmForm(host, token);
  else requestForm(host);
}

/**
 * Shows the end of either form: what happened and the way to sign in.
 *
 * @param {HTMLElement} host
 * @param {string} message
 */
function done(host, message) {
  host.replaceChildren(
    h(
      'div',
      { class: 'card login-card', role: 'status', dataset: { test: 'reset-done' } },
      h('p', null, message),
      h('a', { class: 'btn btn-primary btn-block', href: '#/login', dataset: { test: 'reset-sign-in' } }, t('reset.signIn'))
    )
  );
}

/** @param {HTMLElement} host */
function requestForm(host) {
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('reset.requestSubmit'));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { id: 'reset-request-form', class: 'card login-card', novalidate: true },
      h('p', null, t('reset.requestIntro')),
      h('div', { class: 'field' }, h('label', { for: 'reset-email' }, t('login.email')), h('input', { id: 'reset-email', name: 'email', type: 'email', autocomplete: 'username', required: true, inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' })),
      error,
      submit
    )
  );
  host.replaceChildren(form);
  const input = /** @type {HTMLInputElement} */ (form.elements.namedItem('email'));
  input.focus();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const email = input.value.trim();
    if (!email) {
      showError(error, t('reset.emailMissing'));
      return;
    }
    submit.disabled = true;
    showError(error, '');
    try {
      await pb.collection('users').requestPasswordReset(email);
      // the server answers the same for every address: say what may happen
      done(host, t('reset.requestSent', { email }));
    } catch (err) {
      showError(error, describeError(err, 'reset').message);
      submit.disabled = false;
    }
  });
}

/**
 * @param {HTMLElement} host
 * @param {string} token
 */
function confirmForm(host, token) {
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('reset.confirmSubmit'));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { id: 'reset-confirm-form', class: 'card login-card', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'reset-password' }, t('reset.password')), h('input', { id: 'reset-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD, 'aria-describedby': 'reset-password-hint' }), h('p', { id: 'reset-password-hint', class: 'hint' }, t('reset.passwordHint', { min: MIN_PASSWORD }))),
      h('div', { class: 'field' }, h('label', { for: 'reset-password-confirm' }, t('reset.passwordConfirm')), h('input', { id: 'reset-password-confirm', name: 'passwordConfirm', type: 'password', autocomplete: 'new-password', required: true })),
      error,
      submit
    )
  );
  host.replaceChildren(form);
  const password = /** @type {HTMLInputElement} */ (form.elements.namedItem('password'));
  const confirm = /** @type {HTMLInputElement} */ (form.elements.namedItem('passwordConfirm'));
  password.focus();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (password.value.length < MIN_PASSWORD) {
      showError(error, t('reset.tooShort', { min: MIN_PASSWORD }));
      return;
    }
    if (password.value !== confirm.value) {
      showError(error, t('reset.mismatch'));
      return;
    }
    submit.disabled = true;
    showError(error, '');
    try {
      await pb.collection('users').confirmPasswordReset(token, password.value, confirm.value);
      done(host, t('reset.confirmed'));
    } catch (err) {
      const problem = describeError(err, 'reset');
      // PocketBase answers 400 for a link that expired or was used already
      const expired = problem.fields.token || (problem.status === 400 && !problem.fields.password && !problem.fields.passwordConfirm);
      showError(error, expired ? t('reset.linkInvalid') : problem.message);
      submit.disabled = false;
    }
  });
}
