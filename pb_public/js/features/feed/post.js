// One post in a feed: header, title, Markdown body, images, comments and
// the comment form.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser, getFileToken } from '../../pb.js';
import { membershipOf } from '../../store.js';
import { renderMarkdown } from '../../markdown.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';
import { describeError } from '../../errors.js';
import { avatar, errorLine, showError, toast } from '../../components/ui.js';

/** How many of the latest comments show before "show earlier comments". */
const VISIBLE_COMMENTS = 3;

/**
 * @typedef {Object} PostContext
 * @property {string} fileToken token for the protected post images ("" for none)
 * @property {boolean} showTeam whether to name the post's team (organisation feed)
 */

/**
 * Renders a post as an article[data-test=post] with its comments.
 *
 * @param {any} post a posts record with expand author, team
 * @param {any[]} comments its comments (expand author), oldest first
 * @param {PostContext} ctx
 * @returns {HTMLElement}
 */
export function renderPost(post, comments, ctx) {
  const titleId = 'post-title-' + post.id;
  const article = h('article', {
    class: ['post', post.kind === 'blog' && 'post-blog'],
    dataset: { test: 'post', id: post.id },
    'aria-labelledby': post.title ? titleId : null,
    'aria-label': post.title ? null : t('post.untitled', { name: post.expand?.author?.name || '' }),
  });

  const content = h('div', { class: 'post-content' });
  fillContent(content, post, ctx);

  const list = h('ol', { class: 'comment-list' });
  const more = h('button', { type: 'button', class: 'btn-link comments-more', hidden: true, on: { click: () => showAllComments(article) } });
  const count = h('h3', { class: 'comments-count' });

  article.append(
    content,
    h('section', { class: 'comments', 'aria-label': t('comments.label') }, count, more, list, commentForm(post))
  );
  for (const c of comments) list.append(renderComment(c));
  updateComments(article);
  return article;
}

/**
 * Re-renders a post's own content (after a realtime update), leaving its
 * comments and the comment being typed alone.
 *
 * @param {HTMLElement} article made by {@link renderPost}
 * @param {any} post the updated record, expand author, team
 * @param {PostContext} ctx
 */
export function updatePost(article, post, ctx) {
  const content = article.querySelector('.post-content');
  if (content) fillContent(content, post, ctx);
}

/**
 * Adds a comment to a post, or replaces it when already shown. New
 * comments go at the bottom (oldest first).
 *
 * @param {HTMLElement} article made by {@link renderPost}
 * @param {any} comment a comments record with expand author
 * @returns {boolean} whether the comment was new
 */
export function addComment(article, comment) {
  const list = article.querySelector('.comment-list');
  if (!list) return false;
  const existing = list.querySelector(`[data-id="${CSS.escape(comment.id)}"]`);
  const el = renderComment(comment);
  if (existing) {
    el.hidden = existing.hidden;
    existing.replaceWith(el);
  } else {
    list.append(el);
  }
  updateComments(article);
  return !existing;
}

/**
 * Removes a comment from a post.
 *
 * @param {HTMLElement} article
 * @param {string} commentId
 */
export function removeComment(article, commentId) {
  article.querySelector(`.comment[data-id="${CSS.escape(commentId)}"]`)?.remove();
  updateComments(article);
}

/**
 * Refreshes the relative times inside node ("5 minuten geleden").
 *
 * @param {ParentNode} node
 */
export function refreshTimes(node) {
  for (const el of node.querySelectorAll('time[datetime]')) {
    const date = new Date(el.getAttribute('datetime'));
    if (!Number.isNaN(date.getTime())) el.textContent = relativeTime(date);
  }
}

function fillContent(content, post, ctx) {
  const author = post.expand?.author;
  const team = post.expand?.team;
  const created = parseDate(post.created);
  const me = currentUser();
  const canDelete = me && (post.author === me.id || (post.team && membershipOf(post.team)?.role === 'coordinator'));

  const badges = [];
  if (post.kind === 'blog') badges.push(h('span', { class: 'badge badge-blog' }, t('post.kind.blog')));
  if (post.must_read) badges.push(h('span', { class: 'badge badge-must' }, t('post.mustRead')));
  if (post.team && post.visibility === 'organisation' && !ctx.showTeam) {
    badges.push(h('span', { class: 'badge badge-shared' }, t('post.sharedWithOrganisation')));
  }

  replace(
    content,
    h(
      'header',
      { class: 'post-head' },
      avatar(author),
      h(
        'div',
        { class: 'post-meta' },
        h('span', { class: 'post-author' }, author?.name || t('post.unknownAuthor')),
        h(
          'span',
          { class: 'post-context' },
          ctx.showTeam &&
            (team
              ? h('a', { class: 'post-team', href: '#/team/' + encodeURIComponent(team.slug) }, team.name)
              : h('span', { class: 'post-team' }, t('post.organisation'))),
          ctx.showTeam && h('span', { 'aria-hidden': 'true' }, ' · '),
          created && h('time', { datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created))
        ),
        badges.length > 0 && h('span', { class: 'post-badges' }, badges)
      )
    ),
    post.title && h('h2', { class: 'post-title', id: 'post-title-' + post.id, dataset: { test: 'post-title' } }, post.title),
    h('div', { class: 'post-body prose', dataset: { test: 'post-body' } }, renderMarkdown(post.body)),
    images(post, ctx),
    canDelete &&
      h(
        'div',
        { class: 'post-actions' },
        h('button', { type: 'button', class: 'btn-link btn-danger-link', on: { click: () => deletePost(post) } }, t('post.delete'))
      )
  );
}

function images(post, ctx) {
  const names = Array.isArray(post.images) ? post.images : [];
  if (!names.length) return null;
  return h(
    'div',
    { class: ['post-images', 'post-images-' + Math.min(names.length, 4)] },
    names.map((name, n) =>
      h(
        'a',
        { href: pb.files.getURL(post, name, { token: ctx.fileToken }), target: '_blank', rel: 'noopener noreferrer' },
        h('img', {
          src: pb.files.getURL(post, name, { thumb: '480x0', token: ctx.fileToken }),
          alt: t('post.imageAlt', { n: n + 1, total: names.length }),
          loading: 'lazy',
          decoding: 'async',
          dataset: { file: name },
          on: { error: (e) => retryImage(/** @type {HTMLImageElement} */ (e.currentTarget), post, name) },
        })
      )
    )
  );
}

/**
 * Loads an image again with a fresh file token, once: a lazy image further
 * down may first load after the token it was rendered with expired.
 */
async function retryImage(img, post, name) {
  if (img.dataset.retried) return;
  img.dataset.retried = 'true';
  const token = await getFileToken(true);
  if (token) img.src = pb.files.getURL(post, name, { thumb: '480x0', token });
}

/**
 * Points the full-size image links inside node at a fresh file token.
 *
 * @param {ParentNode} node
 * @param {string} token
 */
export function refreshImageLinks(node, token) {
  for (const a of node.querySelectorAll('.post-images a[href]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    url.searchParams.set('token', token);
    a.setAttribute('href', url.href);
  }
}

async function deletePost(post) {
  if (!window.confirm(t('post.confirmDelete'))) return;
  try {
    await pb.collection('posts').delete(post.id);
    // the realtime delete event removes it; do it now too in case it lags
    document.querySelector(`article[data-test=post][data-id="${CSS.escape(post.id)}"]`)?.remove();
    toast(t('post.deleted'));
  } catch (err) {
    toast(describeError(err, 'deletePost').message, 'error');
  }
}

function renderComment(comment) {
  const author = comment.expand?.author;
  const created = parseDate(comment.created);
  return h(
    'li',
    { class: 'comment', dataset: { test: 'comment', id: comment.id } },
    avatar(author, 'sm'),
    h(
      'div',
      { class: 'comment-main' },
      h(
        'p',
        { class: 'comment-meta' },
        h('span', { class: 'comment-author' }, author?.name || t('post.unknownAuthor')),
        ' ',
        created && h('time', { datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created))
      ),
      h('div', { class: 'comment-body prose' }, renderMarkdown(comment.body))
    )
  );
}

function updateComments(article) {
  const items = [...article.querySelectorAll('.comment-list > .comment')];
  const count = article.querySelector('.comments-count');
  if (count) {
    count.textContent = t('comments.count', { n: items.length });
    count.hidden = items.length === 0;
  }
  const more = article.querySelector('.comments-more');
  if (!more || article.dataset.allComments === 'true') return;
  const hiddenCount = Math.max(items.length - VISIBLE_COMMENTS, 0);
  items.forEach((el, n) => {
    el.hidden = n < hiddenCount;
  });
  more.hidden = hiddenCount === 0;
  more.textContent = t('comments.showEarlier', { n: hiddenCount });
}

function showAllComments(article) {
  article.dataset.allComments = 'true';
  for (const el of article.querySelectorAll('.comment-list > .comment')) el.hidden = false;
  const more = article.querySelector('.comments-more');
  if (more) more.hidden = true;
  article.querySelector('.comment-list > .comment')?.setAttribute('tabindex', '-1');
  /** @type {HTMLElement|null} */ (article.querySelector('.comment-list > .comment'))?.focus();
}

function commentForm(post) {
  const id = 'comment-' + post.id;
  const error = errorLine();
  const textarea = h('textarea', {
    id,
    name: 'body',
    rows: 2,
    maxlength: 5000,
    required: true,
    placeholder: t('comments.placeholder'),
    on: {
      keydown: (e) => {
        // Ctrl/Cmd+Enter sends, Enter alone makes a new line
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          form.requestSubmit();
        }
      },
    },
  });
  const button = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('comments.send'));

  const form = h(
    'form',
    { class: 'comment-form', dataset: { test: 'comment-form' }, novalidate: true },
    h('label', { for: id, class: 'visually-hidden' }, t('comments.label')),
    textarea,
    error,
    button
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = textarea.value;
    if (!body.trim()) {
      showError(error, t('errors.codes.validation_required'));
      textarea.focus();
      return;
    }
    const me = currentUser();
    if (!me) return;
    button.disabled = true;
    button.textContent = t('comments.sending');
    showError(error, '');
    try {
      const record = await pb.collection('comments').create({ post: post.id, author: me.id, body }, { expand: 'author' });
      // only clear what was sent: the person may have typed on meanwhile
      if (textarea.value === body) textarea.value = '';
      const article = form.closest('article');
      if (article) addComment(article, record);
    } catch (err) {
      const problem = describeError(err, 'comment');
      showError(error, problem.fields.body || problem.message);
    } finally {
      button.disabled = false;
      button.textContent = t('comments.send');
    }
  });
  return form;
}
