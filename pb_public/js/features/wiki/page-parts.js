// The parts of a wiki page's screen: its head (the way back, title,
// badges, actions), its body (the safe Markdown renderer, with [[slug]]
// links resolved), its attachments and who changed it last. Each builds
// itself again only when what it shows changed.

import { h, replace } from '../../dom.js';
import { loadError } from '../../components/ui.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { renderMarkdown } from '../../markdown.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';
import { pageHash, canEditWiki, mustReadForMe, linkedSlugs, resolveLinks, linkWikiText, isImage, liftHeadings } from './model.js';

/**
 * @param {any} page
 * @param {string[]} fields
 * @param {any[]} [extra]
 * @returns {string}
 */
function keyOf(page, fields, extra = []) {
  return JSON.stringify([fields.map((f) => page?.[f] ?? null), extra]);
}

/**
 * Returns the name of the wiki a page belongs to.
 *
 * @param {any} page with expand team
 * @returns {string}
 */
export function wikiName(page) {
  return page.team ? t('wiki.teamWiki', { team: page.expand?.team?.name || t('wiki.aTeam') }) : t('wiki.organisationWiki');
}

/**
 * Builds the head of a page.
 *
 * @returns {{el: HTMLElement, update: (page: any) => void}}
 */
export function pageHead() {
  const el = h('div', { class: 'page-head wiki-page-head' });
  let shown = '';
  return {
    el,
    update(page) {
      const parent = page.expand?.parent;
      const editable = canEditWiki(page.team);
      const key = keyOf(page, ['title', 'protocol', 'must_read', 'must_read_team', 'shared', 'team', 'parent'], [parent?.title, page.expand?.team?.name, editable]);
      if (key === shown) return;
      shown = key;
      replace(
        el,
        h(
          'p',
          { class: 'crumbs wiki-crumbs' },
          h('a', { href: '#/wiki' }, '← ', wikiName(page)),
          parent && h('span', { 'aria-hidden': 'true' }, ' / '),
          parent && h('a', { href: pageHash(parent.id), dataset: { test: 'wiki-parent' } }, parent.title)
        ),
        h('h1', { class: 'wiki-title', dataset: { test: 'wiki-title' } }, page.title),
        h(
          'p',
          { class: 'wiki-badges' },
          page.protocol && h('span', { class: 'badge badge-protocol' }, t('wiki.protocol')),
          mustReadForMe(page) && h('span', { class: 'badge badge-must' }, t('wiki.mustRead')),
          page.team && page.shared && h('span', { class: 'badge badge-shared' }, t('wiki.shared'))
        ),
        h(
          'div',
          { class: 'wiki-actions' },
          editable && h('a', { class: 'btn btn-primary btn-small', href: pageHash(page.id, 'edit'), dataset: { test: 'wiki-edit' } }, t('wiki.edit')),
          h('a', { class: 'btn btn-secondary btn-small', href: pageHash(page.id, 'history'), dataset: { test: 'wiki-history' } }, t('wiki.historyLink')),
          editable && h('a', { class: 'btn btn-secondary btn-small', href: pageHash(page.id, 'new'), dataset: { test: 'wiki-new-child' } }, t('wiki.newChild'))
        )
      );
    },
  };
}

/**
 * Builds the body of a page: Markdown as the feed renders it, and [[slug]]
 * links to the pages the reader may read (the others stay plain text).
 *
 * @returns {{el: HTMLElement, update: (page: any) => void}}
 */
export function pageBody() {
  const el = h('div', { class: 'wiki-body prose card', dataset: { test: 'wiki-body' } });
  let shown = '';
  let asked = 0;
  return {
    el,
    update(page) {
      const key = keyOf(page, ['body', 'team']);
      if (key === shown) return;
      shown = key;
      const body = String(page.body || '');
      const frag = renderMarkdown(body);
      liftHeadings(frag);
      replace(el, body.trim() ? frag : h('p', { class: 'hint' }, t('wiki.emptyBody')));
      const slugs = linkedSlugs(body);
      if (!slugs.length) {
        el.dataset.links = 'ready';
        return;
      }
      // until the pages are known, [[slug]] shows as it was typed
      el.dataset.links = 'loading';
      const mine = ++asked;
      resolveLinks(slugs, page.team || '').then(
        (resolved) => {
          if (mine !== asked) return;
          linkWikiText(el, resolved);
          el.dataset.links = 'ready';
        },
        () => {
          if (mine !== asked) return;
          linkWikiText(el, new Map());
          el.dataset.links = 'error';
        }
      );
    },
  };
}

/**
 * Builds the attachments of a page: images as thumbnails, documents as
 * links, each with a file token (the files are protected).
 *
 * @returns {{el: HTMLElement, update: (page: any, token: string) => void}}
 */
export function pageAttachments() {
  const el = h('section', { class: 'wiki-attachments', dataset: { test: 'wiki-attachments' }, 'aria-labelledby': 'wiki-attachments-heading' });
  let shown = '';
  return {
    el,
    update(page, token) {
      const names = Array.isArray(page.attachments) ? page.attachments : [];
      const key = JSON.stringify([names, token]);
      if (key === shown) return;
      shown = key;
      el.hidden = names.length === 0;
      if (!names.length) {
        replace(el);
        return;
      }
      const images = names.filter(isImage);
      const docs = names.filter((n) => !isImage(n));
      replace(
        el,
        h('h2', { id: 'wiki-attachments-heading', class: 'wiki-attachments-heading' }, t('wiki.attachments')),
        images.length > 0 &&
          h(
            'ul',
            { class: 'wiki-images' },
            images.map((name) =>
              h(
                'li',
                null,
                h(
                  'a',
                  { href: pb.files.getURL(page, name, { token }), target: '_blank', rel: 'noopener noreferrer', dataset: { test: 'wiki-attachment' } },
                  h('img', { src: pb.files.getURL(page, name, { thumb: '480x0', token }), alt: t('wiki.imageAlt', { name }), loading: 'lazy', decoding: 'async' })
                )
              )
            )
          ),
        docs.length > 0 &&
          h(
            'ul',
            { class: 'wiki-docs' },
            docs.map((name) =>
              h(
                'li',
                null,
                h(
                  'a',
                  { class: 'wiki-doc', href: pb.files.getURL(page, name, { token }), target: '_blank', rel: 'noopener noreferrer', dataset: { test: 'wiki-attachment' } },
                  h('span', { class: 'wiki-doc-kind', 'aria-hidden': 'true' }, t('wiki.pdf')),
                  name,
                  h('span', { class: 'visually-hidden' }, ' ', t('wiki.opensNewTab'))
                )
              )
            )
          )
      );
    },
  };
}

/**
 * Builds the line under a page: its revision, who changed it last and
 * when.
 *
 * @returns {{el: HTMLElement, update: (page: any) => void}}
 */
export function pageMeta() {
  const el = h('p', { class: 'wiki-meta', dataset: { test: 'wiki-changed' } });
  let shown = '';
  return {
    el,
    update(page) {
      const who = page.expand?.updated_by?.name || page.expand?.created_by?.name || '';
      const key = keyOf(page, ['revision', 'updated'], [who]);
      if (key === shown) return;
      shown = key;
      const updated = parseDate(page.updated);
      el.dataset.revision = String(page.revision || 0);
      replace(
        el,
        h('span', { class: 'wiki-revision', dataset: { test: 'wiki-revision' } }, t('wiki.revision', { n: page.revision || 0 })),
        ' · ',
        who ? t('wiki.changedBy', { name: who }) : t('wiki.changed'),
        ' ',
        updated && h('time', { datetime: updated.toISOString(), title: fullDate(updated) }, relativeTime(updated))
      );
    },
  };
}

/**
 * Renders why a page cannot be shown: a page that does not exist, or that
 * the reader may not see (the server answers both alike), gets the wiki's
 * own empty state with the way back; any other error the retry of retry.
 *
 * @param {any} err
 * @param {() => void} retry
 * @returns {HTMLElement}
 */
export function missingOr(err, retry) {
  if (err?.status === 404 || err?.status === 403) {
    return h(
      'div',
      { class: 'state state-empty', dataset: { test: 'wiki-missing' } },
      h('h1', null, t('wiki.notFoundTitle')),
      h('p', null, t('wiki.notFound')),
      h('a', { href: '#/wiki', class: 'btn btn-secondary' }, t('wiki.backToWiki'))
    );
  }
  return loadError(err, retry);
}
