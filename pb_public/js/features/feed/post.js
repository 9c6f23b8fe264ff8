// One post in a feed: header, title, Markdown body, images, PDF
// attachments, its must-read state, comments and the comment form. Its
// author edits it in place (and their own comments), coordinators pin
// their team's posts and BOB staff the organisation's.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser, getFileToken } from '../../pb.js';
import { membershipOf } from '../../store.js';
import { renderMarkdown } from '../../markdown.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';
import { describeError } from '../../errors.js';
import { avatar, errorLine, showError, markFields, toast, announce, timeAgo } from '../../components/ui.js';
import { attachMentionsOnUse } from './mention-on-use.js';
import { submit as sendWrite } from '../../offline/outbox.js';
import { isPending, confirmedAt, confirmRead, isBob, maySeePostReaders, readersRoute } from '../mustread/model.js';

/** each article's post and context, for the parts that change by themselves (must-read state) */
const shown = new WeakMap();

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
  const article = h('article', {
    class: ['post', post.kind === 'blog' && 'post-blog'],
    dataset: { test: 'post', id: post.id, created: post.created || '' },
  });
  label(article, post);

  const content = h('div', { class: 'post-content' });
  shown.set(article, { post, ctx });
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
  const before = shown.get(article)?.post;
  // our own change coming back: nothing new, and the focus stays where it is
  if (before && before.updated === post.updated && before.pinned === post.pinned) return;
  shown.set(article, { post, ctx });
  label(article, post);
  // an edit in progress is not thrown away by someone else's change
  if (content && !content.querySelector('form[data-test=post-edit-form]')) fillContent(content, post, ctx);
}

/**
 * Names an article after its post's title, or its author when it has none.
 *
 * @param {HTMLElement} article
 * @param {any} post
 */
function label(article, post) {
  if (post.title) {
    article.setAttribute('aria-labelledby', 'post-title-' + post.id);
    article.removeAttribute('aria-label');
  } else {
    article.removeAttribute('aria-labelledby');
    article.setAttribute('aria-label', t('post.untitled', { name: post.expand?.author?.name || '' }));
  }
}

/**
 * Returns the post an article shows (the latest version it was given).
 *
 * @param {HTMLElement} article
 * @returns {any|undefined}
 */
export function postOf(article) {
  return shown.get(article)?.post;
}

/**
 * Shows a must-read post's confirmation state again (after a confirmation
 * here, in the banner or on another device).
 *
 * @param {HTMLElement} article made by {@link renderPost}
 */
export function updateMustRead(article) {
  const entry = shown.get(article);
  const box = article.querySelector('.post-mustread');
  if (!entry || !box) return;
  // the button goes when it is tapped: the keyboard stays here
  const hadFocus = box.contains(document.activeElement);
  const next = mustReadState(entry.post);
  box.replaceWith(next);
  if (hadFocus) next.focus({ preventScroll: true });
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
  const existing = /** @type {HTMLElement|null} */ (list.querySelector(`[data-id="${CSS.escape(comment.id)}"]`));
  // the same version (our own change coming back), or one being edited
  if (existing && (existing.dataset.updated === String(comment.updated || '') || existing.querySelector('form'))) return false;
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
  const edited = parseDate(post.edited);
  const me = currentUser();
  const own = Boolean(me && post.author === me.id);
  const canDelete = me && (own || (post.team && membershipOf(post.team)?.role === 'coordinator'));
  const canPin = mayPin(post);

  const badges = [];
  if (post.pinned) badges.push(h('span', { class: 'badge badge-pinned', dataset: { test: 'post-pinned' } }, t('post.pinned')));
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
          created && timeAgo(created),
          edited && editedMark(edited, 'post')
        ),
        badges.length > 0 && h('span', { class: 'post-badges' }, badges)
      )
    ),
    post.title && h('h2', { class: 'post-title', id: 'post-title-' + post.id, dataset: { test: 'post-title' } }, post.title),
    h('div', { class: 'post-body prose', dataset: { test: 'post-body' } }, renderMarkdown(post.body)),
    images(post, ctx),
    attachments(post, ctx),
    post.must_read && mustReadState(post),
    (own || canPin || canDelete) &&
      h(
        'div',
        { class: 'post-actions' },
        own && h('button', { type: 'button', class: 'btn-link', dataset: { test: 'post-edit' }, 'aria-label': t('post.editHeading'), on: { click: () => editPost(content, post, ctx) } }, t('post.edit')),
        canPin &&
          h(
            'button',
            { type: 'button', class: 'btn-link', dataset: { test: 'post-pin', pinned: post.pinned ? 'true' : 'false' }, on: { click: (e) => pinPost(/** @type {HTMLButtonElement} */ (e.currentTarget), content, post, ctx) } },
            post.pinned ? t('post.unpin') : t('post.pin')
          ),
        canDelete && h('button', { type: 'button', class: 'btn-link btn-danger-link', dataset: { test: 'post-delete' }, on: { click: () => deletePost(post) } }, t('post.delete'))
      )
  );
}

/**
 * The "bewerkt" mark: the moment in its title (a tooltip) and for screen
 * readers in words. Not a <time>: refreshTimes would overwrite its text.
 *
 * @param {Date} edited
 * @param {'post'|'comment'} what
 * @returns {HTMLElement}
 */
function editedMark(edited, what) {
  const when = t(what === 'post' ? 'post.editedAt' : 'comments.editedAt', { time: fullDate(edited) });
  return h(
    'span',
    { class: what + '-edited', dataset: { test: what + '-edited' }, title: when },
    h('span', { 'aria-hidden': 'true' }, ' · ' + t(what === 'post' ? 'post.edited' : 'comments.edited')),
    h('span', { class: 'visually-hidden' }, ' (' + when + ')')
  );
}

/**
 * Reports whether the signed-in user may pin a post: a coordinator of its
 * team for a team post, BOB staff for one shared with the organisation.
 *
 * @param {any} post
 * @returns {boolean}
 */
function mayPin(post) {
  if (post.visibility === 'organisation') return isBob();
  return Boolean(post.team && membershipOf(post.team)?.role === 'coordinator');
}

/**
 * A must-read post's state for the signed-in user: a "Gelezen en
 * begrepen" button while it is open, when it was confirmed afterwards; and
 * for those who may see it, the way to who has read it.
 *
 * @param {any} post
 * @returns {HTMLElement}
 */
function mustReadState(post) {
  const at = parseDate(confirmedAt('posts', post.id));
  const done = Boolean(at);
  const pending = !done && isPending('posts', post.id);
  const error = errorLine();
  const box = h(
    'div',
    { class: ['post-mustread', done && 'is-confirmed'], dataset: { test: 'post-mustread', state: done ? 'confirmed' : pending ? 'pending' : 'unknown' }, tabindex: '-1' },
    done && at && h('p', { class: 'post-mustread-state', dataset: { test: 'post-confirmed' } }, t('mustread.confirmedAt', { time: fullDate(at) })),
    pending && h('p', { class: 'post-mustread-state' }, t('mustread.pendingPost')),
    pending &&
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary btn-small',
          dataset: { test: 'post-confirm' },
          on: {
            click: async (e) => {
              const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
              button.disabled = true;
              showError(error, '');
              try {
                await confirmRead('posts', post.id);
                announce(t('mustread.confirmed', { title: post.title || t('post.untitled', { name: post.expand?.author?.name || '' }) }));
              } catch (err) {
                const article = document.querySelector(`article[data-test=post][data-id="${CSS.escape(post.id)}"]`);
                const line = article?.querySelector('.post-mustread .form-error');
                if (line) showError(/** @type {HTMLElement} */ (line), describeError(err, 'confirmRead').message);
                else toast(describeError(err, 'confirmRead').message, 'error');
              } finally {
                button.disabled = false;
              }
            },
          },
        },
        t('mustread.confirm')
      ),
    maySeePostReaders(post) && h('a', { class: 'btn-link', href: readersRoute('posts', post.id), dataset: { test: 'post-readers' } }, t('mustread.readers')),
    error
  );
  return box;
}

/**
 * Edits a post in place: its title and body in a form instead of the
 * content; what is typed stays after a failed save.
 */
function editPost(content, post, ctx) {
  const uid = post.id;
  const error = errorLine();
  const title = h('input', { id: 'edit-title-' + uid, name: 'title', type: 'text', maxlength: 200, autocomplete: 'off', value: post.title || '' });
  const body = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'edit-body-' + uid, name: 'body', rows: 6, maxlength: 20000, required: true, value: post.body || '' }));
  const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('post.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'post-edit-cancel' } }, t('common.cancel'));
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'post-edit-form', dataset: { test: 'post-edit-form' }, novalidate: true, 'aria-labelledby': 'edit-heading-' + uid },
      h('h2', { class: 'visually-hidden', id: 'edit-heading-' + uid }, t('post.editHeading')),
      h('div', { class: 'field' }, h('label', { for: 'edit-title-' + uid }, t('compose.title'), ' ', h('span', { class: 'optional' }, t('common.optional'))), title),
      h('div', { class: 'field' }, h('label', { for: 'edit-body-' + uid }, t('compose.body')), body, h('p', { class: 'hint' }, t('compose.mentionHint'))),
      error,
      h('div', { class: 'form-actions' }, cancel, save)
    )
  );
  attachMentionsOnUse(body, () => (post.visibility === 'organisation' ? '' : post.team || ''));

  const back = () => {
    fillContent(content, post, ctx);
    /** @type {HTMLElement|null} */ (content.querySelector('[data-test=post-edit]'))?.focus();
  };
  cancel.addEventListener('click', back);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) back();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!body.value.trim()) {
      markFields(form, { body: t('errors.codes.validation_required') });
      body.focus();
      return;
    }
    save.disabled = true;
    save.textContent = t('post.saving');
    form.setAttribute('aria-busy', 'true');
    showError(error, '');
    try {
      const record = await pb.collection('posts').update(post.id, { title: title.value.trim(), body: body.value }, { expand: 'author,team' });
      if ((record.images?.length || record.attachments?.length) && !ctx.fileToken) ctx = { ...ctx, fileToken: await getFileToken() };
      post = record;
      const article = content.closest('article');
      if (article) {
        shown.set(article, { post, ctx });
        label(article, post);
      }
      fillContent(content, post, ctx);
      toast(t('post.saved'));
      /** @type {HTMLElement|null} */ (content.querySelector('[data-test=post-edit]'))?.focus();
    } catch (err) {
      const problem = describeError(err, 'editPost');
      markFields(form, problem.fields);
      showError(error, problem.message);
    } finally {
      save.disabled = false;
      save.textContent = t('post.save');
      form.removeAttribute('aria-busy');
    }
  });

  replace(content, form);
  body.focus();
}

/** Pins or unpins a post (POST /api/buurtplein/posts/{post}/pin). */
async function pinPost(button, content, post, ctx) {
  button.disabled = true;
  try {
    const record = await pb.send('/api/buurtplein/posts/' + encodeURIComponent(post.id) + '/pin', { method: 'POST', body: { pinned: !post.pinned } });
    const next = { ...post, ...record, expand: post.expand };
    const article = content.closest('article');
    if (article) {
      shown.set(article, { post: next, ctx });
      fillContent(content, next, ctx);
      // the feed moves it to or from the top
      article.dispatchEvent(new CustomEvent('post-changed', { bubbles: true, detail: next }));
    }
    toast(next.pinned ? t('post.pinnedDone') : t('post.unpinnedDone'));
    /** @type {HTMLElement|null} */ (content.querySelector('[data-test=post-pin]'))?.focus({ preventScroll: true });
  } catch (err) {
    toast(describeError(err, 'pin').message, 'error');
    button.disabled = false;
  }
}

/**
 * The post's PDF attachments as download links (protected files: the
 * link carries a file token, refreshed with the images').
 */
function attachments(post, ctx) {
  const names = Array.isArray(post.attachments) ? post.attachments : [];
  if (!names.length) return null;
  return h(
    'div',
    { class: 'post-attachments' },
    h('h3', { class: 'visually-hidden' }, t('post.attachments')),
    h(
      'ul',
      null,
      names.map((name) =>
        h(
          'li',
          null,
          h(
            'a',
            {
              href: pb.files.getURL(post, name, { token: ctx.fileToken, download: true }),
              class: 'post-attachment',
              dataset: { test: 'post-attachment', file: name },
              'aria-label': t('post.attachment', { name: displayName(name) }),
            },
            h('span', { class: 'attachment-icon', 'aria-hidden': 'true' }, t('post.pdf')),
            h('span', { class: 'attachment-name' }, displayName(name))
          )
        )
      )
    )
  );
}

/**
 * Returns a stored file's name as its writer chose it: PocketBase adds "_"
 * and ten random characters before the extension.
 *
 * @param {string} name
 * @returns {string}
 */
function displayName(name) {
  return String(name).replace(/_[a-z0-9]{10}(\.[^.]+)$/i, '$1');
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
  for (const a of node.querySelectorAll('.post-images a[href], .post-attachments a[href]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    url.searchParams.set('token', token);
    a.setAttribute('href', url.href);
  }
}

async function deletePost(post) {
  const { confirmDialog } = await import('../../components/dialog.js');
  confirmDialog({
    title: t('a11y.deletePost'),
    body: t('post.confirmDelete'),
    yes: t('post.delete'),
    test: 'post-delete-confirm',
    onYes: async () => {
      try {
        await pb.collection('posts').delete(post.id);
      } catch (err) {
        throw new Error(describeError(err, 'deletePost').message);
      }
      // the realtime delete event removes it; do it now too in case it lags
      document.querySelector(`article[data-test=post][data-id="${CSS.escape(post.id)}"]`)?.remove();
      toast(t('post.deleted'));
    },
  });
}

function renderComment(comment) {
  const author = comment.expand?.author;
  const created = parseDate(comment.created);
  const edited = parseDate(comment.edited);
  const me = currentUser();
  const own = Boolean(me && comment.author === me.id);
  const main = h(
    'div',
    { class: 'comment-main' },
    h(
      'p',
      { class: 'comment-meta' },
      h('span', { class: 'comment-author' }, author?.name || t('post.unknownAuthor')),
      ' ',
      created && timeAgo(created),
      edited && editedMark(edited, 'comment')
    ),
    h('div', { class: 'comment-body prose' }, renderMarkdown(comment.body)),
    own && h('button', { type: 'button', class: 'btn-link comment-edit', dataset: { test: 'comment-edit' }, 'aria-label': t('comments.editLabel'), on: { click: () => editComment(li, main, comment) } }, t('comments.edit'))
  );
  const li = h('li', { class: 'comment', dataset: { test: 'comment', id: comment.id, updated: comment.updated || '' } }, avatar(author, 'sm'), main);
  return li;
}

/**
 * Edits one's own comment in place.
 *
 * @param {HTMLElement} li the comment's list item
 * @param {HTMLElement} main its content, replaced by the form meanwhile
 * @param {any} comment
 */
function editComment(li, main, comment) {
  const id = 'comment-edit-' + comment.id;
  const error = errorLine();
  const textarea = /** @type {HTMLTextAreaElement} */ (h('textarea', { id, name: 'body', rows: 3, maxlength: 5000, required: true, value: comment.body || '' }));
  const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('comments.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, t('common.cancel'));
  const form = h(
    'form',
    { class: 'comment-form comment-edit-form', dataset: { test: 'comment-edit-form' }, novalidate: true },
    h('label', { for: id, class: 'visually-hidden' }, t('comments.editLabel')),
    textarea,
    error,
    h('div', { class: 'form-actions' }, cancel, save)
  );
  const article = li.closest('article');
  const post = article ? postOf(article) : null;
  attachMentionsOnUse(textarea, () => (post && post.visibility !== 'organisation' ? post.team || '' : ''));

  const back = () => {
    form.replaceWith(main);
    /** @type {HTMLElement|null} */ (main.querySelector('[data-test=comment-edit]'))?.focus();
  };
  cancel.addEventListener('click', back);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) back();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!textarea.value.trim()) {
      showError(error, t('errors.codes.validation_required'));
      textarea.focus();
      return;
    }
    save.disabled = true;
    showError(error, '');
    try {
      const record = await pb.collection('comments').update(comment.id, { body: textarea.value }, { expand: 'author' });
      const fresh = renderComment(record);
      li.replaceWith(fresh);
      /** @type {HTMLElement|null} */ (fresh.querySelector('[data-test=comment-edit]'))?.focus();
    } catch (err) {
      const problem = describeError(err, 'editComment');
      showError(error, problem.fields.body || problem.message);
    } finally {
      save.disabled = false;
    }
  });
  main.replaceWith(form);
  textarea.focus();
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
  // colleagues who may read the post: its team's, or anyone's
  attachMentionsOnUse(/** @type {HTMLTextAreaElement} */ (textarea), () => (post.visibility !== 'organisation' ? post.team || '' : ''));

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
      const outcome = await sendWrite({ kind: 'comment', collection: 'comments', data: { post: post.id, author: me.id, body }, expand: 'author', label: body.slice(0, 80), link: '#/post/' + post.id, text: 'body' });
      // only clear what was sent: the person may have typed on meanwhile
      if (textarea.value === body) textarea.value = '';
      const article = form.closest('article');
      // no connection: the comment waits in the outbox and is placed later
      if (outcome.queued) toast(t('outbox.queued.comment'));
      else if (article) addComment(article, outcome.record);
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
