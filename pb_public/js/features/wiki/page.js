// One wiki page (#/wiki/<id>): its title, its body with [[slug]] links, its
// attachments, who changed it last and its revision, and on a must-read
// page the reader's "Gelezen en begrepen". A colleague's save
// arrives live; the parts that did not change stay as they are.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, getFileToken } from '../../pb.js';
import { Live } from '../../live.js';
import { subscribe } from '../../store.js';
import { loading, announce } from '../../components/ui.js';
import { refreshTimes } from '../feed/post.js';
import { pageHead, pageBody, pageAttachments, pageMeta, missingOr } from './page-parts.js';
import { pageConfirm } from './page-confirm.js';
import { isUnreachable } from '../../offline/cache.js';
import { offlineMark, notKept } from '../../offline/mark.js';
import { keepProtocol, keptProtocol } from '../../offline/protocols.js';

/** What the page's screen expands. */
export const PAGE_EXPAND = 'team,parent,updated_by,created_by';

/**
 * Mounts a wiki page.
 *
 * @param {HTMLElement} el the screen container
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const live = new Live();
  /** @type {any} */
  let page = null;
  let token = '';
  let subscribed = false;

  const root = h('article', { class: 'wiki-page', dataset: { test: 'wiki-page', id, state: 'loading' } });
  const head = pageHead();
  const meta = pageMeta();
  const body = pageBody();
  const attachments = pageAttachments();
  const confirm = pageConfirm();
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });

  async function load() {
    replace(el, loading(t('wiki.loadingPage')));
    try {
      let next;
      let keptAt = 0;
      try {
        next = await fetchPage();
        keepProtocol(next);
      } catch (err) {
        // offline: an organisation protocol as last seen
        const kept = isUnreachable(err) ? await keptProtocol(id) : null;
        if (!kept) throw err;
        next = kept.value;
        keptAt = kept.savedAt;
      }
      if (live.destroyed) return;
      replace(el, root);
      replace(root, keptAt ? offlineMark(keptAt) : null, head.el, meta.el, liveNotice, body.el, attachments.el, confirm.el);
      root.dataset.state = 'ready';
      show(next);
      if (!subscribed) subscribeLive();
    } catch (err) {
      if (live.destroyed) return;
      replace(el, isUnreachable(err) ? notKept(load) : missingOr(err, load));
    }
  }

  async function fetchPage() {
    const next = await pb.collection('wiki_pages').getOne(id, { expand: PAGE_EXPAND });
    if (next.attachments?.length) token = await getFileToken();
    return next;
  }

  /** @param {any} next */
  function show(next) {
    const before = page;
    page = next;
    root.dataset.revision = String(page.revision || 0);
    document.title = `${page.title} · ${t('app.name')}`;
    head.update(page);
    meta.update(page);
    body.update(page);
    attachments.update(page, token);
    confirm.update(page);
    if (before && before.revision !== page.revision) {
      liveNotice.textContent = t('wiki.updatedLive', { n: page.revision, name: page.expand?.updated_by?.name || '' });
    }
  }


  /** Reads the page again (with its expand) and shows what changed. */
  async function refresh() {
    try {
      const next = await fetchPage();
      if (live.destroyed) return;
      root.querySelector('[data-test=offline-mark]')?.remove();
      show(next);
    } catch (err) {
      if (live.destroyed) return;
      if (err?.status === 404 || err?.status === 403) replace(el, missingOr(err, load));
      else announce(t('wiki.refreshFailed'));
    }
  }

  function subscribeLive() {
    subscribed = true;
    live.mark(root, [
      live.on('wiki_pages', id, (e) => {
        if (e.action === 'delete') {
          replace(el, missingOr({ status: 404 }, load));
          return;
        }
        // the event may carry less expand than the screen shows
        refresh();
      }),
      // my confirmation, from another tab or device
      live.on('reads', '*', (e) => {
        if (e.record?.page === id) confirm.refresh();
      }),
      live.onReconnect(refresh),
    ]);
  }

  const timer = setInterval(async () => {
    refreshTimes(root);
    if (page?.attachments?.length) {
      const fresh = await getFileToken();
      if (fresh && !live.destroyed && fresh !== token) {
        token = fresh;
        attachments.update(page, token);
    confirm.update(page);
      }
    }
  }, 60_000);
  live.onDestroy(() => clearInterval(timer));

  // right after a reload the teams arrive later: who may edit, and whom
  // a must-read asks, depend on them
  live.onDestroy(
    subscribe((state, changed) => {
      if (!changed.includes('memberships') || !page) return;
      head.update(page);
      confirm.update(page);
    })
  );

  load();
  return () => live.destroy();
}
