// A page's history (#/wiki/<id>/history): its revisions, newest first; two
// chosen to compare show the server's diff, and those who may edit the
// page restore an earlier revision as a new one (history is never
// rewritten). New revisions arrive live.

import { h, replace, debounce, reveal } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { Live } from '../../live.js';
import { subscribe } from '../../store.js';
import { describeError } from '../../errors.js';
import { loading, errorLine, showError, toast } from '../../components/ui.js';
import { pageHash, canEditWiki, fetchDiff, restoreRevision } from './model.js';
import { diffView } from './diff-view.js';
import { revisionList } from './revision-list.js';
import { missingOr } from './page-parts.js';

/** Revisions per page of the list. */
const PER_PAGE = 50;

/**
 * Mounts a page's history.
 *
 * @param {HTMLElement} el the screen container
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const live = new Live();
  /** @type {any} */
  let page = null;
  /** @type {any[]} newest first */
  let revisions = [];
  let more = false;

  const root = h('div', { class: 'wiki-history', dataset: { test: 'wiki-revisions', id, state: 'loading' } });
  const head = h('div', { class: 'page-head' });
  const from = h('select', { id: 'wiki-diff-from', name: 'from' });
  const to = h('select', { id: 'wiki-diff-to', name: 'to' });
  const compareError = errorLine();
  const compareButton = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'diff-compare' } }, t('wiki.history.compare'));
  const compare = h(
    'form',
    { class: 'card wiki-compare', dataset: { test: 'diff-form' }, 'aria-labelledby': 'wiki-compare-heading' },
    h('h2', { id: 'wiki-compare-heading' }, t('wiki.history.compareHeading')),
    h(
      'div',
      { class: 'wiki-compare-fields' },
      h('div', { class: 'field' }, h('label', { for: 'wiki-diff-from' }, t('wiki.history.from')), from),
      h('div', { class: 'field' }, h('label', { for: 'wiki-diff-to' }, t('wiki.history.to')), to),
      compareButton
    ),
    compareError
  );
  const diff = diffView();
  const list = revisionList({ onRestore: restore, onMore: loadMore });

  async function load() {
    replace(el, loading(t('wiki.history.loading')));
    try {
      [page, revisions] = await Promise.all([pb.collection('wiki_pages').getOne(id, { expand: 'team' }), fetchRevisions(PER_PAGE)]);
    } catch (err) {
      if (live.destroyed) return;
      replace(el, missingOr(err, load));
      return;
    }
    if (live.destroyed) return;
    replace(el, root);
    replace(root, head, compare, diff.el, list.el);
    root.dataset.state = 'ready';
    show();
    subscribeLive();
  }

  /** @returns {Promise<any[]>} the newest n revisions; sets more */
  async function fetchRevisions(n) {
    const result = await pb.collection('wiki_revisions').getList(1, n, {
      filter: pb.filter('page = {:page}', { page: id }),
      sort: '-revision',
      expand: 'author',
      fields: 'id,page,revision,title,summary,author,created,expand.author.id,expand.author.name',
      skipTotal: true,
    });
    more = result.items.length === n;
    return result.items;
  }

  function show() {
    document.title = `${t('wiki.history.title', { title: page.title })} · ${t('app.name')}`;
    root.dataset.revision = String(page.revision || 0);
    replace(
      head,
      h('p', { class: 'crumbs' }, h('a', { href: pageHash(id), dataset: { test: 'wiki-back' } }, '← ', page.title)),
      h('h1', null, t('wiki.history.heading')),
      h('p', { class: 'page-sub' }, t('wiki.history.intro', { title: page.title }))
    );
    fillSelects();
    list.update(revisions, page.revision || 0, canEditWiki(page.team), more);
  }

  function fillSelects() {
    const keep = [from.value, to.value];
    const options = (selected) => revisions.map((r) => h('option', { value: String(r.revision), selected: String(r.revision) === selected }, t('wiki.revision', { n: r.revision })));
    const newest = revisions[0] ? String(revisions[0].revision) : '';
    const previous = revisions[1] ? String(revisions[1].revision) : newest;
    replace(from, options(keep[0] || previous));
    replace(to, options(keep[1] || newest));
    compareButton.disabled = revisions.length < 2;
  }

  compare.addEventListener('submit', async (e) => {
    e.preventDefault();
    const a = Number(from.value);
    const b = Number(to.value);
    if (!a || !b || a === b) {
      showError(compareError, t('wiki.history.pickTwo'));
      return;
    }
    showError(compareError, '');
    compareButton.disabled = true;
    diff.el.setAttribute('aria-busy', 'true');
    try {
      const result = await fetchDiff(id, a, b);
      if (live.destroyed) return;
      diff.update(result);
      diff.el.setAttribute('tabindex', '-1');
      reveal(diff.el, diff.el);
    } catch (err) {
      if (!live.destroyed) showError(compareError, describeError(err, 'diffWiki').message);
    } finally {
      compareButton.disabled = false;
      diff.el.removeAttribute('aria-busy');
    }
  });

  /** @param {number} revision */
  async function restore(revision) {
    try {
      const record = await restoreRevision(id, revision);
      if (live.destroyed) return;
      toast(t('wiki.history.restored', { n: revision, m: record?.revision || '' }));
      await refresh();
    } catch (err) {
      toast(describeError(err, 'restoreWiki').message, 'error');
    }
  }

  async function loadMore() {
    try {
      revisions = await fetchRevisions(revisions.length + PER_PAGE);
      if (!live.destroyed) show();
    } catch (err) {
      toast(describeError(err, 'load').message, 'error');
    }
  }

  async function refresh() {
    try {
      const [p, revs] = await Promise.all([pb.collection('wiki_pages').getOne(id, { expand: 'team' }), fetchRevisions(Math.max(PER_PAGE, revisions.length + 1))]);
      if (live.destroyed) return;
      page = p;
      revisions = revs;
      show();
    } catch {
      // the next event or reconnect tries again
    }
  }
  const refreshSoon = debounce(() => !live.destroyed && refresh(), 300);

  function subscribeLive() {
    live.mark(root, [
      live.on('wiki_revisions', '*', (e) => {
        if (e.record?.page === id) refreshSoon();
      }),
      live.on('wiki_pages', id, refreshSoon),
      live.onReconnect(refreshSoon),
    ]);
  }


  // right after a reload the teams arrive later: they decide who restores
  live.onDestroy(
    subscribe((state, changed) => {
      if (changed.includes('memberships') && page) show();
    })
  );

  load();
  return () => live.destroy();
}
