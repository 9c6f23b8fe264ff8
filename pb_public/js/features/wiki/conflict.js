// What a save that came too late shows (409 wiki_stale_revision): a
// colleague saved the page while this person was writing. It shows the
// colleague's version, what they changed since this person started (the
// server's diff), and lets the person keep their own text to merge by
// hand or take the colleague's. Nothing typed is lost: the person's text
// stays in the form, and taking the colleague's puts the person's own
// here to copy from.

import { h, replace, reveal } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { parseDate, fullDate } from '../../format.js';
import { diffView } from './diff-view.js';
import { summaryText } from './revision-list.js';

/**
 * @typedef {Object} Current the page's revision now, from the 409's params
 * @property {number} revision
 * @property {string} title
 * @property {string} body
 * @property {string} summary
 * @property {string} author user id
 * @property {string} [authorName] the author's name, as the server sends it
 * @property {string} created
 */

/**
 * @typedef {Object} ConflictOptions
 * @property {(current: Current) => void} onKeep keep my text; the next save starts from current
 * @property {(current: Current) => {title: string, body: string}} onTake put the colleague's
 *   version in the form; returns what the form held
 */

/**
 * Builds the conflict view; show(params) fills it from the 409's params,
 * hide() folds it away after a save.
 *
 * @param {ConflictOptions} options
 * @returns {{el: HTMLElement, show: (params: any) => void, hide: () => void}}
 */
export function conflictView({ onKeep, onTake }) {
  const el = h('section', { class: 'wiki-conflict card notice', dataset: { test: 'wiki-conflict' }, 'aria-labelledby': 'wiki-conflict-heading', tabindex: '-1' });
  el.hidden = true;
  const diff = diffView();
  let shown = 0;

  return {
    el,
    show(params) {
      const current = /** @type {Current} */ (params?.current || {});
      const mine = ++shown;
      el.hidden = false;
      el.dataset.state = 'open';
      el.dataset.revision = String(current.revision || '');
      const who = h('span', { class: 'wiki-conflict-who' }, current.authorName ? t('wiki.conflict.by', { name: current.authorName }) : t('wiki.conflict.someone'));
      const theirsLabel = h('span', null, t('wiki.conflict.theirs', { n: current.revision || '?' }));
      const theirs = h('textarea', { class: 'wiki-theirs', rows: 10, readOnly: true, dataset: { test: 'conflict-theirs' }, 'aria-labelledby': 'wiki-theirs-label' });
      theirs.value = (current.title ? '# ' + current.title + '\n\n' : '') + String(current.body ?? '');
      const note = h('p', { class: 'wiki-conflict-note', role: 'status' });
      const created = parseDate(current.created);

      const keep = h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'conflict-keep' } }, t('wiki.conflict.keep'));
      const take = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'conflict-take' } }, t('wiki.conflict.take'));
      keep.addEventListener('click', () => {
        onKeep(current);
        el.dataset.state = 'kept';
        note.textContent = t('wiki.conflict.kept', { n: current.revision });
      });
      take.addEventListener('click', () => {
        if (el.dataset.confirmTake !== 'true') {
          // a second tap confirms: the form's text moves here, not away
          el.dataset.confirmTake = 'true';
          take.textContent = t('wiki.conflict.takeConfirm');
          note.textContent = t('wiki.conflict.takeWarn');
          return;
        }
        const before = onTake(current);
        el.dataset.state = 'taken';
        el.dataset.confirmTake = '';
        take.textContent = t('wiki.conflict.take');
        theirsLabel.textContent = t('wiki.conflict.yours');
        theirs.value = (before.title ? '# ' + before.title + '\n\n' : '') + before.body;
        note.textContent = t('wiki.conflict.taken', { n: current.revision });
      });

      diff.update(params?.diff && Array.isArray(params.diff.lines) ? params.diff : null);
      replace(
        el,
        h('h2', { id: 'wiki-conflict-heading' }, t('wiki.conflict.heading')),
        h(
          'p',
          null,
          t('wiki.conflict.intro', { n: current.revision || '?' }),
          ' ',
          who,
          created && [' · ', h('time', { datetime: created.toISOString() }, fullDate(created))]
        ),
        current.summary && h('p', { class: 'hint' }, t('wiki.conflict.summary', { summary: summaryText(current.summary) })),
        h('p', null, t('wiki.conflict.yourTextKept')),
        diff.el,
        h('label', { id: 'wiki-theirs-label', class: 'label' }, theirsLabel),
        theirs,
        note,
        h('div', { class: 'form-actions wiki-conflict-actions' }, keep, take)
      );
      // the form's save button is far below: bring the news into view
      reveal(el, el);

      if (current.author && !current.authorName) {
        pb.collection('users')
          .getOne(current.author, { fields: 'id,name' })
          .then((u) => {
            if (mine === shown && u?.name) who.textContent = t('wiki.conflict.by', { name: u.name });
          })
          .catch(() => {});
      }
    },
    hide() {
      shown++;
      el.hidden = true;
      replace(el);
    },
  };
}
