// The profile's switch "Meldingen op het vergrendelscherm": Web Push on
// or off for this browser and the person signed in.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { describeError } from '../../errors.js';
import { pushSupported, currentSubscription, subscribedHere, enablePush, disablePush, rememberTexts } from './push.js';

/**
 * Builds the profile's card with the push switch. Its state is in
 * data-state: loading, on, off, unsupported, denied or error.
 *
 * @returns {HTMLElement} section[data-test=push]
 */
export function pushSwitch() {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'profile-push', role: 'switch', disabled: true, 'aria-describedby': 'profile-push-hint profile-push-status', dataset: { test: 'push-switch' } }));
  const status = h('p', { class: 'hint push-status', id: 'profile-push-status', role: 'status', dataset: { test: 'push-status' } });
  const section = h(
    'section',
    { class: 'card profile-push', 'aria-labelledby': 'profile-push-title', dataset: { test: 'push', state: 'loading' } },
    h('h2', { id: 'profile-push-title' }, t('push.title')),
    h('div', { class: 'push-switch-row' }, input, h('label', { for: 'profile-push' }, t('push.switch'))),
    h('p', { class: 'hint', id: 'profile-push-hint' }, t('push.hint')),
    status
  );

  /** @param {string} state @param {string} [text] */
  function show(state, text = '') {
    section.dataset.state = state;
    input.checked = state === 'on';
    input.disabled = state === 'unsupported';
    input.removeAttribute('aria-busy');
    status.textContent = text || (state === 'on' ? t('push.on') : state === 'off' ? t('push.off') : '');
  }

  async function load() {
    if (!pushSupported()) return show('unsupported', t('push.unsupported'));
    try {
      const on = await subscribedHere(await currentSubscription());
      if (on) await rememberTexts(); // in the language chosen now
      show(on ? 'on' : 'off');
    } catch (err) {
      show('error', describeError(err).message);
    }
  }

  input.addEventListener('change', async () => {
    const wanted = input.checked;
    input.disabled = true;
    input.setAttribute('aria-busy', 'true');
    status.textContent = t('push.busy');
    try {
      if (wanted) {
        const result = await enablePush();
        show(result === 'on' ? 'on' : 'denied', result === 'on' ? '' : t('push.denied'));
      } else {
        await disablePush();
        show('off');
      }
    } catch (err) {
      // a refusal of the server has its words; the browser's own failure
      // (no push service) has ours
      const text = err?.status ? describeError(err).message : t(wanted ? 'push.failed' : 'push.offFailed');
      show(wanted ? 'error' : 'on', text);
      if (wanted) section.dataset.error = String(err?.name || err?.status || '');
    }
  });

  load();
  return section;
}
