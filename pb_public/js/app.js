// Buurtplein's PWA: the shell (header, team switcher, navigation), the
// router (over the route table in routes.js) and the start-up (session,
// teams, language, service worker).

import { h, replace } from './dom.js';
import { t, setLocale, getLocale } from './i18n.js';
import { pb, currentUser, onSessionEnded, revokeSession, retryRevoke, cleanUpSession } from './pb.js';
import { getState, setState, subscribe } from './store.js';
import { onRecords } from './topics.js';
import { avatar, toast, loadError } from './components/ui.js';
import { parseRoute } from './routes.js';
import { watchNotifications, stopNotifications, refreshUnread, notificationText } from './features/notifications/unread.js';
import { watchMustRead, stopMustRead, showMustReadBadge } from './features/mustread/model.js';
import { watchChat, stopChat, showChatBadge } from './features/chat/model.js';
import { startOutbox } from './features/chat/outbox.js';
import { showList, onWidthChange } from './split.js';

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
  watchMustRead();
  watchChat();
  startOutbox();
  navigate('#/feed');
}

function onNotification(n) {
  toast(t('notifications.toast', { title: notificationText(n) }));
}

function stopLive() {
  unsubscribeMemberships?.();
  unsubscribeMemberships = null;
  stopNotifications();
  stopMustRead();
  stopChat();
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
  cleanUpSession('signout');
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
  cleanUpSession('ended');
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
      searchLink(route),
      bell(),
      h('a', { class: 'me', href: '#/profile', 'aria-label': t('nav.profileOf', { name: user.name || '' }) }, avatar(user, 'sm'), h('span', { class: 'me-name', dataset: { test: 'current-user' } }, user.name || user.email || ''))
    )
  );
}

/**
 * The header's search button: it opens #/search, whose box takes the focus.
 *
 * @param {string} route the current route ("search/wond")
 * @returns {HTMLElement}
 */
function searchLink(route) {
  const here = route === 'search' || route.startsWith('search/');
  return h(
    'a',
    { class: 'header-search', href: '#/search', 'aria-label': t('search.open'), 'aria-current': here ? 'page' : null, dataset: { test: 'search-open' } },
    h('span', { class: 'header-search-icon', 'aria-hidden': 'true' })
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
  const { def } = parseRoute(location.hash);
  const item = (hash, icon, label) => {
    // a team's page counts as the Teams tab, a board and a task as the Tasks tab
    const active = def?.tab === icon;
    return h('li', null, h('a', { href: hash, class: ['nav-link', active && 'active'], 'aria-current': active ? 'page' : null }, h('span', { class: ['nav-icon', 'icon-' + icon], 'aria-hidden': 'true' }), h('span', { class: 'nav-label' }, label)));
  };
  replace(
    shell.nav,
    h(
      'ul',
      { class: 'nav-main' },
      item('#/feed', 'feed', t('nav.feed')),
      item('#/chat', 'chat', t('nav.chat')),
      item('#/teams', 'teams', t('nav.teams')),
      item('#/tasks', 'tasks', t('nav.tasks')),
      item('#/wiki', 'wiki', t('nav.wiki')),
      item('#/bob', 'bob', t('nav.bob')),
      // clients are the buurtteams' (BOB's staff have none)
      memberships.some((m) => m.expand?.team?.kind === 'buurtteam') && item('#/regie', 'regie', t('nav.regie')),
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
  showMustReadBadge(shell.nav);
  showChatBadge(shell.nav);
}

function renderChrome() {
  renderHeader();
  renderNav();
  shell.skip.textContent = t('app.skip');
  shell.banner.textContent = t('app.offline');
  shell.banner.hidden = getState().online;
}

/**
 * ShellProps is what the shell gives every screen, besides the route's
 * parameters; a screen takes what it needs.
 *
 * @typedef {Object} ShellProps
 * @property {() => void} onSignedIn after a sign-in (login)
 * @property {string} notice why the sign-in screen shows (login)
 * @property {() => void} reloadMemberships after joining or leaving a team
 * @property {(locale: string) => void} onLocale after choosing a language
 * @property {() => void} onSignOut
 */

/** @returns {ShellProps} */
function shellProps() {
  return {
    onSignedIn: afterSignIn,
    notice: loginNotice,
    reloadMemberships: () => loadMemberships().catch(() => {}),
    onLocale: (locale) => {
      setLocale(locale);
      localStorage.setItem(LOCALE_KEY, locale);
      route();
    },
    onSignOut: signOut,
  };
}

/** counts the routings, so a screen whose module arrives late is shown only if it is still wanted */
let routing = 0;

async function route() {
  const { name, params, def } = parseRoute(location.hash);
  const user = currentUser();

  if (!user && !def?.signedOut) {
    location.replace('#/login');
    return;
  }
  if (user && (name === 'login' || !def)) {
    location.replace('#/feed');
    return;
  }

  const current = ++routing;
  cleanupScreen?.();
  cleanupScreen = null;
  setState({ route: location.hash.replace(/^#\/?/, '') });
  renderChrome();

  const main = shell.main;
  main.replaceChildren();
  main.dataset.screen = name;
  document.title = t('titles.' + name) + ' · ' + t('app.name');
  main.scrollTop = 0;

  let screen;
  try {
    screen = await def.load();
  } catch (err) {
    // a module that does not load: offline before the app was kept, or a
    // new version on the server; a reload fetches a consistent one
    if (current === routing) replace(main, loadError(err, () => location.reload()));
    return;
  }
  if (current !== routing) return;
  const cleanup = screen.mount(main, { ...params, ...shellProps() });
  cleanupScreen = typeof cleanup === 'function' ? cleanup : null;
  showList(name, shellProps());
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
    if (changed.includes('mustread')) showMustReadBadge(shell.nav);
    if (changed.includes('chatUnread')) showChatBadge(shell.nav);
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
      stopMustRead();
      stopChat();
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
    watchMustRead();
    watchChat();
    startOutbox();
  }

  route();
  onWidthChange(() => showList(parseRoute(location.hash).name, shellProps()));
  registerServiceWorker();
}

start();
