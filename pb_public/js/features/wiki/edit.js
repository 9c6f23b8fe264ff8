// Writing a wiki page: editing one (#/wiki/<id>/edit), a new page under a
// parent (#/wiki/<parent>/new) or at the top of a wiki
// (#/wiki/new/organisation, #/wiki/new/<team slug>).
//
// A save sends the revision the text started from; when a colleague saved
// in between, the server answers 409 wiki_stale_revision and the conflict
// view shows their version. What is typed is kept as a draft in
// localStorage until the page is saved, so a failed request, a reload or
// a lost connection never loses it.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState } from '../../store.js';
import { Live } from '../../live.js';
import { describeError } from '../../errors.js';
import { loading, toast, announce } from '../../components/ui.js';
import { pageHash, canEditWikiChecked, ORGANISATION } from './model.js';
import { wikiForm, saveBody } from './wiki-form.js';
import { conflictView } from './conflict.js';
import { wikiName, missingOr } from './page-parts.js';

/**
 * @typedef {Object} Target what is being written
 * @property {any|null} page the page being edited, or null for a new one
 * @property {string} team the wiki's team id ("" for the organisation's)
 * @property {string} teamName
 * @property {any|null} parent the parent page of a new page
 */

/**
 * Mounts the page editor.
 *
 * @param {HTMLElement} el the screen container
 * @param {{id?: string, parent?: string, wiki?: string}} params id: edit that
 *   page; parent: a new page under it; wiki: a new page at the top of
 *   "organisation" or the team with that slug
 * @returns {() => void} cleanup
 */
export function mount(el, { id, parent, wiki }) {
  const live = new Live();
  const me = currentUser();
  /** @type {ReturnType<typeof wikiForm>|null} */
  let form = null;
  /** @type {Target|null} */
  let target = null;
  /** the revision the text in the form started from */
  let base = 0;
  let saving = false;
  let watching = false;

  const root = h('div', { class: 'wiki-edit', dataset: { test: 'wiki-editor', state: 'loading' } });
  const staleNote = h('p', { class: 'wiki-stale card notice', role: 'status', dataset: { test: 'wiki-stale' }, hidden: true });
  const draftNote = h('div', { class: 'wiki-draft-note', hidden: true });
  const conflict = conflictView({
    onKeep: (current) => {
      base = current.revision;
      storeDraft();
      staleNote.hidden = true;
      form?.focusBody();
    },
    onTake: (current) => {
      const before = form ? form.values() : { title: '', body: '' };
      base = current.revision;
      form?.fill({ title: current.title, body: current.body });
      storeDraft();
      staleNote.hidden = true;
      return { title: before.title, body: before.body };
    },
  });

  const draftKey = () => `buurtplein.draft.${me?.id || 'anon'}.wiki.${id ? id : `new.${target?.team || ORGANISATION}.${target?.parent?.id || 'top'}`}`;

  async function load() {
    replace(el, loading(t('wiki.loadingPage')));
    try {
      target = await fetchTarget();
    } catch (err) {
      if (live.destroyed) return;
      replace(el, missingOr(err, load));
      return;
    }
    let editable = false;
    try {
      editable = await canEditWikiChecked(target.team);
    } catch {
      // offline: the store's answer stands
    }
    if (live.destroyed) return;
    if (!editable) {
      replace(
        el,
        h(
          'div',
          { class: 'state state-empty', dataset: { test: 'wiki-readonly' } },
          h('h1', null, t('wiki.readOnlyTitle')),
          h('p', null, target.team ? t('wiki.readOnlyTeam') : t('wiki.readOnlyOrganisation')),
          h('a', { href: target.page ? pageHash(target.page.id) : '#/wiki', class: 'btn btn-secondary' }, t('wiki.backToWiki'))
        )
      );
      return;
    }
    render();
  }

  /** @returns {Promise<Target>} */
  async function fetchTarget() {
    if (id) {
      const page = await pb.collection('wiki_pages').getOne(id, { expand: 'team,parent' });
      return { page, team: page.team || '', teamName: wikiName(page), parent: page.expand?.parent || null };
    }
    if (parent) {
      const p = await pb.collection('wiki_pages').getOne(parent, { expand: 'team' });
      return { page: null, team: p.team || '', teamName: wikiName(p), parent: p };
    }
    if (!wiki || wiki === ORGANISATION) return { page: null, team: '', teamName: t('wiki.organisationWiki'), parent: null };
    const m = getState().memberships.find((x) => x.expand?.team?.slug === wiki);
    if (m) return { page: null, team: m.team, teamName: t('wiki.teamWiki', { team: m.expand.team.name }), parent: null };
    const team = await pb.collection('teams').getFirstListItem(pb.filter('slug = {:slug}', { slug: wiki }));
    return { page: null, team: team.id, teamName: t('wiki.teamWiki', { team: team.name }), parent: null };
  }

  function render() {
    if (!target) return;
    const page = target.page;
    base = page ? page.revision || 0 : 0;
    const cancelHash = page ? pageHash(page.id) : target.parent ? pageHash(target.parent.id) : '#/wiki';
    form = wikiForm({
      team: target.team,
      isNew: !page,
      page,
      cancelHash,
      onInput: () => saveDraftSoon(),
      onSubmit: save,
    });
    if (page) {
      form.fill({ title: page.title, slug: page.slug, body: page.body, summary: '', shared: Boolean(page.shared), protocol: Boolean(page.protocol), must_read: Boolean(page.must_read), must_read_team: page.must_read_team || '' });
    }
    restoreDraft();

    const heading = page ? t('wiki.editTitle', { title: page.title }) : t('wiki.newTitle');
    document.title = `${heading} · ${t('app.name')}`;
    replace(el, root);
    replace(
      root,
      h(
        'div',
        { class: 'page-head' },
        h('p', { class: 'crumbs' }, h('a', { href: cancelHash }, '← ', page ? page.title : target.parent ? target.parent.title : target.teamName)),
        h('h1', null, heading),
        h('p', { class: 'page-sub' }, target.parent && !page ? t('wiki.newUnder', { parent: target.parent.title, wiki: target.teamName }) : target.teamName)
      ),
      draftNote,
      staleNote,
      conflict.el,
      form.el
    );
    root.dataset.state = 'ready';
    root.dataset.base = String(base);
    if (page) watch(page.id);
  }

  /** Tells the writer when a colleague saves the page meanwhile. */
  function watch(pageId) {
    if (watching) return;
    watching = true;
    live.mark(root, [
      live.on('wiki_pages', pageId, (e) => {
        const rev = Number(e.record?.revision || 0);
        if (e.action === 'update' && rev > base && !saving) {
          staleNote.hidden = false;
          staleNote.textContent = t('wiki.staleLive', { n: rev });
          announce(staleNote.textContent);
        }
      }),
    ]);
  }

  /**
   * @param {import('./wiki-form.js').WikiFormValues} v
   * @param {File[]} files
   * @param {string[]} remove
   */
  async function save(v, files, remove) {
    if (!target || !form || saving) return;
    if (!getState().online) {
      storeDraft();
      form.error(t('errors.offline'));
      return;
    }
    /** @type {Object<string, any>} */
    const data = { title: v.title.trim(), slug: v.slug, body: v.body, summary: v.summary.trim() };
    if (target.team) data.shared = v.shared;
    else Object.assign(data, { protocol: v.protocol, must_read: v.must_read, must_read_team: v.must_read_team });
    if (remove.length) data['attachments-'] = remove;

    saving = true;
    form.busy(true);
    storeDraft();
    try {
      let record;
      if (target.page) {
        data.revision = base;
        record = await pb.collection('wiki_pages').update(target.page.id, saveBody(data, files));
      } else {
        data.team = target.team;
        data.parent = target.parent ? target.parent.id : '';
        record = await pb.collection('wiki_pages').create(saveBody(data, files));
      }
      localStorage.removeItem(draftKey());
      conflict.hide();
      toast(t('wiki.saved', { n: record.revision || 1 }));
      live.destroy();
      location.hash = pageHash(record.id);
    } catch (err) {
      if (live.destroyed) return;
      const problem = describeError(err, 'saveWiki');
      if (problem.code === 'wiki_stale_revision') {
        form.error('');
        conflict.show(err.response?.data?.['@request']?.params || {});
      } else {
        form.error(problem.message, problem.fields);
      }
    } finally {
      saving = false;
      form?.busy(false);
    }
  }

  function storeDraft() {
    if (!form || !target) return;
    const v = form.values();
    const page = target.page;
    const unchanged = page ? v.title === page.title && v.slug === page.slug && v.body === (page.body || '') && !v.summary.trim() && base === page.revision : !v.title.trim() && !v.body.trim();
    try {
      if (unchanged) localStorage.removeItem(draftKey());
      else localStorage.setItem(draftKey(), JSON.stringify({ ...v, base }));
    } catch {
      // storage full or disabled: the text is still in the form
    }
  }
  const saveDraftSoon = debounce(() => !live.destroyed && storeDraft(), 300);

  function restoreDraft() {
    if (!form) return;
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(draftKey()) || 'null');
    } catch {
      return;
    }
    if (!draft || typeof draft !== 'object') return;
    form.fill(draft);
    if (typeof draft.base === 'number') base = draft.base;
    const discard = h('button', { type: 'button', class: 'btn-link', dataset: { test: 'wiki-draft-discard' } }, t('wiki.draftDiscard'));
    discard.addEventListener('click', () => {
      localStorage.removeItem(draftKey());
      // the page as it is on the server, without the draft
      render();
    });
    draftNote.hidden = false;
    draftNote.dataset.test = 'wiki-draft';
    replace(draftNote, h('p', null, t('wiki.draftRestored'), ' ', discard));
    if (target?.page && base < (target.page.revision || 0)) {
      staleNote.hidden = false;
      staleNote.textContent = t('wiki.staleDraft', { n: target.page.revision });
    }
  }


  load();
  return () => {
    // the last keystrokes before leaving
    if (!live.destroyed) storeDraft();
    live.destroy();
    form?.destroy();
  };
}
