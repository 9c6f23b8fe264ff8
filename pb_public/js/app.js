// Buurtplein's PWA: the shell (header, team switcher, navigation), the
// hash router and the start-up (session, teams, language, service worker).

import { h, replace } from './dom.js';
import { t, setLocale, getLocale } from './i18n.js';
import { pb, currentUser, onSessionEnded, revokeSession, retryRevoke } from './pb.js';
import { getState, setState, subscribe } from './store.js';
import { onRecords } from './topics.js';
import { avatar, toast } from './components/ui.js';
import * as loginScreen from './screens/login.js';
import * as resetScreen from './screens/reset.js';
import * as feedScreen from './screens/feed.js';
import * as teamScreen from './screens/team.js';
import * as teamsScreen from './screens/teams.js';
import * as directoryScreen from './screens/directory.js';
import * as profileScreen from './screens/profile.js';
import * as tasksScreen from './screens/tasks.js';
import * as boardScreen from './screens/board.js';
import * as taskScreen from './screens/task.js';
import * as handoverScreen from './screens/handover.js';
import * as notificationsScreen from './screens/notifications.js';
import { watchNotifications, stopNotifications, refreshUnread, notificationText } from './notifications.js';

const LOCALE_KEY = 'buurtplein.locale';

/** @type {(() => void)|null} */
let cleanupScreen = null;
/** @type {(() => void)|null} */
let unsubscribeMemberships = null;
/** why the sign-in screen shows (a session the server ended), until the next sign-in */
let loginNotice = '';

const shell = {
  header: /** @type {HTMLElement} */ (document.getElementById('app-header')),
  nav: /** @type {HTMLElement} */ (document.getElementById('app-nav')),
  main: /** @type {HTMLElement} */ (document.getElementById('main')),
  banner: /** @type {HTMLElement} */ (document.getElementById('offline-banner')),
  skip: /** @type {HTMLAnchorElement} */ (document.getElementById('skip-link')),
};

/**
 * @typedef {Object} Route
 * @property {string} name "login", "feed", "team", "board", "teams", "tasks",
 *   "task", "handover", "notifications", "directory", "profile"
 * @property {Object<string, string>} params route parameters ({slug}, {id})
 */

/**
 * Parses the location hash into a route ("#/team/schalkwijk",
 * "#/team/schalkwijk/tasks", "#/tasks/<id>").
 *
 * @param {string} hash
 * @returns {Route}
 */
export function parseRoute(hash) {
  const path = hash.replace(/^#\/?/, '');
  const [name, ...rest] = path.split('/');
  if (name === 'team' && rest[0] && rest[1] === 'tasks') return { name: 'board', params: { slug: decodeURIComponent(rest[0]) } };
  if (name === 'team' && rest[0]) return { name: 'team', params: { slug: decodeURIComponent(rest[0]) } };
  if (name === 'tasks' && rest[0]) return { name: 'task', params: { id: decodeURIComponent(rest[0]) } };
  // notifications about offers link to #/handovers: the offers are on top of my tasks
  if (name === 'handovers') return { name: 'tasks', params: {} };
  // the password reset mail links to #/reset-password/<token>
  if (name === 'reset-password') return { name: 'reset', params: { token: decodeURIComponent(rest[0] || '') } };
  if (['login', 'feed', 'teams', 'tasks', 'handover', 'notifications', 'directory', 'profile'].includes(name)) return { name, params: {} };
  return { name: '', params: {} };
}

/**
 * Goes to a route; the router renders it.
 *
 * @param {string} hash e.g. "#/feed"
 */
export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function loadMemberships() {
  const user = currentUser();
  if (!user) {
    setState({ memberships: [] });
    return;
  }
  const list = await pb.collection('memberships').getFullList({
    filter: pb.filter('user = {:user}', { user: user.id }),
    expand: 'team',
  });
  list.sort((a, b) => String(a.expand?.team?.name || '').localeCompare(String(b.expand?.team?.name || '')));
  setState({ memberships: list });
}

async function watchMemberships() {
  unsubscribeMemberships?.();
  unsubscribeMemberships = null;
  const user = currentUser();
  if (!user) return;
  try {
    // my own memberships come on my topic; my teams' topics carry my
    // colleagues' too
    const unsubscribe = await onRecords(['memberships'], (e) => {
      if (e.record.user !== user.id) return;
      if (e.action === 'create') toast(t('members.youWereAdded'));
      loadMemberships().catch(() => {});
    });
    if (currentUser()?.id === user.id) unsubscribeMemberships = unsubscribe;
    else unsubscribe();
  } catch {
    // no live membership updates; a reload still shows them
  }
}

async function afterSignIn() {
  loginNotice = '';
  const user = currentUser();
  setLocale(user?.locale || localStorage.getItem(LOCALE_KEY) || 'nl');
  setState({ user });
  try {
    await loadMemberships();
  } catch {
    // offline: the team list fills in when the connection is back
  }
  watchMemberships();
  watchNotifications(onNotification);
  navigate('#/feed');
}

function onNotification(n) {
  toast(t('notifications.toast', { title: notificationText(n) }));
}

function stopLive() {
  unsubscribeMemberships?.();
  unsubscribeMemberships = null;
  stopNotifications();
  pb.realtime.unsubscribe().catch(() => {});
}

/**
 * Signs out here at once, then on the server: the session ends on every
 * device. A weak connection never keeps anyone signed in; a server call
 * that fails is sent again later.
 */
function signOut() {
  const token = pb.authStore.token;
  stopLive();
  // a device may be shared: unsent drafts leave with their writer
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith('buurtplein.draft.')) localStorage.removeItem(key);
  }
  pb.authStore.clear();
  loginNotice = '';
  setState({ user: null, memberships: [], unread: 0 });
  revokeSession(token);
  navigate('#/login');
}

/**
 * Handles a 401 to the session's token: signed out on another device,
 * blocked, or expired. Back to the sign-in screen, which says why; drafts
 * stay for when their writer signs in again.
 */
function sessionEnded() {
  if (!pb.authStore.token) return;
  stopLive();
  loginNotice = t('session.ended');
  pb.authStore.clear();
  setState({ user: null, memberships: [], unread: 0 });
  navigate('#/login');
}

function renderHeader() {
  const { user, memberships, route } = getState();
  const brand = h(
    'a',
    { class: 'brand', href: user ? '#/feed' : '#/login' },
    h('img', { src: 'icons/icon.svg', alt: '', width: 32, height: 32 }),
    h('span', null, t('app.name'))
  );
  if (!user) {
    replace(shell.header, h('div', { class: 'header-inner' }, brand));
    return;
  }

  const current = route.startsWith('team/') ? route : route === 'feed' ? 'feed' : '';
  const teams = memberships.filter((m) => m.expand?.team).map((m) => m.expand.team);
  const switcher = h(
    'select',
    { id: 'team-switcher', class: 'team-switcher', dataset: { test: 'team-switcher' } },
    !current && h('option', { value: '', selected: true, disabled: true }, t('nav.switchTeam')),
    h('option', { value: 'feed', selected: current === 'feed' }, t('nav.organisation')),
    teams.length > 0 &&
      h(
        'optgroup',
        { label: t('nav.myTeams') },
        teams.map((team) => h('option', { value: 'team/' + team.slug, selected: current === 'team/' + team.slug }, team.name))
      ),
    teams.length > 0 &&
      h(
        'optgroup',
        { label: t('nav.taskBoards') },
        teams.map((team) => h('option', { value: 'team/' + team.slug + '/tasks', selected: current === 'team/' + team.slug + '/tasks' }, t('nav.boardOf', { team: team.name })))
      ),
    current.startsWith('team/') && !teams.some((team) => 'team/' + team.slug === current || 'team/' + team.slug + '/tasks' === current) && h('option', { value: current, selected: true }, t('nav.otherTeam')),
    h('option', { value: 'teams' }, t('nav.allTeams'))
  );
  switcher.addEventListener('change', () => navigate('#/' + switcher.value));

  replace(
    shell.header,
    h(
      'div',
      { class: 'header-inner' },
      brand,
      h('div', { class: 'switcher-wrap' }, h('label', { for: 'team-switcher', class: 'visually-hidden' }, t('nav.switchTeam')), switcher),
      bell(),
      h('a', { class: 'me', href: '#/profile', 'aria-label': t('nav.profileOf', { name: user.name || '' }) }, avatar(user, 'sm'), h('span', { class: 'me-name', dataset: { test: 'current-user' } }, user.name || user.email || ''))
    )
  );
}

/** @type {HTMLAnchorElement|null} */
let bellEl = null;

function bell() {
  bellEl = /** @type {HTMLAnchorElement} */ (
    h(
      'a',
      { class: 'bell', href: '#/notifications', dataset: { test: 'notifications-bell' } },
      h('span', { class: 'bell-icon', 'aria-hidden': 'true' }),
      h('span', { class: 'bell-count', dataset: { test: 'unread-count' }, 'aria-hidden': 'true' })
    )
  );
  updateBell();
  return bellEl;
}

function updateBell() {
  if (!bellEl) return;
  const { unread, route } = getState();
  const count = /** @type {HTMLElement} */ (bellEl.querySelector('.bell-count'));
  count.textContent = unread >= 100 ? '99+' : String(unread);
  count.hidden = unread === 0;
  bellEl.setAttribute('aria-label', t('notifications.bell', { n: unread }));
  if (route === 'notifications') bellEl.setAttribute('aria-current', 'page');
  else bellEl.removeAttribute('aria-current');
}

function renderNav() {
  const { user, memberships, route } = getState();
  shell.nav.hidden = !user;
  if (!user) {
    replace(shell.nav);
    return;
  }
  const item = (hash, icon, label) => {
    // a team's page counts as the Teams tab, a board and a task as the Tasks tab
    const board = /^team\/[^/]+\/tasks$/.test(route);
    const tasks = board || route === 'tasks' || route.startsWith('tasks/') || route === 'handover' || route === 'handovers';
    const active = hash === '#/tasks' ? tasks : route === hash.slice(2) || (hash === '#/teams' && route.startsWith('team/') && !board);
    return h('li', null, h('a', { href: hash, class: ['nav-link', active && 'active'], 'aria-current': active ? 'page' : null }, h('span', { class: ['nav-icon', 'icon-' + icon], 'aria-hidden': 'true' }), h('span', { class: 'nav-label' }, label)));
  };
  replace(
    shell.nav,
    h(
      'ul',
      { class: 'nav-main' },
      item('#/feed', 'feed', t('nav.feed')),
      item('#/teams', 'teams', t('nav.teams')),
      item('#/tasks', 'tasks', t('nav.tasks')),
      item('#/directory', 'directory', t('nav.directory')),
      item('#/profile', 'profile', t('nav.profile'))
    ),
    memberships.length > 0 &&
      h(
        'div',
        { class: 'nav-teams' },
        h('h2', { class: 'nav-heading' }, t('nav.myTeams')),
        h(
          'ul',
          null,
          memberships
            .filter((m) => m.expand?.team)
            .map((m) => {
              const active = route === 'team/' + m.expand.team.slug;
              const boardActive = route === 'team/' + m.expand.team.slug + '/tasks';
              return h(
                'li',
                null,
                h('a', { href: '#/team/' + encodeURIComponent(m.expand.team.slug), class: ['nav-team', active && 'active'], 'aria-current': active ? 'page' : null }, m.expand.team.name),
                h('a', { href: '#/team/' + encodeURIComponent(m.expand.team.slug) + '/tasks', class: ['nav-team', 'nav-board', boardActive && 'active'], 'aria-current': boardActive ? 'page' : null, 'aria-label': t('nav.boardOf', { team: m.expand.team.name }) }, t('nav.tasks'))
              );
            })
        )
      )
  );
}

function renderChrome() {
  renderHeader();
  renderNav();
  shell.skip.textContent = t('app.skip');
  shell.banner.textContent = t('app.offline');
  shell.banner.hidden = getState().online;
}

function route() {
  const { name, params } = parseRoute(location.hash);
  const user = currentUser();

  if (!user && name !== 'login' && name !== 'reset') {
    location.replace('#/login');
    return;
  }
  if (user && (name === 'login' || name === '')) {
    location.replace('#/feed');
    return;
  }

  cleanupScreen?.();
  cleanupScreen = null;
  setState({ route: location.hash.replace(/^#\/?/, '') });
  renderChrome();

  const main = shell.main;
  main.replaceChildren();
  main.dataset.screen = name;
  document.title = t('titles.' + name) + ' · ' + t('app.name');
  main.scrollTop = 0;

  let cleanup;
  switch (name) {
    case 'login':
      cleanup = loginScreen.mount(main, { onSignedIn: afterSignIn, notice: loginNotice });
      break;
    case 'reset':
      cleanup = resetScreen.mount(main, { token: params.token });
      break;
    case 'feed':
      cleanup = feedScreen.mount(main);
      break;
    case 'team':
      cleanup = teamScreen.mount(main, { slug: params.slug, reloadMemberships: () => loadMemberships().catch(() => {}) });
      break;
    case 'teams':
      cleanup = teamsScreen.mount(main);
      break;
    case 'board':
      cleanup = boardScreen.mount(main, { slug: params.slug });
      break;
    case 'tasks':
      cleanup = tasksScreen.mount(main);
      break;
    case 'task':
      cleanup = taskScreen.mount(main, { id: params.id });
      break;
    case 'handover':
      cleanup = handoverScreen.mount(main);
      break;
    case 'notifications':
      refreshUnread().catch(() => {});
      cleanup = notificationsScreen.mount(main);
      break;
    case 'directory':
      cleanup = directoryScreen.mount(main);
      break;
    case 'profile':
      cleanup = profileScreen.mount(main, {
        onLocale: (locale) => {
          setLocale(locale);
          localStorage.setItem(LOCALE_KEY, locale);
          route();
        },
        onSignOut: signOut,
      });
      break;
  }
  cleanupScreen = typeof cleanup === 'function' ? cleanup : null;
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  // under Trusted Types the script URL must come from a policy
  const policy = window.trustedTypes?.createPolicy('buurtplein', {
    createScriptURL: (url) => {
      if (url !== './sw.js') throw new TypeError('unexpected script URL');
      return url;
    },
  });
  const url = policy ? policy.createScriptURL('./sw.js') : './sw.js';
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.register(/** @type {any} */ (url), { scope: './' }).catch(() => {
    // no offline shell (private mode, http): the app still works online
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController) return;
    // a new version took over: offer a reload, never force one (a post
    // may be half typed; drafts survive, but let the person choose)
    const bar = h(
      'div',
      { class: 'update-bar', role: 'status' },
      t('app.updated'),
      ' ',
      h('button', { type: 'button', class: 'btn btn-small btn-secondary', on: { click: () => location.reload() } }, t('app.reload'))
    );
    document.body.append(bar);
  });
}

function start() {
  setLocale(currentUser()?.locale || localStorage.getItem(LOCALE_KEY) || 'nl');
  setState({ user: currentUser() });

  // a team left while the stream was down would make the server refuse
  // every topic on reconnect: read the teams again, so its topic goes
  // (not when signing out, which drops every topic first)
  pb.realtime.onDisconnect = (topics) => {
    if (!topics.length) return;
    setTimeout(() => currentUser() && loadMemberships().catch(() => {}), 0);
  };

  subscribe((state, changed) => {
    if (changed.includes('memberships') || changed.includes('user')) {
      renderHeader();
      renderNav();
    }
    if (changed.includes('online')) shell.banner.hidden = state.online;
    if (changed.includes('unread')) updateBell();
  });

  window.addEventListener('online', () => {
    setState({ online: true });
    retryRevoke();
    if (currentUser()) {
      loadMemberships().catch(() => {});
      refreshUnread().catch(() => {});
    }
  });
  window.addEventListener('offline', () => setState({ online: false }));
  window.addEventListener('hashchange', () => {
    route();
    // tell screen-reader and keyboard users the page changed; the sign-in
    // and reset screens put focus on their first field themselves
    if (!['login', 'reset'].includes(parseRoute(location.hash).name)) shell.main.focus({ preventScroll: true });
  });

  shell.skip.addEventListener('click', (e) => {
    e.preventDefault();
    shell.main.focus();
  });

  onSessionEnded(sessionEnded);
  retryRevoke();

  pb.authStore.onChange(() => {
    const user = currentUser();
    const wasSignedIn = Boolean(getState().user);
    setState({ user });
    if (wasSignedIn && !user) {
      stopNotifications();
      setState({ unread: 0 });
    }
    if (wasSignedIn && !user && parseRoute(location.hash).name !== 'login') navigate('#/login');
  });

  if (currentUser()) {
    // refresh the session in the background; a revoked one signs out
    pb.collection('users')
      .authRefresh()
      .then((auth) => {
        if (auth.record.locale && auth.record.locale !== getLocale()) {
          setLocale(auth.record.locale);
          route();
        }
      })
      .catch((err) => {
        if (err?.status === 401 || err?.status === 403 || err?.status === 404) pb.authStore.clear();
      });
    loadMemberships().catch(() => {});
    watchMemberships();
    watchNotifications(onNotification);
  }

  route();
  registerServiceWorker();
}

start();
