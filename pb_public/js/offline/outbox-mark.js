// The header's mark of the outbox: how many of my writes wait to be sent
// (a link to #/outbox, hidden when none), marked when the server refused
// one, with a toast when that happens; and the sign-out that asks first
// while something waits.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { getState, subscribe } from '../store.js';
import { toast } from '../components/ui.js';
import { onOutbox } from './outbox.js';

/** @type {(() => void)|null} */
let unsubscribe = null;
let watching = false;

/**
 * Returns the header's outbox mark, kept up to date with the store's
 * outbox count ({waiting, refused}).
 *
 * @returns {HTMLAnchorElement}
 */
export function outboxMark() {
  const count = h('span', { class: 'outbox-count', dataset: { test: 'outbox-count' }, 'aria-hidden': 'true' });
  const mark = /** @type {HTMLAnchorElement} */ (h('a', { class: 'outbox-mark', href: '#/outbox', dataset: { test: 'outbox-mark' } }, h('span', { class: 'icon icon-clock', 'aria-hidden': 'true' }), count));
  const show = () => {
    const { waiting = 0, refused = 0 } = getState().outbox || {};
    mark.hidden = waiting === 0;
    count.textContent = waiting >= 100 ? '99+' : String(waiting);
    mark.dataset.count = String(waiting);
    mark.dataset.refused = String(refused);
    mark.classList.toggle('outbox-mark-refused', refused > 0);
    mark.setAttribute('aria-label', refused ? t('outbox.markRefused', { n: refused }) : t('outbox.mark', { n: waiting }));
    if (getState().route === 'outbox') mark.setAttribute('aria-current', 'page');
    else mark.removeAttribute('aria-current');
  };
  if (!watching) {
    watching = true;
    // a write sent later that the server refused: say so wherever one is
    // (the chat shows its own in the conversation)
    onOutbox((e) => {
      if (e.type === 'failed' && e.item.kind !== 'message' && getState().route !== 'outbox') toast(t('outbox.refusedToast'), 'error');
    });
  }
  // the header is built again with the memberships: one listener at a time
  unsubscribe?.();
  unsubscribe = subscribe((_, changed) => {
    if (changed.includes('outbox') || changed.includes('route')) show();
  });
  show();
  return mark;
}

/**
 * Returns a sign-out that asks first, in the app's own dialog, while
 * writes wait in the outbox (signing out takes them off the device).
 *
 * @param {() => void} signOut
 * @returns {() => void}
 */
export function signOutAsking(signOut) {
  return () => {
    const waiting = getState().outbox?.waiting || 0;
    if (!waiting) {
      signOut();
      return;
    }
    // the dialog's module loads when it is needed, not with the app
    import('../components/dialog.js').then(({ confirmDialog }) => confirmDialog({
      title: t('outbox.signOutTitle'),
      body: t('outbox.signOutBody', { n: waiting }),
      yes: t('outbox.signOutYes'),
      test: 'outbox-signout',
      onYes: async () => signOut(),
    }));
  };
}
