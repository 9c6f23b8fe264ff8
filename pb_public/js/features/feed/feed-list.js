// A feed: a team's posts or the organisation's, newest first, with the
// must-reads still to confirm and the compose form on top, and the pinned
// posts above the others. New posts and comments arrive live through the
// organisation's and the teams' realtime topics.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, getFileToken } from '../../pb.js';
import { getState, subscribe } from '../../store.js';
import { Live } from '../../live.js';
import { describeError } from '../../errors.js';
import { renderPost, updatePost, updateMustRead, addComment, removeComment, refreshTimes, refreshImageLinks } from './post.js';
import { createMustReadBanner } from '../mustread/banner.js';
import { fetchConfirmations } from '../mustread/model.js';
import { createCompose } from './compose.js';
import { loading, loadError, announce } from '../../components/ui.js';
import { remember, recall, isUnreachable } from '../../offline/cache.js';
import { readPage, takeEarly, PER_PAGE, ORGANISATION } from './first-page.js';

/** @param {any} post */
const hasFiles = (post) => Boolean(post.images?.length || post.attachments?.length);

/**
 * @typedef {Object} Feed
 * @property {HTMLElement} el the feed section ([data-test=feed])
 * @property {() => void} destroy stops the realtime subscriptions and timers
 */

/**
 * Creates a feed for a team, or for the whole organisation.
 *
 * @param {{team: any|null}} options the team record, or null for the organisation feed
 * @returns {Feed}
 */
export function createFeed({ team }) {
  const slug = team ? team.slug : 'organisation';
  const headingId = 'feed-heading-' + slug;
  const pinnedList = h('div', { class: 'post-list pinned-list', dataset: { test: 'pinned-posts' } });
  const list = h('div', { class: 'post-list' });
  const banner = createMustReadBanner({ team });
  const status = h('div', { class: 'feed-status' });
  const markHost = h('div', { class: 'feed-offline' });
  const moreButton = h('button', { type: 'button', class: 'btn btn-secondary btn-block', hidden: true }, t('feed.more'));
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });

  let fileToken = '';

  const el = h(
    'section',
    { class: 'feed', dataset: { test: 'feed', team: slug, state: 'loading' }, 'aria-labelledby': headingId, 'aria-busy': 'true' },
    h('h2', { id: headingId, class: 'visually-hidden' }, team ? t('feed.teamHeading', { team: team.name }) : t('feed.organisationHeading')),
    banner.el,
    createCompose({
      team,
      onCreated: async (post) => {
        if (hasFiles(post)) fileToken = await getFileToken();
        insertTop(post, []);
      },
    }),
    liveNotice,
    markHost,
    status,
    pinnedList,
    list,
    moreButton
  );

  const live = new Live();
  let page = 1;

  const ctx = () => ({ fileToken, showTeam: !team });

  const filter = team ? pb.filter('team = {:team}', { team: team.id }) : ORGANISATION;
  const belongs = (post) => (team ? post.team === team.id : post.visibility === 'organisation');
  const articleOf = (id) => /** @type {HTMLElement|null} */ (el.querySelector(`article[data-test=post][data-id="${CSS.escape(id)}"]`));

  /**
   * Reads a page of the feed in one request: the pinned posts first (shown
   * on top), then the others newest first. full tells whether there may be
   * more.
   */
  async function fetchPage(n) {
    const page = await fetchPosts(n);
    return { ...page, comments: await fetchExtras(page.all) };
  }

  /** Reads a page's posts: the pinned ones first, then the others newest first. */
  async function fetchPosts(n) {
    return pageOf(await readPage(filter, n));
  }

  /** Splits a page of posts read: the pinned ones, the others, and whether there may be more. */
  function pageOf(result) {
    const all = result.items;
    return { all, pins: all.filter((p) => p.pinned), posts: all.filter((p) => !p.pinned), full: all.length === PER_PAGE };
  }

  /**
   * Reads what a page's posts show besides themselves: their comments (one
   * request), my confirmations of the must-reads, a file token for their
   * files.
   *
   * @param {any[]} all the page's posts
   * @returns {Promise<Map<string, any[]>>} the comments by post
   */
  async function fetchExtras(all) {
    const [comments] = await Promise.all([fetchComments(all.map((p) => p.id)), fetchConfirmations(all.filter((p) => p.must_read).map((p) => p.id))]);
    fileToken = all.some(hasFiles) ? await getFileToken() : fileToken;
    for (const record of [...all, ...[...comments.values()].flat()]) {
      if (String(record.created || '') > newest) newest = String(record.created);
    }
    return comments;
  }

  /** the server's time of the newest post or comment read: what came later was not */
  let newest = '';

  /**
   * Reads what was placed after the first page was read and before the
   * subscriptions were in place: the posts and the comments (on the posts
   * shown) newer than the newest one read. Mostly nothing, in two small
   * answers, where reading the page again doubled the first load.
   */
  async function readNewer() {
    if (live.destroyed || el.dataset.state !== 'ready') return;
    const since = newest;
    if (!since) return catchUp(); // an empty page: nothing to be newer than
    const shown = [...el.querySelectorAll('article[data-test=post]')].map((a) => /** @type {HTMLElement} */ (a).dataset.id || '');
    try {
      const [posts, comments] = await Promise.all([
        pb.collection('posts').getFullList({ filter: `(${filter}) && ` + pb.filter('created > {:since}', { since }), sort: 'created,id', expand: 'author,team' }),
        fetchComments(shown, since),
      ]);
      if (live.destroyed) return;
      if (posts.some(hasFiles)) fileToken = await getFileToken();
      for (const post of posts) insertTop(post, []);
      for (const [post, list] of comments) {
        const article = articleOf(post);
        if (article) for (const c of list) addComment(article, c);
      }
    } catch {
      // offline again: the next reconnect reads the page again
    }
  }

  /**
   * Puts an article where its post belongs: pinned on top, the others
   * newest first below.
   *
   * @param {HTMLElement} article
   * @param {any} post
   */
  function place(article, post) {
    if (post.pinned) {
      if (article.parentElement !== pinnedList) pinnedList.prepend(article);
      return;
    }
    if (article.parentElement === list) return;
    const later = [...list.children].find((a) => String(/** @type {HTMLElement} */ (a).dataset.created || '') < String(post.created || ''));
    list.insertBefore(article, later || null);
  }

  async function load() {
    el.dataset.state = 'loading';
    el.setAttribute('aria-busy', 'true');
    replace(status, loading(t('feed.loading')));
    // the first page is kept: offline, the feed shows it as last seen
    const key = 'feed/' + slug;
    // asked for when the app started on this feed, or now
    const started = takeEarly(filter);
    const fresh = started ? started.page.then(pageOf) : fetchPosts(1);
    const kept = el.querySelector('article[data-test=post]') ? null : await keptBefore(started?.kept || recall(key), fresh);
    if (live.destroyed) return;
    // shown at once, without a mark, while the fresh page is on its way:
    // a start of the app needs no round trip before the posts show
    if (kept) show(kept.value.first, kept.value.comments);
    try {
      let first;
      try {
        first = await fresh;
      } catch (err) {
        if (!isUnreachable(err)) throw err;
        const last = kept || (await recall(key));
        if (!last) throw err;
        // the marks' module loads when something kept is shown
        const { markOf } = await import('../../offline/mark.js');
        if (live.destroyed) return;
        replace(markHost, markOf(last));
        page = 1;
        if (!kept) show(last.value.first, last.value.comments);
        moreButton.hidden = true;
        el.dataset.state = 'ready';
        return;
      }
      if (live.destroyed) return;
      replace(markHost, null);
      page = 1;
      // the posts at once, their comments when they come: on a slow
      // connection a round trip less before the first post (not when a
      // post's files need a token first)
      const early = !first.all.some(hasFiles) || Boolean(fileToken);
      if (kept) merge(first);
      else if (early) show(first, new Map());
      const comments = await fetchExtras(first.all);
      if (live.destroyed) return;
      if (!kept && !early) show(first, comments);
      else syncComments(comments, Boolean(kept));
      if (kept && first.all.some(hasFiles)) refreshImageLinks(el, fileToken);
      // not waited for: a slow or blocked database never holds up a screen
      remember(key, { first, comments });
      el.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed) return;
      // what was shown from the device goes with the refusal
      replace(list);
      replace(pinnedList);
      el.dataset.state = 'error';
      replace(status, loadError(err, load));
    } finally {
      el.setAttribute('aria-busy', 'false');
    }
  }

  /**
   * Returns the first page kept from the last time, when it comes before
   * the fresh one and shows no files (their links need a fresh token);
   * null otherwise.
   *
   * @param {Promise<import('../../offline/cache.js').Kept|null>} reading the kept page being read
   * @param {Promise<any>} fresh
   */
  async function keptBefore(reading, fresh) {
    const kept = await Promise.race([reading, fresh.then(() => null, () => null)]);
    if (!kept || kept.value.first.all.some(hasFiles)) return null;
    return kept;
  }

  /**
   * Puts the fresh first page in the place of the one shown from the
   * device: changed posts updated, new ones placed, those gone removed.
   * A comment being typed, or a post being edited, stays as it is.
   *
   * @param {{all: any[], full: boolean}} first
   */
  function merge(first) {
    const ids = new Set(first.all.map((p) => p.id));
    for (const article of el.querySelectorAll('article[data-test=post]')) {
      if (!ids.has(/** @type {HTMLElement} */ (article).dataset.id || '')) article.remove();
    }
    for (const post of first.all) {
      const article = articleOf(post.id);
      if (article) updatePost(article, post, ctx());
      place(article || renderPost(post, [], ctx()), post);
    }
    moreButton.hidden = !first.full;
    setEmptyState();
  }

  /**
   * Shows the comments read for the posts shown: new ones added, changed
   * ones replaced and, with prune (the comments shown came from the
   * device), those gone removed.
   *
   * @param {Map<string, any[]>} comments by post
   * @param {boolean} prune
   */
  function syncComments(comments, prune) {
    for (const article of /** @type {NodeListOf<HTMLElement>} */ (el.querySelectorAll('article[data-test=post]'))) {
      const items = comments.get(article.dataset.id || '') || [];
      const ids = new Set(items.map((c) => c.id));
      for (const shown of prune ? /** @type {NodeListOf<HTMLElement>} */ (article.querySelectorAll('.comment[data-id]')) : []) {
        if (!ids.has(shown.dataset.id || '')) removeComment(article, shown.dataset.id || '');
      }
      for (const c of items) addComment(article, c);
    }
  }

  /**
   * Shows the first page: its pinned posts on top, the others below.
   *
   * @param {{pins: any[], posts: any[], full: boolean}} first
   * @param {Map<string, any[]>} comments by post
   */
  function show(first, comments) {
    replace(list);
    replace(pinnedList);
    for (const post of first.pins) pinnedList.append(renderPost(post, comments.get(post.id) || [], ctx()));
    for (const post of first.posts) {
      if (!articleOf(post.id)) list.append(renderPost(post, comments.get(post.id) || [], ctx()));
    }
    moreButton.hidden = !first.full;
    setEmptyState();
  }

  function setEmptyState() {
    const empty = !list.querySelector('article') && !pinnedList.querySelector('article');
    replace(status, empty ? h('p', { class: 'state state-empty' }, team ? t('feed.emptyTeam') : t('feed.emptyOrganisation')) : null);
  }

  moreButton.addEventListener('click', async () => {
    moreButton.disabled = true;
    moreButton.textContent = t('common.loading');
    try {
      const { posts, pins, comments, full } = await fetchPage(page + 1);
      page++;
      for (const post of pins) {
        if (!articleOf(post.id)) pinnedList.append(renderPost(post, comments.get(post.id) || [], ctx()));
      }
      for (const post of posts) {
        if (!articleOf(post.id)) list.append(renderPost(post, comments.get(post.id) || [], ctx()));
      }
      moreButton.hidden = !full;
    } catch (err) {
      announce(describeError(err).message);
      replace(status, loadError(err));
    } finally {
      moreButton.disabled = false;
      moreButton.textContent = t('feed.more');
    }
  });

  /**
   * Puts a post at the top of the feed unless it is already there.
   *
   * @returns {boolean} whether it was new
   */
  function insertTop(post, comments) {
    if (articleOf(post.id) || !belongs(post)) return false;
    (post.pinned ? pinnedList : list).prepend(renderPost(post, comments, ctx()));
    setEmptyState();
    return true;
  }

  async function onPostEvent(e) {
    const post = e.record;
    const existing = articleOf(post.id);
    if (e.action === 'delete') {
      existing?.remove();
      setEmptyState();
      return;
    }
    if (hasFiles(post)) fileToken = await getFileToken();
    if (live.destroyed) return;
    if (e.action === 'update' && existing) {
      if (belongs(post)) {
        updatePost(existing, post, ctx());
        place(existing, post);
      } else existing.remove();
      return;
    }
    // pinned while it was further down than the feed has read
    if (e.action === 'update' && post.pinned && belongs(post)) {
      insertTop(post, []);
      return;
    }
    if (e.action === 'create' && insertTop(post, [])) {
      const me = getState().user;
      if (post.author !== me?.id) {
        liveNotice.textContent = t('feed.newPost', { name: post.expand?.author?.name || '', title: post.title || '' });
      }
    }
  }

  function onCommentEvent(e) {
    const comment = e.record;
    const article = articleOf(comment.post);
    if (!article) return;
    if (e.action === 'delete') {
      removeComment(article, comment.id);
      return;
    }
    const isNew = addComment(article, comment);
    const me = getState().user;
    if (isNew && e.action === 'create' && comment.author !== me?.id) {
      liveNotice.textContent = t('feed.newComment', { name: comment.expand?.author?.name || '' });
    }
  }

  /**
   * After a reconnect (or coming back online) fetches the first page again
   * and puts in any post that arrived while the stream was down.
   */
  async function catchUp() {
    if (live.destroyed || el.dataset.state !== 'ready') {
      if (el.dataset.state === 'error') load();
      return;
    }
    // what shows came from the cache: read it all again
    if (markHost.firstChild) {
      load();
      return;
    }
    try {
      const { posts, pins, comments } = await fetchPage(1);
      if (live.destroyed) return;
      for (const post of [...posts, ...pins].reverse()) {
        const article = articleOf(post.id);
        if (!article) {
          insertTop(post, comments.get(post.id) || []);
        } else {
          for (const c of comments.get(post.id) || []) addComment(article, c);
        }
      }
    } catch {
      // still offline: the next reconnect tries again
    }
  }

  // the server sends each post with its author and team, each comment
  // with its author (name and avatar)
  const subscribed = live.mark(el, [live.on('posts', '*', onPostEvent), live.on('comments', '*', onCommentEvent), live.onReconnect(catchUp)]);

  const timer = setInterval(async () => {
    refreshTimes(el);
    if (el.querySelector('.post-images, .post-attachments')) {
      const token = await getFileToken();
      if (token && !live.destroyed) {
        fileToken = token;
        refreshImageLinks(el, token);
      }
    }
  }, 60_000);
  live.onDestroy(() => clearInterval(timer));
  live.onDestroy(banner.destroy);

  // pinned or unpinned here: to the top, or back among the others
  el.addEventListener('post-changed', (e) => {
    const post = /** @type {CustomEvent} */ (e).detail;
    const article = articleOf(post.id);
    if (article) place(article, post);
  });

  // a must-read confirmed here, in the banner or on another device
  live.onDestroy(
    subscribe((state, changed) => {
      if (!changed.includes('mustread') && !changed.includes('mustreadConfirmed')) return;
      for (const article of el.querySelectorAll('article[data-test=post]')) {
        if (article.querySelector('.post-mustread')) updateMustRead(/** @type {HTMLElement} */ (article));
      }
    })
  );

  // A post placed after the first page was read but before the
  // subscriptions were in place would be missed: once both are done, look
  // once more.
  Promise.all([load(), subscribed]).then(readNewer, () => {});

  return {
    el,
    destroy: () => live.destroy(),
  };
}

/**
 * Fetches the comments of some posts in one request, grouped by post;
 * with since, only those created after it.
 *
 * @param {string[]} postIds
 * @param {string} [since] a server time ("2026-12-01 10:00:00.000Z")
 * @returns {Promise<Map<string, any[]>>}
 */
async function fetchComments(postIds, since = '') {
  /** @type {Map<string, any[]>} */
  const byPost = new Map();
  if (!postIds.length) return byPost;
  const params = Object.fromEntries(postIds.map((id, n) => ['p' + n, id]));
  let filter = pb.filter(postIds.map((_, n) => `post = {:p${n}}`).join(' || '), params);
  if (since) filter = `(${filter}) && ` + pb.filter('created > {:since}', { since });
  const comments = await pb.collection('comments').getFullList({ filter, sort: 'created,id', expand: 'author' });
  for (const c of comments) {
    if (!byPost.has(c.post)) byPost.set(c.post, []);
    byPost.get(c.post).push(c);
  }
  return byPost;
}
