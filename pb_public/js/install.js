// The installed app: the service worker (the shell kept for offline use),
// the prompt when a new version of the shell is ready, and on iOS the hint
// to add Buurtplein to the home screen. Loaded once the first screen shows:
// the worker's install downloads the whole shell, which must not compete
// with the first screen on a slow connection.

import { h } from './dom.js';
import { t } from './i18n.js';

/** localStorage: the iOS hint was shown (once per device) */
const IOS_HINT_KEY = 'buurtplein.iosHint';

/** how often a long-open app asks the server for a new worker */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Registers the service worker and offers each new version of the shell
 * when it is ready; shows the iOS add-to-home-screen hint once.
 */
export function startInstall() {
  registerWorker();
  showIosHint();
}

function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  // under Trusted Types the script URL must come from a policy
  const policy = window.trustedTypes?.createPolicy('buurtplein', {
    createScriptURL: (url) => {
      if (url !== './sw.js') throw new TypeError('unexpected script URL');
      return url;
    },
  });
  const url = policy ? policy.createScriptURL('./sw.js') : './sw.js';

  // the page reloads once the new worker it asked for has taken over
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!reloading) return;
    reloading = false;
    location.reload();
  });
  /** @param {ServiceWorker} worker the new version, installed and waiting */
  const offer = (worker) => {
    offerUpdate(() => {
      reloading = true;
      worker.postMessage({ type: 'take-over' });
    });
  };

  navigator.serviceWorker
    .register(/** @type {any} */ (url), { scope: './' })
    .then((reg) => {
      // a new version waits until the person chooses to use it: a post may
      // be half typed (drafts survive a reload, but let the person choose)
      if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const worker = reg.installing;
        worker?.addEventListener('statechange', () => {
          // without a controller this is the first install, nothing to offer
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
        });
      });
      // an app left open for days still hears of a new version
      const check = () => reg.update().catch(() => {});
      setInterval(check, UPDATE_CHECK_MS);
      document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check());
    })
    .catch(() => {
      // no offline shell (private mode, http): the app still works online
    });
}

/**
 * Shows "Nieuwe versie — Vernieuwen" at the top of the page (once, however
 * often it is offered).
 *
 * @param {() => void} onReload
 */
function offerUpdate(onReload) {
  document.querySelector('[data-test=update-ready]')?.remove();
  const button = h('button', { type: 'button', class: 'btn btn-small', dataset: { test: 'update-reload' } }, t('install.reload'));
  const bar = h('div', { class: 'update-bar', role: 'status', dataset: { test: 'update-ready' } }, h('span', null, t('install.updateReady')), button);
  button.addEventListener('click', () => {
    button.disabled = true;
    onReload();
  });
  document.body.append(bar);
}

/**
 * Reports whether this is Safari on an iPhone or iPad, in a tab rather
 * than opened from the home screen. Other browsers on iOS cannot add to
 * the home screen the same way, so they get no hint.
 *
 * @returns {boolean}
 */
export function isIosSafariTab() {
  const ua = navigator.userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
  const safari = /Safari\//.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(ua);
  const standalone = /** @type {any} */ (navigator).standalone === true || window.matchMedia?.('(display-mode: standalone)').matches;
  return ios && safari && !standalone;
}

function showIosHint() {
  if (!isIosSafariTab()) return;
  try {
    if (localStorage.getItem(IOS_HINT_KEY)) return;
    localStorage.setItem(IOS_HINT_KEY, new Date().toISOString());
  } catch {
    return; // no storage: no way to show it only once, so not at all
  }
  const close = h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { test: 'ios-hint-close' } }, t('install.close'));
  const hint = h(
    'aside',
    { class: 'ios-hint', 'aria-label': t('install.iosTitle'), dataset: { test: 'ios-hint' } },
    h('p', { class: 'ios-hint-title' }, t('install.iosTitle')),
    h('p', null, t('install.iosSteps')),
    close
  );
  close.addEventListener('click', () => hint.remove());
  document.body.append(hint);
}
