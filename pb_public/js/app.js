// Buurtplein's PWA: the shell (header, team switcher, navigation), the
// router (over the route table in routes.js) and the start-up (session,
// teams, language, service worker).

import { h, replace } from './dom.js';
import { t, loadLocale, getLocale } from './i18n.js';
import { pb, currentUser, onSessionEnded, revokeSession, retryRevoke, cleanUpSession, onSessionCleanup } from './pb.js';
import { getState, setState, subscribe } from './store.js';
import { onRecords } from './topics.js';
import { avatar, toast, loadError } from './components/ui.js';
import { parseRoute, moduleOf } from './routes.js';
import { loadStyles, featureOf } from './styles.js';
import { watchNotifications, stopNotifications, refreshUnread, notificationText } from './features/notifications/unread.js';
import { watchMustRead, stopMustRead, showMustReadBadge } from './features/mustread/model.js';
import { watchChat, stopChat, showChatBadge } from './features/chat/model.js';
import { startOutbox } from './offline/outbox.js';
import { outboxMark, signOutAsking } from './offline/outbox-mark.js';
import { readThrough } from './offline/cache.js';

const LOCALE_KEY = 'buurtplein.locale';

// a session's end takes this browser's push subscription along; the push
// module loads then, not with the app (the token is read now, before the
// auth store is cleared)
onSessionCleanup(() => {
  const token = pb.authStore.token;
  if (!('serviceWorker' in navigator)) return;
  return import('./features/push/push.js').then((m) => m.endPush(token));
});

// the list beside a detail (js/split.js) is for tablets and desktops: its
// module loads once the window is that wide, not on a phone
const WIDE = matchMedia('(min-width: 600px)');
/** @type {Promise<any>|null} */
let split = null;

function showSplit() {
  if (!split && !WIDE.matches) return;
  split ||= import('./split.js');
  const name = parseRoute(location.hash).name;
  split.then((m) => m.showList(name, shellProps())).catch(() => {});
}

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
  // kept for offline starts: the header, the navigation and the boards need the teams
  const { value: list } = await readThrough('memberships', () =>
    pb.collection('memberships').getFullList({
      filter: pb.filter('user = {:user}', { user: user.id }),
      expand: 'team',
    })
  );
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
  await loadLocale(user?.locale || localStorage.getItem(LOCALE_KEY) || 'nl');
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

/** iconURL is the page's own icon link (with its version): the logo is then no second download. */
function iconURL() {
  return /** @type {HTMLLinkElement|null} */ (document.querySelector('link[rel=icon][type="image/svg+xml"]'))?.href || 'icons/icon.svg';
}

function renderHeader() {
  const { user, memberships, route } = getState();
  const brand = h(
    'a',
    { class: 'brand', href: user ? '#/feed' : '#/login' },
    // the logo is the link's name: on a phone it shows alone
    h('img', { src: iconURL(), alt: t('app.name'), width: 32, height: 32 }),
    h('span', { 'aria-hidden': 'true' }, t('app.name'))
  );
  if (!user) {
    replace(shell.header, h('div', { class: 'header-inner' }, brand));
    return;
  }

  const switcher = teamSwitcher(route, memberships);

  replace(
    shell.header,
    h(
      'div',
      { class: 'header-inner' },
      brand,
      // only where there is a team to switch: elsewhere an empty
      // "Kies een team" would ask for something the screen does not need
      switcher ? h('div', { class: 'switcher-wrap' }, h('label', { for: 'team-switcher', class: 'visually-hidden' }, t('nav.switchTeam')), switcher) : h('div', { class: 'switcher-wrap' }),
      searchLink(route),
      outboxMark(),
      bell(),
      // named by its words ("Profiel van" + the name shown), so a voice command with the visible name finds it
      h('a', { class: 'me', href: '#/profile' }, avatar(user, 'sm'), h('span', { class: 'visually-hidden' }, t('a11y.profileOf') + ' '), h('span', { class: 'me-name', dataset: { test: 'current-user' } }, user.name || user.email || ''))
    )
  );
}

/**
 * The header's switcher, on the screens that belong to a place: on a feed
 * (the organisation's or a team's page) it switches between feeds, on a
 * team's board between my teams' boards; teams and boards are never
 * mixed in one list. Other screens get none (null).
 *
 * @param {string} route the current route ("team/haarlem-noord/tasks")
 * @param {any[]} memberships mine, team expanded
 * @returns {HTMLSelectElement|null}
 */
function teamSwitcher(route, memberships) {
  const teams = memberships.filter((m) => m.expand?.team).map((m) => m.expand.team);
  const board = /^team\/[^/]+\/tasks$/.test(route);
  const feed = route === 'feed' || /^team\/[^/]+$/.test(route);
  if (!board && !feed) return null;
  const value = (team) => 'team/' + team.slug + (board ? '/tasks' : '');
  const mine = teams.some((team) => value(team) === route);
  const switcher = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'team-switcher', class: 'team-switcher', dataset: { test: 'team-switcher', kind: board ? 'boards' : 'feeds' } },
      board
        ? teams.map((team) => h('option', { value: value(team), selected: value(team) === route }, t('nav.boardOf', { team: team.name })))
        : [
            h('option', { value: 'feed', selected: route === 'feed' }, t('nav.organisation')),
            teams.length > 0 && h('optgroup', { label: t('nav.myTeams') }, teams.map((team) => h('option', { value: value(team), selected: value(team) === route }, team.name))),
          ],
      route !== 'feed' && !mine && h('option', { value: route, selected: true }, t('nav.otherTeam')),
      !board && h('option', { value: 'teams' }, t('nav.allTeams'))
    )
  );
  switcher.addEventListener('change', () => navigate('#/' + switcher.value));
  return switcher;
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
                h('a', { href: '#/team/' + encodeURIComponent(m.expand.team.slug), class: ['nav-team', active && 'active'], 'aria-current': active ? 'page' : null, title: m.expand.team.name }, m.expand.team.name),
                h('a', { href: '#/team/' + encodeURIComponent(m.expand.team.slug) + '/tasks', class: ['nav-team', 'nav-board', boardActive && 'active'], 'aria-current': boardActive ? 'page' : null, 'aria-label': t('nav.boardOf', { team: m.expand.team.name }) }, t('nav.tasks'))
              );
            })
        )
      )
  );
  showMustReadBadge(shell.nav);
  showChatBadge(shell.nav);
  keepTabInSight();
}

/** the frame at which the current tab is scrolled into sight, 0 when none is asked for */
let tabFrame = 0;

/**
 * Keeps the current tab in sight on a phone's bottom bar, which scrolls
 * when its tabs do not fit, at the next frame: the bar is drawn anew
 * several times while the app starts, and asking for the layout each
 * time laid the page out for nothing (a third of a second at start on a
 * slow phone). At the frame the page is laid out anyway.
 */
function keepTabInSight() {
  if (tabFrame) return;
  tabFrame = requestAnimationFrame(() => {
    tabFrame = 0;
    shell.nav.querySelector('.nav-main .active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });
}

/** the offline marks' module, loaded the first time the app is offline */
/** @type {Promise<any>|null} */
let offlineMarks = null;

/** showBanner shows or hides the offline banner, worded by js/offline/mark.js. */
function showBanner() {
  shell.banner.dataset.test = 'offline-banner';
  if (getState().online && !offlineMarks) {
    shell.banner.hidden = true;
    return;
  }
  offlineMarks ||= import('./offline/mark.js');
  offlineMarks.then((m) => m.showOfflineBanner(shell.banner)).catch(() => {});
}

function renderChrome() {
  renderHeader();
  renderNav();
  shell.skip.textContent = t('app.skip');
  showBanner();
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
      localStorage.setItem(LOCALE_KEY, locale);
      loadLocale(locale).then(route);
    },
    onSignOut: signOutAsking(signOut),
  };
}

/** what each screen imports beyond the shell, listed by the server in index.html */
const SCREEN_MODULES = readScreenModules();

/** @returns {Object<string, string[]>} */
function readScreenModules() {
  try {
    return JSON.parse(document.getElementById('screen-modules')?.textContent || '{}');
  } catch {
    return {}; // the page as written, without the server's list: the imports find their way
  }
}

/** @type {Set<string>} */
const preloaded = new Set();

/**
 * Asks for a screen's modules and styles at once: without it the browser
 * learns of a module only when the one importing it has arrived, a round
 * trip per level of imports on a slow connection.
 *
 * @param {import('./routes.js').RouteDef} def
 */
function preloadScreen(def) {
  const module = moduleOf(def);
  for (const name of [module, ...(SCREEN_MODULES[module] || [])]) {
    if (!name || preloaded.has(name)) continue;
    preloaded.add(name);
    document.head.append(h('link', { rel: 'modulepreload', href: name }));
  }
  loadStyles(featureOf(def));
}

/**
 * Returns the route the app opens on, as route() will send it: the
 * sign-in screen for the signed-out, the home screen for a signed-in
 * person on none or on the sign-in screen.
 *
 * @param {any} user
 */
function firstRoute(user) {
  const { name, def } = parseRoute(location.hash);
  if (!user && !def?.signedOut) return parseRoute('#/login').def;
  if (user && (name === 'login' || !def)) return parseRoute('#/feed').def;
  return def;
}

/** counts the routings, so a screen whose module arrives late is shown only if it is still wanted */
let routing = 0;

/** whether the main area was scrolled since the last routing */
let mainScrolled = false;
shell.main.addEventListener('scroll', () => (mainScrolled = true), { passive: true });

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
  // only when the last screen was scrolled: setting it makes the browser
  // lay the page out at once, which at start costs a slow phone a fifth
  // of a second for nothing
  if (mainScrolled) main.scrollTop = 0;
  mainScrolled = false;

  let screen;
  try {
    preloadScreen(def);
    [screen] = await Promise.all([def.load(), loadStyles(featureOf(def))]);
  } catch (err) {
    // a module that does not load: offline before the app was kept, or a
    // new version on the server; a reload fetches a consistent one
    if (current === routing) replace(main, loadError(err, () => location.reload()));
    return;
  }
  if (current !== routing) return;
  const cleanup = screen.mount(main, { ...params, ...shellProps() });
  cleanupScreen = typeof cleanup === 'function' ? cleanup : null;
  showSplit();
}

/**
 * Resumes the session the app opened with: refreshes it in the
 * background (a revoked one signs out) and starts what keeps the shell
 * up to date.
 */
function resumeSession() {
  pb.collection('users')
    .authRefresh()
    .then((auth) => {
      if (auth.record.locale && auth.record.locale !== getLocale()) {
        loadLocale(auth.record.locale).then(route);
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

function start() {
  const localeReady = loadLocale(currentUser()?.locale || localStorage.getItem(LOCALE_KEY) || 'nl');
  setState({ user: currentUser() });

  // the first screen's modules and first data are on their way while the
  // language loads
  const first = firstRoute(currentUser());
  if (first) preloadScreen(first);
  const firstData = currentUser() ? first?.early?.() : null;

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
    if (changed.includes('online')) showBanner();
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
    // the rest of the session's start waits for the first screen's first
    // data, and a frame to show it: on a slow phone their answers would
    // otherwise be handled first while the first posts wait
    Promise.resolve(firstData)
      .catch(() => {})
      .then(() => new Promise((resolve) => requestAnimationFrame(resolve)))
      .then(() => currentUser() && resumeSession());
  }

  localeReady.then(route).then(() => {
    // the worker (the offline shell, updates) once the first screen shows:
    // its install downloads the whole shell
    const later = window.requestIdleCallback || ((fn) => setTimeout(fn, 1000));
    later(() => import('./install.js').then((m) => m.startInstall()).catch(() => {}), { timeout: 5000 });
  });
  WIDE.addEventListener('change', showSplit);
}

start();
