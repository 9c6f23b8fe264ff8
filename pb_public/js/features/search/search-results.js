// The results of a search, grouped by kind (posts, comments, wiki pages,
// tasks, questions to BOB and their answers, team chat messages):
// each a link to where it lives, with its snippet's hits in <mark> (every
// piece of text a text node).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { membershipOf } from '../../store.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';

/** The kinds in the order they show; a kind the PWA does not know yet goes last. */
export const KINDS = ['wiki_pages', 'posts', 'comments', 'tasks', 'questions', 'question_replies', 'messages'];

/**
 * @typedef {Object} SearchItem
 * @property {string} collection
 * @property {string} id
 * @property {string} title
 * @property {{text: string, hit: boolean}[]} snippet
 * @property {string} team team id, "" for the organisation
 * @property {string} [post] a comment's post
 * @property {string} [slug] a page's slug; a chat message's channel
 * @property {string} created
 */

/**
 * Returns where a result lives: a post (and a comment) in its feed (its
 * team's page for my teams, the organisation feed for what a team shared
 * with everyone), a page and a task on their own routes, a chat message
 * in its channel.
 *
 * @param {SearchItem} item
 * @returns {string}
 */
export function resultHash(item) {
  if (item.collection === 'wiki_pages') return '#/wiki/' + encodeURIComponent(item.id);
  if (item.collection === 'tasks') return '#/tasks/' + encodeURIComponent(item.id);
  if (item.collection === 'questions') return '#/bob/questions/' + encodeURIComponent(item.id);
  // an answer's parent (its question) comes as "post", as a comment's does
  if (item.collection === 'question_replies') return '#/bob/questions/' + encodeURIComponent(item.post || '');
  if (item.collection === 'messages') return '#/chat/' + encodeURIComponent(item.slug || '');
  const team = item.team ? membershipOf(item.team)?.expand?.team : null;
  return team ? '#/team/' + encodeURIComponent(team.slug) : '#/feed';
}

/**
 * Builds the results; update(result) shows the server's answer.
 *
 * @returns {{el: HTMLElement, update: (result: {q: string, groups: {kind: string, items: SearchItem[]}[]}) => void}}
 */
export function searchResults() {
  const el = h('div', { class: 'search-results', dataset: { test: 'search-results' } });
  return {
    el,
    update(result) {
      const groups = (Array.isArray(result?.groups) ? result.groups : []).filter((g) => Array.isArray(g.items) && g.items.length);
      groups.sort((a, b) => rank(a.kind) - rank(b.kind));
      const total = groups.reduce((n, g) => n + g.items.length, 0);
      el.dataset.count = String(total);
      if (!total) {
        replace(el, h('p', { class: 'state state-empty', dataset: { test: 'search-empty' } }, t('search.none', { q: result?.q || '' })));
        return;
      }
      replace(
        el,
        h('p', { class: 'visually-hidden', role: 'status' }, t('search.found', { n: total })),
        groups.map((g) => {
          const headingId = 'search-group-' + g.kind;
          return h(
            'section',
            { class: 'search-group', dataset: { test: 'search-group', kind: g.kind }, 'aria-labelledby': headingId },
            h('h2', { id: headingId }, kindLabel(g.kind), ' ', h('span', { class: 'search-count' }, '(', String(g.items.length), ')')),
            h('ul', { class: 'search-list' }, g.items.map((item) => resultItem(item, g.kind)))
          );
        })
      );
    },
  };
}

function rank(kind) {
  const i = KINDS.indexOf(kind);
  return i < 0 ? KINDS.length : i;
}

function kindLabel(kind) {
  return KINDS.includes(kind) ? t('search.kind.' + kind) : t('search.kind.other');
}

/**
 * @param {SearchItem} item
 * @param {string} kind
 */
function resultItem(item, kind) {
  const created = parseDate(item.created);
  const title = item.title || untitled(kind);
  return h(
    'li',
    { class: 'search-item' },
    h(
      'a',
      { class: 'search-link card', href: resultHash({ ...item, collection: item.collection || kind }), dataset: { test: 'search-result', id: item.id, collection: item.collection || kind } },
      h('span', { class: 'search-title' }, title),
      h('span', { class: 'search-snippet' }, snippet(item.snippet)),
      h(
        'span',
        { class: 'search-meta' },
        teamName(item),
        created && [' · ', h('time', { datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created))]
      )
    )
  );
}

/** @param {string} kind */
function untitled(kind) {
  if (kind === 'comments') return t('search.comment');
  if (kind === 'messages') return t('search.message');
  return t('search.untitled');
}

/** @param {SearchItem} item */
function teamName(item) {
  if (!item.team) return t('search.organisation');
  return membershipOf(item.team)?.expand?.team?.name || t('search.otherTeam');
}

/**
 * Renders a snippet's segments: hits in <mark>, everything as text.
 *
 * @param {{text: string, hit: boolean}[]} segments
 * @returns {(HTMLElement|string)[]}
 */
export function snippet(segments) {
  if (!Array.isArray(segments)) return [];
  return segments.map((s) => (s && s.hit ? h('mark', null, String(s.text ?? '')) : String(s?.text ?? '')));
}
