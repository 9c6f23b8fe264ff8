// The revisions of a page on its history screen, newest first: number,
// who saved it, when, the change summary, and for those who may edit the
// page a button to restore an earlier one (after a confirmation in the
// row itself).

import { h, replace } from '../../dom.js';
import { t, has } from '../../i18n.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';

/**
 * Returns the words for a revision's change summary. The server words a
 * restore without parameters; the PWA says it in the reader's language.
 *
 * @param {string} summary
 * @returns {string}
 */
export function summaryText(summary) {
  const s = String(summary || '').trim();
  if (!s) return '';
  const key = 'wiki.summaries.' + s;
  return /^[a-z_]+$/.test(s) && has(key) ? t(key) : s;
}

/**
 * @typedef {Object} RevisionListOptions
 * @property {(revision: number) => Promise<void>} onRestore
 * @property {() => Promise<void>} onMore loads earlier revisions
 */

/**
 * Builds the list; update(revisions, current, canRestore, more) shows it.
 *
 * @param {RevisionListOptions} options
 * @returns {{el: HTMLElement, update: (revisions: any[], current: number, canRestore: boolean, more: boolean) => void}}
 */
export function revisionList({ onRestore, onMore }) {
  const el = h('section', { class: 'card wiki-revision-list', 'aria-labelledby': 'wiki-revisions-heading' });
  let shown = '';

  /** @param {HTMLElement} row @param {any} rev */
  function askRestore(row, rev) {
    const actions = /** @type {HTMLElement} */ (row.querySelector('.wiki-revision-actions'));
    const confirm = h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { test: 'restore-confirm' } }, t('wiki.history.restoreConfirm'));
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'restore-cancel' } }, t('common.cancel'));
    const question = h('p', { class: 'wiki-restore-question', id: 'restore-q-' + rev.revision }, t('wiki.history.restoreQuestion', { n: rev.revision }));
    confirm.setAttribute('aria-describedby', question.id);
    replace(actions, question, confirm, cancel);
    confirm.focus();
    cancel.addEventListener('click', () => {
      shown = '';
      replace(actions, restoreButton(row, rev));
      /** @type {HTMLElement|null} */ (actions.querySelector('button'))?.focus();
    });
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      cancel.disabled = true;
      try {
        await onRestore(rev.revision);
      } finally {
        confirm.disabled = false;
        cancel.disabled = false;
      }
      // done or failed (the toast says which): the question goes; a list
      // built again since has left this row behind anyway
      if (row.isConnected) {
        replace(actions, restoreButton(row, rev));
        /** @type {HTMLElement|null} */ (actions.querySelector('button'))?.focus();
      }
    });
  }

  function restoreButton(row, rev) {
    return h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'revision-restore', revision: rev.revision }, on: { click: () => askRestore(row, rev) } },
      t('wiki.history.restore'),
      h('span', { class: 'visually-hidden' }, ' ', t('wiki.revision', { n: rev.revision }))
    );
  }

  return {
    el,
    update(revisions, current, canRestore, more) {
      const key = JSON.stringify([revisions.map((r) => [r.id, r.expand?.author?.name]), current, canRestore, more]);
      if (key === shown) return;
      shown = key;
      replace(
        el,
        h('h2', { id: 'wiki-revisions-heading' }, t('wiki.history.list')),
        !revisions.length && h('p', { class: 'hint', dataset: { test: 'revisions-empty' } }, t('wiki.history.none')),
        revisions.length > 0 &&
        h(
          'ol',
          { class: 'wiki-revisions' },
          revisions.map((rev) => {
            const created = parseDate(rev.created);
            const summary = summaryText(rev.summary);
            const row = h(
              'li',
              { class: 'wiki-revision-item', dataset: { test: 'wiki-revision-item', revision: rev.revision } },
              h(
                'div',
                { class: 'wiki-revision-main' },
                h('span', { class: 'wiki-revision-number' }, t('wiki.revision', { n: rev.revision })),
                rev.revision === current && h('span', { class: 'badge' }, t('wiki.history.current')),
                h(
                  'span',
                  { class: 'wiki-revision-by' },
                  rev.expand?.author?.name || t('post.unknownAuthor'),
                  ' · ',
                  created && h('time', { datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created))
                ),
                summary && h('span', { class: 'wiki-revision-summary', dataset: { test: 'revision-summary' } }, summary)
              ),
              h('div', { class: 'wiki-revision-actions' })
            );
            if (canRestore && rev.revision !== current) row.querySelector('.wiki-revision-actions')?.append(restoreButton(row, rev));
            return row;
          })
        ),
        more &&
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-secondary btn-block',
              dataset: { test: 'revisions-more' },
              on: {
                click: async (e) => {
                  const b = /** @type {HTMLButtonElement} */ (e.currentTarget);
                  b.disabled = true;
                  try {
                    await onMore();
                  } finally {
                    b.disabled = false;
                  }
                },
              },
            },
            t('wiki.history.more')
          )
      );
    },
  };
}
