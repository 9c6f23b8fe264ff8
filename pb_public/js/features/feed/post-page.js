// One post on a screen of its own (#/post/<id>): where a notification
// about it (a comment, a mention, a must-read reminder) and a must-read
// leads. Its comments and changes arrive live, as in a feed.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, getFileToken } from '../../pb.js';
import { subscribe } from '../../store.js';
import { Live } from '../../live.js';
import { renderPost, updatePost, updateMustRead, addComment, removeComment, refreshTimes } from './post.js';
import { loading, loadError } from '../../components/ui.js';
import { fetchConfirmations } from '../mustread/model.js';

/**
 * Mounts the post screen.
 *
 * @param {HTMLElement} el the screen container
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const live = new Live();
  const body = h('div', { class: 'post-page' });
  const back = h('a', { class: 'btn-link', href: '#/feed', dataset: { test: 'post-back' } }, t('post.backToFeed'));
  const root = h('section', { class: 'feed', dataset: { test: 'post-page', state: 'loading' }, 'aria-busy': 'true' }, h('p', null, back), body);
  el.append(root);

  /** @type {HTMLElement|null} */
  let article = null;
  let ctx = { fileToken: '', showTeam: true };

  async function load() {
    root.dataset.state = 'loading';
    replace(body, loading());
    try {
      const post = await pb.collection('posts').getOne(id, { expand: 'author,team' });
      const comments = await pb.collection('comments').getFullList({ filter: pb.filter('post = {:id}', { id }), sort: 'created,id', expand: 'author' });
      if (post.must_read) await fetchConfirmations([post.id]);
      if (post.images?.length || post.attachments?.length) ctx = { ...ctx, fileToken: await getFileToken() };
      if (live.destroyed) return;
      const team = post.expand?.team;
      if (team && post.visibility !== 'organisation') {
        back.setAttribute('href', '#/team/' + encodeURIComponent(team.slug));
        back.textContent = t('post.backToTeam', { team: team.name });
      }
      document.title = (post.title || t('post.untitled', { name: post.expand?.author?.name || '' })) + ' · ' + t('app.name');
      article = renderPost(post, comments, ctx);
      replace(body, article);
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed) return;
      root.dataset.state = 'error';
      replace(body, loadError(err, load));
    } finally {
      root.setAttribute('aria-busy', 'false');
    }
  }

  /** After a reconnect: what changed meanwhile, without losing a comment being typed. */
  async function catchUp() {
    if (!article) {
      load();
      return;
    }
    try {
      const post = await pb.collection('posts').getOne(id, { expand: 'author,team' });
      const comments = await pb.collection('comments').getFullList({ filter: pb.filter('post = {:id}', { id }), sort: 'created,id', expand: 'author' });
      if (live.destroyed || !article) return;
      updatePost(article, post, ctx);
      for (const c of comments) addComment(article, c);
    } catch {
      // still offline: the next reconnect tries again
    }
  }

  const subscriptions = [
    live.on('posts', id, (e) => {
      if (!article) return;
      if (e.action === 'delete') {
        replace(body, h('div', { class: 'card notice' }, h('p', null, t('post.gone'))));
        article = null;
      } else updatePost(article, e.record, ctx);
    }),
    live.on('comments', '*', (e) => {
      if (!article || e.record.post !== id) return;
      if (e.action === 'delete') removeComment(article, e.record.id);
      else addComment(article, e.record);
    }),
    live.onReconnect(catchUp),
  ];
  live.mark(root, subscriptions);
  live.onDestroy(
    subscribe((state, changed) => {
      if (article && (changed.includes('mustread') || changed.includes('mustreadConfirmed'))) updateMustRead(article);
    })
  );
  const timer = setInterval(() => refreshTimes(root), 60_000);
  live.onDestroy(() => clearInterval(timer));

  load();
  return () => live.destroy();
}
