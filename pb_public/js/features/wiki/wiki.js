// The wikis (#/wiki): the organisation's (its care protocols among them)
// and those of the reader's teams, each a tree of pages by parent. Pages
// that colleagues add, move or rename arrive live.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { getState, subscribe } from '../../store.js';
import { Live } from '../../live.js';
import { loading, loadError } from '../../components/ui.js';
import { fetchTreePages, canEditWiki, ORGANISATION } from './model.js';
import { wikiTree } from './wiki-tree.js';
import { readThrough } from '../../offline/cache.js';
import { markOf } from '../../offline/mark.js';
import { keepProtocols } from '../../offline/protocols.js';

/**
 * Mounts the wiki overview.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  const live = new Live();
  const status = h('div', { class: 'wiki-status' });
  const sectionsEl = h('div', { class: 'wiki-sections stack' });
  const root = h(
    'div',
    { class: 'wiki-overview', dataset: { test: 'wiki', state: 'loading' }, 'aria-busy': 'true' },
    h('div', { class: 'page-head' }, h('h1', null, t('wiki.title')), h('p', { class: 'page-sub' }, t('wiki.intro'))),
    status,
    sectionsEl
  );
  el.append(root);

  /** @type {Map<string, ReturnType<typeof wikiTree>>} */
  let sections = new Map();
  /** @type {any[]} */
  let pages = [];
  let teamsKey = '';

  /** @returns {{key: string, name: string, team: string, canEdit: boolean}[]} */
  function wanted() {
    const teams = getState()
      .memberships.filter((m) => m.expand?.team)
      .map((m) => ({ key: m.expand.team.slug, name: t('wiki.teamWiki', { team: m.expand.team.name }), team: m.team, canEdit: canEditWiki(m.team) }));
    return [{ key: ORGANISATION, name: t('wiki.organisationWiki'), team: '', canEdit: canEditWiki('') }, ...teams];
  }

  function render() {
    const want = wanted();
    const key = JSON.stringify(want);
    if (key !== teamsKey) {
      teamsKey = key;
      sections = new Map(want.map((s) => [s.team, wikiTree(s)]));
      replace(sectionsEl, [...sections.values()].map((s) => s.el));
    }
    for (const [team, section] of sections) section.update(pages.filter((p) => (p.team || '') === team));
  }

  /** @param {boolean} [quiet] a live reload: keep showing the tree while it reads */
  async function load(quiet = false) {
    if (!quiet || root.dataset.state === 'error') {
      root.dataset.state = 'loading';
      root.setAttribute('aria-busy', 'true');
      replace(status, loading(t('wiki.loading')));
    }
    try {
      const teamIds = getState().memberships.map((m) => m.team);
      const kept = await readThrough('wiki/tree', () => fetchTreePages(teamIds));
      if (live.destroyed) return;
      pages = kept.value;
      replace(status, markOf(kept));
      // the protocols themselves, for reading them offline
      if (!kept.savedAt && !quiet) keepProtocols();
      render();
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed || (quiet && root.dataset.state === 'ready')) return;
      root.dataset.state = 'error';
      replace(status, loadError(err, () => load()));
    } finally {
      if (!live.destroyed) root.setAttribute('aria-busy', 'false');
    }
  }

  const reload = debounce(() => {
    if (!live.destroyed) load(true);
  }, 400);

  live.mark(root, [live.on('wiki_pages', '*', reload), live.onReconnect(reload)]);
  // the teams arrive after a reload, and change when one joins or leaves
  const unsubscribe = subscribe((state, changed) => {
    if (changed.includes('memberships')) reload();
  });
  live.onDestroy(unsubscribe);
  load();

  return () => live.destroy();
}
