// Sign in with e-mail and password and, where the organisation asks for a
// second step (IT, BOB staff), a code sent by e-mail.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, revokeSettled } from '../../pb.js';
import { describeError } from '../../errors.js';
import { errorLine, showError } from '../../components/ui.js';

/**
 * Mounts the sign-in screen (form#login-form, then form#login-code-form
 * when the server asks for a code). On success the app's auth listener
 * loads the user's teams and the app goes to #/feed.
 *
 * @param {HTMLElement} el the screen container
 * @param {{onSignedIn: () => Promise<void>|void, notice?: string}} options
 *   notice: why the person is here (a session the server ended)
 */
export function mount(el, { onSignedIn, notice }) {
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
  const host = h('div', { class: 'login-step' }, form);

  el.append(
    h(
      'div',
      { class: 'login' },
      h('img', { class: 'login-logo', src: 'icons/icon.svg', alt: '', width: 72, height: 72 }),
      h('h1', null, t('app.name')),
      h('p', { class: 'login-intro' }, t('login.intro')),
      notice ? h('p', { class: 'card notice', role: 'status', dataset: { test: 'login-notice' } }, notice) : null,
      host,
      h('p', { class: 'login-help' }, h('a', { href: '#/reset-password', dataset: { test: 'forgot-password' } }, t('login.forgot'))),
      h('p', { class: 'hint' }, t('login.help'))
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
    const busy = (on) => {
      submit.disabled = on;
      submit.textContent = on ? t('login.submitting') : t('login.submit');
    };
    busy(true);
    showError(error, '');
    try {
      // a sign-out still on its way would end this new session too
      await revokeSettled();
      await pb.collection('users').authWithPassword(email, password);
      await onSignedIn();
    } catch (err) {
      const mfaId = err?.status === 401 ? err.response?.mfaId : '';
      if (mfaId) {
        try {
          await askCode(email, mfaId);
        } catch (otpErr) {
          showError(error, describeError(otpErr, 'signIn').message);
          busy(false);
        }
        return;
      }
      const problem = describeError(err, 'signIn');
      showError(error, problem.status === 400 ? t('login.failed') : problem.message);
      busy(false);
    }
  });

  /**
   * The second step: mails a code and asks for it.
   *
   * @param {string} email
   * @param {string} mfaId the server's reference to the first step
   */
  async function askCode(email, mfaId) {
    let { otpId } = await pb.collection('users').requestOTP(email);

    const codeError = errorLine();
    const codeSubmit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.codeSubmit'));
    const codeForm = /** @type {HTMLFormElement} */ (
      h(
        'form',
        { id: 'login-code-form', class: 'card login-card', novalidate: true },
        h('p', { role: 'status' }, t('login.codeSent', { email })),
        h('div', { class: 'field' }, h('label', { for: 'login-code' }, t('login.code')), h('input', { id: 'login-code', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: 12, spellcheck: 'false' })),
        codeError,
        codeSubmit,
        h(
          'p',
          { class: 'hint' },
          h('button', { type: 'button', class: 'btn-link', dataset: { test: 'login-code-again' }, on: { click: again } }, t('login.codeAgain')),
          ' · ',
          h('button', { type: 'button', class: 'btn-link', dataset: { test: 'login-code-back' }, on: { click: back } }, t('login.codeBack'))
        )
      )
    );
    host.replaceChildren(codeForm);
    const input = /** @type {HTMLInputElement} */ (codeForm.elements.namedItem('code'));
    input.focus();

    async function again() {
      showError(codeError, '');
      try {
        ({ otpId } = await pb.collection('users').requestOTP(email));
        showError(codeError, '');
        input.value = '';
        input.focus();
      } catch (err) {
        showError(codeError, describeError(err, 'signIn').message);
      }
    }

    function back() {
      host.replaceChildren(form);
      submit.disabled = false;
      submit.textContent = t('login.submit');
      /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).value = '';
      /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).focus();
    }

    codeForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const code = input.value.replace(/\s+/g, '');
      if (!code) {
        showError(codeError, t('login.codeMissing'));
        return;
      }
      codeSubmit.disabled = true;
      showError(codeError, '');
      try {
        await pb.collection('users').authWithOTP(otpId, code, { mfaId });
        await onSignedIn();
      } catch (err) {
        const problem = describeError(err, 'signIn');
        // PocketBase answers 400 both for a wrong code and for a first step
        // that expired; the person can ask for a new code or start again
        showError(codeError, problem.status === 400 ? t('login.codeFailed') : problem.message);
        codeSubmit.disabled = false;
      }
    });
  }

  /** @type {HTMLElement|null} */ (form.querySelector('input'))?.focus();
}
