// The head of a question (subject, status, who asked for which team, the
// question itself with its attachments) and its conversation: the
// replies, oldest first, and BOB's internal notes set apart (another
// colour, a label in words; only BOB staff ever receive them).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, getFileToken } from '../../pb.js';
import { parseDate, fullDate } from '../../format.js';
import { avatar } from '../../components/ui.js';
import { questionStatusBadge, flagBadge } from './model.js';
import { partKey } from '../tasks/model.js';

/**
 * Builds the head; update(question) shows it, and does nothing when none of
 * what it shows changed.
 *
 * @param {{backHash: string, backLabel: string}} opts
 * @returns {{el: HTMLElement, update: (q: any) => void}}
 */
export function questionHead({ backHash, backLabel }) {
  const el = h('div', { class: 'bob-question-head' });
  let shown = '';
  return {
    el,
    update(q) {
      const key = partKey(q, ['subject', 'body', 'status', 'category', 'flagged', 'first_response', 'wiki_page', 'attachments'], [q.expand?.assignee?.name]);
      if (key === shown) return;
      shown = key;
      const created = parseDate(q.created);
      replace(
        el,
        h('p', { class: 'crumbs' }, h('a', { href: backHash }, '← ', backLabel)),
        h('h1', { dataset: { test: 'question-subject' } }, q.subject),
        h(
          'p',
          { class: 'bob-badges' },
          questionStatusBadge(q.status),
          q.flagged && !q.first_response && flagBadge(),
          h('span', { class: 'badge bob-category' }, t('bob.category.' + q.category))
        ),
        h(
          'p',
          { class: 'bob-byline' },
          t('bob.question.askedBy', { name: q.expand?.asker?.name || '', team: q.expand?.team?.name || '' }),
          created && [' · ', h('time', { datetime: created.toISOString() }, fullDate(created))]
        ),
        h('p', { class: 'bob-byline', dataset: { test: 'question-assignee' } }, q.expand?.assignee ? t('bob.assignedTo', { name: q.expand.assignee.name }) : t('bob.unassigned')),
        h('div', { class: 'card bob-body', dataset: { test: 'question-body' } }, h('p', { class: 'bob-text' }, q.body), attachments(q)),
        q.wiki_page && h('p', null, h('a', { href: '#/wiki/' + encodeURIComponent(q.wiki_page), dataset: { test: 'question-wiki-link' } }, t('bob.wiki.link')))
      );
    },
  };
}

/**
 * Builds the conversation; update(replies) shows them (oldest first).
 *
 * @returns {{el: HTMLElement, update: (replies: any[]) => void}}
 */
export function questionThread() {
  const el = h('ol', { class: 'bob-thread', dataset: { test: 'question-replies' }, 'aria-label': t('bob.question.conversation') });
  let shown = '';
  return {
    el,
    update(replies) {
      const key = replies.map((r) => r.id + (r.expand?.author?.name || '')).join(',');
      if (key === shown) return;
      shown = key;
      replace(el, replies.length ? replies.map(replyItem) : h('li', { class: 'state state-empty' }, t('bob.question.noReplies')));
    },
  };
}

/**
 * @param {any} r
 * @returns {HTMLElement}
 */
function replyItem(r) {
  const created = parseDate(r.created);
  const author = r.expand?.author;
  return h(
    'li',
    { class: ['bob-reply', r.internal && 'bob-reply-internal'], dataset: { test: r.internal ? 'internal-note' : 'reply', id: r.id } },
    r.internal && h('p', { class: 'bob-internal-label' }, h('span', { class: 'icon icon-alert', 'aria-hidden': 'true' }), t('bob.reply.internalLabel')),
    h(
      'p',
      { class: 'bob-reply-head' },
      avatar(author, 'sm'),
      h('span', { class: 'bob-reply-author' }, author?.name || ''),
      created && h('time', { datetime: created.toISOString() }, fullDate(created))
    ),
    h('p', { class: 'bob-text', dataset: { test: 'reply-body' } }, r.body),
    attachments(r)
  );
}

/**
 * Links to a record's attachments (protected files: with a file token).
 *
 * @param {any} record
 * @returns {HTMLElement|null}
 */
function attachments(record) {
  const names = Array.isArray(record.attachments) ? record.attachments : [];
  if (!names.length) return null;
  const ul = h('ul', { class: 'bob-attachments' });
  getFileToken()
    .then((token) => {
      replace(
        ul,
        names.map((name) => h('li', null, h('a', { href: pb.files.getURL(record, name, { token }), target: '_blank', rel: 'noopener noreferrer', dataset: { test: 'attachment' } }, name)))
      );
    })
    .catch(() => replace(ul, names.map((name) => h('li', null, name))));
  return ul;
}
