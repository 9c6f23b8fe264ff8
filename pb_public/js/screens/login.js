// Sign in with e-mail and password.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pb } from '../pb.js';
import { describeError } from '../errors.js';
import { errorLine, showError } from '../components/ui.js';

/**
 * Mounts the sign-in screen (form#login-form). On success the app's auth
 * listener loads the user's teams and the app goes to #/feed.
 *
 * @param {HTMLElement} el the screen container
 * @param {{onSignedIn: () => Promise<void>|void}} options
 */
export function mount(el, { onSignedIn }) {
  const error = errorLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { id: 'login-form', class: 'card login-card', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'login-email' }, t('login.email')), h('input', { id: 'login-email', name: 'email', type: 'email', autocomplete: 'username', required: true, inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' })),
      h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      error,
      submit
    )
  );

  el.append(
    h(
      'div',
      { class: 'login' },
      h('img', { class: 'login-logo', src: 'icons/icon.svg', alt: '', width: 72, height: 72 }),
      h('h1', null, t('app.name')),
      h('p', { class: 'login-intro' }, t('login.intro')),
      form,
      h('p', { class: 'hint login-help' }, t('login.help'))
    )
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const email = /** @type {HTMLInputElement} */ (form.elements.namedItem('email')).value.trim();
    const password = /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).value;
    if (!email || !password) {
      showError(error, t('login.missing'));
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.submitting');
    showError(error, '');
    try {
      await pb.collection('users').authWithPassword(email, password);
      await onSignedIn();
    } catch (err) {
      const problem = describeError(err);
      showError(error, problem.status === 400 ? t('login.failed') : problem.message);
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  /** @type {HTMLElement|null} */ (form.querySelector('input'))?.focus();
}
