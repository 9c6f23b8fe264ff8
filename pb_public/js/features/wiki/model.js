// What the wiki's screens share: who may edit a page, slugs, the tree of
// pages by parent, the server's wiki routes, and the [[slug]] links in a
// page's body.

import { pb, currentUser } from '../../pb.js';
import { getState, membershipOf } from '../../store.js';

/** The fields the tree reads of every page: no bodies. */
export const TREE_FIELDS = 'id,team,parent,slug,title,protocol,must_read,must_read_team,shared,revision,updated';

/** The organisation wiki's name in routes ("#/wiki/new/organisation"). */
export const ORGANISATION = 'organisation';

/** At most this many different [[slug]] links of a body are resolved. */
export const MAX_LINKS = 60;

/** Slugs per request: keeps the filter well inside the server's bound. */
const SLUGS_PER_REQUEST = 30;

const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** one [[...]] run; the slug inside is checked with isSlug */
const LINK = /\[\[([^\]\n]{1,80})\]\]/g;

/**
 * Returns the hash route of a page.
 *
 * @param {string} id
 * @param {''|'edit'|'history'|'new'} [sub]
 * @returns {string}
 */
export function pageHash(id, sub = '') {
  return '#/wiki/' + encodeURIComponent(id) + (sub ? '/' + sub : '');
}

/**
 * Reports whether the signed-in employee works in a BOB team (BOB staff
 * edit the organisation wiki).
 *
 * @returns {boolean}
 */
export function isBobStaff() {
  return getState().memberships.some((m) => m.expand?.team?.kind === 'bob');
}

/**
 * Reports whether the signed-in employee may edit pages of a wiki: team
 * members their team's, BOB staff the organisation's. The server decides
 * anyway; this only hides buttons that would fail.
 *
 * @param {string} team the wiki's team id, "" for the organisation wiki
 * @returns {boolean}
 */
export function canEditWiki(team) {
  return team ? Boolean(membershipOf(team)) : isBobStaff();
}

/**
 * Reports, like {@link canEditWiki}, whether the signed-in employee may
 * edit pages of a wiki, asking the server when the store says no: right
 * after a reload the store's memberships may still be on their way.
 *
 * @param {string} team the wiki's team id, "" for the organisation wiki
 * @returns {Promise<boolean>}
 */
export async function canEditWikiChecked(team) {
  if (canEditWiki(team)) return true;
  const me = currentUser();
  if (!me) return false;
  const mine = await pb.collection('memberships').getFullList({
    filter: pb.filter('user = {:user}', { user: me.id }),
    expand: 'team',
    fields: 'team,expand.team.kind',
  });
  return team ? mine.some((m) => m.team === team) : mine.some((m) => m.expand?.team?.kind === 'bob');
}

/**
 * Reports whether a page asks the signed-in employee to read it: it is
 * must-read for everyone or for a team of theirs.
 *
 * @param {any} page
 * @returns {boolean}
 */
export function mustReadForMe(page) {
  return Boolean(page.must_read) && (!page.must_read_team || Boolean(membershipOf(page.must_read_team)));
}

/**
 * Reports whether s is a valid slug: lower-case letters and digits in
 * words joined by single hyphens.
 *
 * @param {string} s
 * @returns {boolean}
 */
export function isSlug(s) {
  return s.length <= 80 && SLUG_PATTERN.test(s);
}

/**
 * Suggests a slug for a title: "Wondzorg bij cliënten" gives
 * "wondzorg-bij-clienten".
 *
 * @param {string} title
 * @returns {string}
 */
export function slugify(title) {
  const words = String(title || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? slug + '-' + word : word;
    if (next.length > 80) break;
    slug = next;
  }
  return slug;
}

/**
 * @typedef {Object} TreeNode
 * @property {any} page
 * @property {TreeNode[]} children
 */

/**
 * Orders pages as a tree by parent, each level by title. A page whose
 * parent is not among them (another wiki, or hidden) is a root; pages in
 * a parent loop (which the server refuses, but data may be old) become
 * roots too, so every page shows exactly once.
 *
 * @param {any[]} pages
 * @returns {TreeNode[]}
 */
export function buildTree(pages) {
  const byId = new Map(pages.map((p) => [p.id, p]));
  /** @type {Map<string, any[]>} */
  const children = new Map();
  const roots = [];
  for (const p of pages) {
    if (p.parent && p.parent !== p.id && byId.has(p.parent)) {
      if (!children.has(p.parent)) children.set(p.parent, []);
      children.get(p.parent).push(p);
    } else {
      roots.push(p);
    }
  }
  const byTitle = (a, b) => String(a.title).localeCompare(String(b.title), undefined, { sensitivity: 'base' });
  const seen = new Set();
  const grow = (page) => {
    seen.add(page.id);
    const kids = (children.get(page.id) || []).filter((c) => !seen.has(c.id)).sort(byTitle);
    // mark them first: a page is placed under one parent only
    for (const c of kids) seen.add(c.id);
    return { page, children: kids.map(grow) };
  };
  const tree = roots.sort(byTitle).map(grow);
  for (const p of [...pages].sort(byTitle)) {
    if (!seen.has(p.id)) tree.push(grow(p));
  }
  return tree;
}

/**
 * Reads every page of the organisation wiki and of the given teams' wikis,
 * without bodies.
 *
 * @param {string[]} teamIds
 * @returns {Promise<any[]>}
 */
export function fetchTreePages(teamIds) {
  const params = Object.fromEntries(teamIds.map((id, n) => ['t' + n, id]));
  const filter = pb.filter(['team = ""', ...teamIds.map((_, n) => `team = {:t${n}}`)].join(' || '), params);
  return pb.collection('wiki_pages').getFullList({ filter, fields: TREE_FIELDS, sort: 'title', batch: 500 });
}

/**
 * @typedef {Object} DiffWord
 * @property {'equal'|'delete'|'insert'} op
 * @property {string} text
 */

/**
 * @typedef {Object} DiffLine
 * @property {'equal'|'delete'|'insert'|'change'} op
 * @property {string} [text]
 * @property {DiffWord[]} [words]
 */

/**
 * @typedef {Object} Diff
 * @property {number} from
 * @property {number} to
 * @property {{from: string, to: string}} title
 * @property {DiffLine[]} lines
 */

/**
 * Asks the server for the difference between two revisions of a page.
 *
 * @param {string} pageId
 * @param {number} from
 * @param {number} to
 * @returns {Promise<Diff>}
 */
export function fetchDiff(pageId, from, to) {
  return pb.send('/api/buurtplein/wiki/' + encodeURIComponent(pageId) + '/diff', { query: { from, to } });
}

/**
 * Restores an earlier revision of a page as its newest one.
 *
 * @param {string} pageId
 * @param {number} revision
 * @returns {Promise<any>} the page record
 */
export function restoreRevision(pageId, revision) {
  return pb.send('/api/buurtplein/wiki/' + encodeURIComponent(pageId) + '/restore', { method: 'POST', body: { revision } });
}

/**
 * Returns the different slugs a body links to with [[slug]], in order,
 * at most MAX_LINKS. Links inside code are counted too: asking for one
 * slug more costs nothing.
 *
 * @param {string} body
 * @returns {string[]}
 */
export function linkedSlugs(body) {
  const found = new Set();
  for (const m of String(body || '').matchAll(LINK)) {
    if (isSlug(m[1])) found.add(m[1]);
    if (found.size >= MAX_LINKS) break;
  }
  return [...found];
}

/**
 * Finds the pages [[slug]] links of a page point to, in one list request
 * (a few for a body with many links): a page with the slug in the same
 * wiki first, else the organisation's. What the reader may not read is not
 * in the answer, so it stays plain text.
 *
 * @param {string[]} slugs
 * @param {string} team the linking page's team id, "" for the organisation wiki
 * @returns {Promise<Map<string, {id: string, title: string}>>} slug -> page
 */
export async function resolveLinks(slugs, team) {
  /** @type {Map<string, {id: string, title: string}>} */
  const resolved = new Map();
  for (let i = 0; i < slugs.length; i += SLUGS_PER_REQUEST) {
    const chunk = slugs.slice(i, i + SLUGS_PER_REQUEST);
    const params = { team, ...Object.fromEntries(chunk.map((s, n) => ['s' + n, s])) };
    const wikis = team ? '(team = {:team} || team = "")' : 'team = ""';
    const filter = pb.filter(`${wikis} && (${chunk.map((_, n) => `slug = {:s${n}}`).join(' || ')})`, params);
    const pages = await pb.collection('wiki_pages').getFullList({ filter, fields: 'id,team,slug,title', batch: 200 });
    for (const slug of chunk) {
      const own = pages.find((p) => p.slug === slug && p.team === team);
      const org = pages.find((p) => p.slug === slug && !p.team);
      const page = own || org;
      if (page) resolved.set(slug, { id: page.id, title: page.title });
    }
  }
  return resolved;
}

/**
 * Turns the [[slug]] runs in the text of a rendered body into links to
 * the pages found (with their title as the text), and into the bare slug
 * as plain text where none was found. Code, and links the body made
 * itself, are left alone.
 *
 * @param {Node} root the rendered body (renderMarkdown's fragment or its container)
 * @param {Map<string, {id: string, title: string}>} resolved
 */
export function linkWikiText(root, resolved) {
  const doc = root.ownerDocument || document;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let p = node.parentNode; p && p !== root; p = p.parentNode) {
        if (p.nodeName === 'CODE' || p.nodeName === 'PRE' || p.nodeName === 'A') return NodeFilter.FILTER_REJECT;
      }
      return node.nodeValue && node.nodeValue.includes('[[') ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
    },
  });
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
  for (const node of texts) {
    const value = node.nodeValue || '';
    const parts = [];
    let last = 0;
    for (const m of value.matchAll(LINK)) {
      if (!isSlug(m[1])) continue;
      parts.push(doc.createTextNode(value.slice(last, m.index)));
      const page = resolved.get(m[1]);
      if (page) {
        const a = doc.createElement('a');
        a.href = pageHash(page.id);
        a.className = 'wiki-link';
        a.dataset.slug = m[1];
        a.textContent = page.title;
        parts.push(a);
      } else {
        const span = doc.createElement('span');
        span.className = 'wiki-link-missing';
        span.dataset.slug = m[1];
        span.textContent = m[1];
        parts.push(span);
      }
      last = m.index + m[0].length;
    }
    if (!parts.length) continue;
    parts.push(doc.createTextNode(value.slice(last)));
    node.replaceWith(...parts);
  }
}

/**
 * Reports whether a file name of a page's attachments is an image (shown
 * as a thumbnail) rather than a document.
 *
 * @param {string} name
 * @returns {boolean}
 */
export function isImage(name) {
  return /\.(jpe?g|png|gif|webp)$/i.test(name);
}

/**
 * Lifts the headings of a rendered body one level: the renderer starts a
 * post's headings at h3 (below the post's title), a page's title is its
 * only h1, so its body's "# Kop" is an h2 and no level is skipped.
 *
 * @param {ParentNode} root
 */
export function liftHeadings(root) {
  for (const el of root.querySelectorAll('h3, h4, h5, h6')) {
    const lifted = document.createElement('h' + (Number(el.tagName[1]) - 1));
    lifted.append(...el.childNodes);
    el.replaceWith(lifted);
  }
}
