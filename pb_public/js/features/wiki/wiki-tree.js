// One wiki on the wiki screen: its heading, the button for a new page
// (for those who may write in it) and its pages as a tree by parent, with
// protocols and the must-reads of the reader marked.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { buildTree, pageHash, mustReadForMe } from './model.js';

/**
 * @typedef {Object} WikiSection
 * @property {string} key "organisation" or the team's slug
 * @property {string} name the heading
 * @property {string} team the team id, "" for the organisation wiki
 * @property {boolean} canEdit
 */

/**
 * Builds one wiki's part; update(pages) shows its pages and does nothing
 * when none of what it shows has changed.
 *
 * @param {WikiSection} section
 * @returns {{el: HTMLElement, update: (pages: any[]) => void}}
 */
export function wikiTree(section) {
  const headingId = 'wiki-heading-' + section.key;
  const list = h('div', { class: 'wiki-tree-body' });
  const el = h(
    'section',
    { class: 'card wiki-section', dataset: { test: 'wiki-section', wiki: section.key }, 'aria-labelledby': headingId },
    h(
      'div',
      { class: 'wiki-section-head' },
      h('h2', { id: headingId }, section.name),
      section.canEdit &&
        h(
          'a',
          { class: 'btn btn-secondary btn-small wiki-new', href: '#/wiki/new/' + encodeURIComponent(section.key), dataset: { test: 'wiki-new' } },
          t('wiki.newPage'),
          h('span', { class: 'visually-hidden' }, ' ', t('wiki.inWiki', { wiki: section.name }))
        )
    ),
    list
  );
  let shown = '';

  return {
    el,
    update(pages) {
      const key = JSON.stringify(pages.map((p) => [p.id, p.parent, p.title, p.slug, p.protocol, p.must_read, p.must_read_team]));
      if (key === shown) return;
      shown = key;
      const tree = buildTree(pages);
      replace(list, tree.length ? h('ul', { class: 'wiki-tree' }, tree.map(node)) : h('p', { class: 'hint', dataset: { test: 'wiki-empty' } }, section.canEdit ? t('wiki.emptyEditable') : t('wiki.empty')));
    },
  };
}

/**
 * @param {import('./model.js').TreeNode} n
 * @returns {HTMLElement}
 */
function node(n) {
  const p = n.page;
  const mine = mustReadForMe(p);
  return h(
    'li',
    { class: 'wiki-node', dataset: { test: 'wiki-node', id: p.id, slug: p.slug, protocol: String(Boolean(p.protocol)), mustRead: String(mine) } },
    h(
      'a',
      { class: 'wiki-node-link', href: pageHash(p.id), dataset: { test: 'wiki-link' } },
      h('span', { class: 'wiki-node-title' }, p.title),
      p.protocol && h('span', { class: 'badge badge-protocol' }, t('wiki.protocol')),
      mine && h('span', { class: 'badge badge-must' }, t('wiki.mustRead'))
    ),
    n.children.length > 0 && h('ul', { class: 'wiki-tree' }, n.children.map(node))
  );
}
