// A feature's styles (js/features/<name>/<name>.css) are loaded with its
// first screen, not by index.html: on a slow connection the home screen
// does not wait for the styles of the task board or the order form.
// index.html links the shared styles and those the shell itself shows (the
// header's search button, the navigation's badges).

/**
 * The features in the order of their styles in the cascade: a later
 * file's rule wins over an earlier one's of the same specificity, so a
 * file loaded late still takes its place in this order.
 */
const ORDER = ['account', 'feed', 'teams', 'tasks', 'notifications', 'wiki', 'search', 'mustread', 'bob', 'chat', 'regie'];

/** The other features whose components a feature's screens show. */
const USES = {
  feed: ['mustread'],
  teams: ['feed', 'mustread'],
  wiki: ['feed', 'mustread'],
  // my tasks' links to the team boards are the teams list's rows
  tasks: ['teams'],
  bob: ['tasks'],
  chat: ['bob', 'tasks'],
};

/** @type {Map<string, Promise<void>>} */
const loading = new Map();

/**
 * Returns the feature a route's screen belongs to: the folder its module
 * is loaded from (the route table's `import('./features/<name>/…')`), ""
 * for a screen outside js/features.
 *
 * @param {{load: Function}} def a route of js/routes.js
 * @returns {string}
 */
export function featureOf(def) {
  return String(def.load).match(/features\/([a-z]+)\//)?.[1] || '';
}

/**
 * Loads the styles a feature's screens need (its own and those of the
 * features it shows parts of), each file once. The promise settles when
 * they apply, or failed: a screen without its styles is better than none.
 *
 * @param {string} feature e.g. "feed"
 * @returns {Promise<void>}
 */
export function loadStyles(feature) {
  if (!ORDER.includes(feature)) return Promise.resolve();
  return Promise.all([feature, ...(USES[feature] || [])].map(loadOne)).then(() => {});
}

/**
 * @param {string} feature
 * @returns {Promise<void>}
 */
function loadOne(feature) {
  const linked = document.querySelector(`link[data-feature="${feature}"]`);
  if (linked && !loading.has(feature)) return Promise.resolve(); // index.html's
  let done = loading.get(feature);
  if (!done) {
    done = new Promise((resolve) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = `js/features/${feature}/${feature}.css`;
      link.dataset.feature = feature;
      link.addEventListener('load', () => resolve());
      link.addEventListener('error', () => {
        loading.delete(feature); // try again at the next screen
        link.remove();
        resolve();
      });
      place(link, feature);
    });
    loading.set(feature, done);
  }
  return done;
}

/**
 * Puts a feature's link at its place in {@link ORDER} among the others.
 *
 * @param {HTMLLinkElement} link
 * @param {string} feature
 */
function place(link, feature) {
  const links = /** @type {HTMLLinkElement[]} */ ([...document.head.querySelectorAll('link[data-feature]')]);
  const after = links.find((l) => ORDER.indexOf(l.dataset.feature || '') > ORDER.indexOf(feature));
  if (after) after.before(link);
  else if (links.length) links[links.length - 1].after(link);
  else document.head.append(link);
}
