// The route table: every screen of the PWA, one line each. A feature's
// screens live in js/features/<name>/ (with its components and CSS), and a
// screen's module is loaded the first time it is shown, so the sign-in
// screen does not wait for the task board's code.
//
// A screen module exports mount(el, props) and may return a function that
// cleans up when the screen goes. props holds the route's parameters
// (":slug" → props.slug) and what the shell offers every screen (see
// ShellProps in app.js).

import { readEarly } from './features/feed/first-page.js';

/**
 * @typedef {Object} RouteDef
 * @property {string} name the screen's name: its title is titles.<name>
 *   in the language files, and main carries data-screen="<name>"
 * @property {string} path "team/:slug/tasks": literal parts and parameters;
 *   a parameter is never empty unless marked optional (":token?")
 * @property {string} [tab] the navigation tab it belongs to
 * @property {boolean} [signedOut] shown without a session (the others
 *   send the signed-out to #/login)
 * @property {() => Promise<{mount: (el: HTMLElement, props: any) => any}>} load
 * @property {() => Promise<any>} [early] asks for what the screen shows
 *   first, when the app starts on it: the request travels while the
 *   screen's modules load. The promise settles when the answer is there.
 */

/** @type {RouteDef[]} */
export const ROUTES = [
  { name: 'login', path: 'login', signedOut: true, load: () => import('./features/account/login.js') },
  // the password reset mail links to #/reset-password/<token>
  { name: 'reset', path: 'reset-password/:token?', signedOut: true, load: () => import('./features/account/reset.js') },
  { name: 'profile', path: 'profile', tab: 'profile', load: () => import('./features/account/profile.js') },

  // the home screen: its first posts are asked for at start
  { name: 'feed', path: 'feed', tab: 'feed', load: () => import('./features/feed/feed.js'), early: readEarly },
  // one post: where notifications about it lead
  { name: 'post', path: 'post/:id', tab: 'feed', load: () => import('./features/feed/post-page.js') },

  { name: 'teams', path: 'teams', tab: 'teams', load: () => import('./features/teams/teams.js') },
  { name: 'team', path: 'team/:slug', tab: 'teams', load: () => import('./features/teams/team.js') },
  { name: 'directory', path: 'directory', tab: 'directory', load: () => import('./features/teams/directory.js') },

  { name: 'tasks', path: 'tasks', tab: 'tasks', load: () => import('./features/tasks/tasks.js') },
  // notifications about offers link to #/handovers: the offers are on top of my tasks
  { name: 'tasks', path: 'handovers', tab: 'tasks', load: () => import('./features/tasks/tasks.js') },
  { name: 'task', path: 'tasks/:id', tab: 'tasks', load: () => import('./features/tasks/task.js') },
  { name: 'board', path: 'team/:slug/tasks', tab: 'tasks', load: () => import('./features/tasks/board.js') },
  { name: 'handover', path: 'handover', tab: 'tasks', load: () => import('./features/tasks/handover.js') },

  // the wikis: #/wiki/new/<organisation|team slug> before #/wiki/<id>, so
  // "new" is never read as a page id
  { name: 'wiki', path: 'wiki', tab: 'wiki', load: () => import('./features/wiki/wiki.js') },
  { name: 'wikinew', path: 'wiki/new/:wiki', tab: 'wiki', load: () => import('./features/wiki/edit.js') },
  { name: 'wikipage', path: 'wiki/:id', tab: 'wiki', load: () => import('./features/wiki/page.js') },
  { name: 'wikiedit', path: 'wiki/:id/edit', tab: 'wiki', load: () => import('./features/wiki/edit.js') },
  { name: 'wikinew', path: 'wiki/:parent/new', tab: 'wiki', load: () => import('./features/wiki/edit.js') },
  { name: 'wikihistory', path: 'wiki/:id/history', tab: 'wiki', load: () => import('./features/wiki/history.js') },

  // search, from the header on every screen: #/search/<words>
  { name: 'search', path: 'search/:q?', load: () => import('./features/search/search.js') },

  // who has confirmed a must-read post or page (collection: posts | wiki_pages)
  { name: 'readers', path: 'readers/:collection/:id', tab: 'feed', load: () => import('./features/mustread/readers.js') },

  // chat: the channel list, a new chat, a conversation and its people
  // (#/chat/new before #/chat/<id>, so "new" is never read as an id)
  { name: 'chat', path: 'chat', tab: 'chat', load: () => import('./features/chat/channels.js') },
  { name: 'chatnew', path: 'chat/new', tab: 'chat', load: () => import('./features/chat/new.js') },
  { name: 'chatroom', path: 'chat/:id', tab: 'chat', load: () => import('./features/chat/conversation.js') },
  { name: 'chatmembers', path: 'chat/:id/members', tab: 'chat', load: () => import('./features/chat/members.js') },

  // what waits in the outbox to be sent
  { name: 'outbox', path: 'outbox', load: () => import('./offline/outbox-view.js') },

  { name: 'notifications', path: 'notifications', load: () => import('./features/notifications/notifications.js') },
  // a tapped lock-screen notification: marks it read, goes on to its subject
  { name: 'notifications', path: 'notifications/:id', load: () => import('./features/push/open.js') },

  // BOB: "Vraag het BOB" and my teams' questions, BOB's workspace (staff
  // only), the catalogue, the order form and the orders. Literal paths
  // before parameters: #/bob/orders before #/bob/orders/<id>.
  { name: 'bob', path: 'bob', tab: 'bob', load: () => import('./features/bob/bob.js') },
  { name: 'bobdesk', path: 'bob/desk', tab: 'bob', load: () => import('./features/bob/desk.js') },
  { name: 'bobsaved', path: 'bob/saved', tab: 'bob', load: () => import('./features/bob/saved.js') },
  { name: 'bobquestion', path: 'bob/questions/:id', tab: 'bob', load: () => import('./features/bob/question.js') },
  { name: 'bobcatalogue', path: 'bob/catalogue', tab: 'bob', load: () => import('./features/bob/catalogue.js') },
  { name: 'boborder', path: 'bob/order/:product', tab: 'bob', load: () => import('./features/bob/order-new.js') },
  { name: 'boborders', path: 'bob/orders', tab: 'bob', load: () => import('./features/bob/orders.js') },
  { name: 'boborderpage', path: 'bob/orders/:id', tab: 'bob', load: () => import('./features/bob/order.js') },

  // Cliënten (regie): a team's cases by step, a new client, the team's
  // template (coordinators), a case and its access report. Literal paths
  // before parameters: #/regie/team/<slug>/new before nothing else, and
  // #/regie/case/<id>/access after #/regie/case/<id>.
  { name: 'regie', path: 'regie', tab: 'regie', load: () => import('./features/regie/regie.js') },
  { name: 'regiecases', path: 'regie/team/:slug', tab: 'regie', load: () => import('./features/regie/cases.js') },
  { name: 'regienew', path: 'regie/team/:slug/new', tab: 'regie', load: () => import('./features/regie/client-new.js') },
  { name: 'regietemplate', path: 'regie/team/:slug/template', tab: 'regie', load: () => import('./features/regie/template.js') },
  { name: 'regiecase', path: 'regie/case/:id', tab: 'regie', load: () => import('./features/regie/case.js') },
  { name: 'regieaccess', path: 'regie/case/:id/access', tab: 'regie', load: () => import('./features/regie/access.js') },
];

/**
 * Returns the module a route's screen is loaded from, from the site's
 * root ("js/features/feed/feed.js"): the route table's import('./…').
 *
 * @param {RouteDef} def
 * @returns {string}
 */
export function moduleOf(def) {
  const path = String(def.load).match(/import\('\.\/([^']+)'\)/)?.[1];
  return path ? 'js/' + path : '';
}

/**
 * @typedef {Object} Route
 * @property {string} name the screen's name, "" when no route matches
 * @property {Object<string, string>} params the route's parameters ({slug}, {id}, {token})
 * @property {RouteDef|null} def
 */

/**
 * Parses the location hash into a route ("#/team/schalkwijk",
 * "#/team/schalkwijk/tasks", "#/tasks/<id>").
 *
 * @param {string} hash
 * @returns {Route}
 */
export function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/');
  for (const def of ROUTES) {
    const params = match(def.path.split('/'), parts);
    if (params) return { name: def.name, params, def };
  }
  return { name: '', params: {}, def: null };
}

/**
 * @param {string[]} pattern
 * @param {string[]} parts
 * @returns {Object<string, string>|null} the parameters, null when the
 *   parts do not match the pattern
 */
function match(pattern, parts) {
  if (parts.length > 1 && parts.at(-1) === '') parts = parts.slice(0, -1); // "#/tasks/" is "#/tasks"
  if (parts.length > pattern.length) return null;
  /** @type {Object<string, string>} */
  const params = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = parts[i] ?? '';
    const param = pattern[i].match(/^:(\w+)(\?)?$/);
    if (!param) {
      if (part !== pattern[i]) return null;
      continue;
    }
    if (part === '' && !param[2]) return null;
    try {
      params[param[1]] = decodeURIComponent(part);
    } catch {
      return null; // a malformed %-escape
    }
  }
  return params;
}
