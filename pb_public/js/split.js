// List and detail side by side: on a tablet (>= 600 px) and a desktop, a
// detail screen (one task, one conversation, one question, one wiki page)
// shows the list it was opened from beside it, in the pane #app-list
// between the navigation and the main area. On a phone there is one
// column: the pane stays empty and hidden, and the detail has the screen.
//
// The detail keeps #main (its scrolling, reveal(), data-screen); the list
// is the list's own screen module, mounted into the pane. Going from one
// detail to another of the same list leaves the list as it is (its scroll,
// its live subscriptions); the link of the detail shown is marked
// aria-current="page".

import { t, getLocale } from './i18n.js';
import { parseRoute } from './routes.js';

/** the width from which a list and its detail fit side by side (css/app.css: .layout.split) */
const WIDE = '(min-width: 600px)';

/**
 * SPLITS maps a detail screen's name to the hash of its list: a string, or
 * a function when the list depends on who looks (BOB's staff answer from
 * their desk; the others see their teams' questions).
 *
 * @type {Object<string, string | (() => Promise<string>)>}
 */
export const SPLITS = {
  task: '#/tasks',
  chatroom: '#/chat',
  wikipage: '#/wiki',
  bobquestion: async () => {
    const bob = await import('./features/bob/model.js');
    await bob.membershipsKnown(); // "Vraag het BOB" sends BOB's staff to their desk
    return bob.isBOBStaff() ? '#/bob/desk' : '#/bob';
  },
};

const pane = /** @type {HTMLElement} */ (document.getElementById('app-list'));
const layout = /** @type {HTMLElement} */ (pane?.parentElement);

/** the list's hash now in the pane, "" when it is empty, and its language */
let shownList = '';
let shownLocale = '';
/** @type {(() => void)|null} */
let cleanupList = null;
/** counts the calls, so a list whose module arrives late is shown only if still wanted */
let current = 0;
/** @type {MutationObserver|null} */
let marker = null;

/**
 * Shows the list of the detail screen name beside it, when the screen is
 * wide enough and the screen has a list; else empties the pane. The
 * router calls it on every route, after the detail's own mount.
 *
 * @param {string} name the route's screen name
 * @param {any} props what the shell gives every screen (ShellProps)
 * @returns {Promise<void>}
 */
export async function showList(name, props) {
  if (!pane) return;
  const call = ++current;
  const entry = SPLITS[name];
  const hash = entry && matchMedia(WIDE).matches ? (typeof entry === 'function' ? await entry() : entry) : '';
  if (call !== current) return;
  if (hash !== shownList || (hash && getLocale() !== shownLocale)) {
    clearList();
    if (hash) await mountList(hash, props, call);
  }
  markCurrent();
}

/**
 * Empties the pane: on sign-out, or when the screen has no list.
 */
export function clearList() {
  cleanupList?.();
  cleanupList = null;
  shownList = '';
  marker?.disconnect();
  marker = null;
  if (!pane) return;
  pane.replaceChildren();
  pane.hidden = true;
  delete pane.dataset.screen;
  layout?.classList.remove('split');
}

/**
 * @param {string} hash the list's route
 * @param {any} props
 * @param {number} call
 */
async function mountList(hash, props, call) {
  const { name, params, def } = parseRoute(hash);
  if (!def) return;
  let screen;
  try {
    screen = await def.load();
  } catch {
    return; // the detail says what a module that does not load means
  }
  if (call !== current) return;
  shownList = hash;
  shownLocale = getLocale();
  pane.dataset.screen = name;
  pane.setAttribute('aria-label', t('layout.listOf', { title: t('titles.' + name) }));
  pane.hidden = false;
  layout?.classList.add('split');
  const cleanup = screen.mount(pane, { ...params, ...props });
  cleanupList = typeof cleanup === 'function' ? cleanup : null;
  // the list draws itself later (and again when it changes live)
  marker = new MutationObserver(markCurrent);
  marker.observe(pane, { childList: true, subtree: true });
}

/** marks the pane's links to the detail shown, so the list says where one is */
function markCurrent() {
  if (!pane || pane.hidden) return;
  const here = location.hash;
  for (const a of pane.querySelectorAll('a[href^="#/"]')) {
    const on = a.getAttribute('href') === here;
    if (on && a.getAttribute('aria-current') !== 'page') a.setAttribute('aria-current', 'page');
    if (!on && a.getAttribute('aria-current') === 'page') a.removeAttribute('aria-current');
  }
}

/**
 * Calls onChange when the screen crosses the width from which lists show
 * beside their details (a tablet turned, a window resized).
 *
 * @param {() => void} onChange
 */
export function onWidthChange(onChange) {
  matchMedia(WIDE).addEventListener('change', onChange);
}
