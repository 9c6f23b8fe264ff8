// The difference between two revisions of a page, as the server's diff
// route gives it: line by line, a changed line word by word. Never by
// colour alone: every line carries a sign (+, −, ±) and words a screen
// reader says ("toegevoegd", "verwijderd"); long runs of unchanged lines
// fold away behind a button.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';

/** Unchanged lines shown before and after a change; longer runs fold. */
const CONTEXT = 2;

/**
 * Builds the diff view; update(diff) shows a Diff (null shows nothing).
 *
 * @returns {{el: HTMLElement, update: (diff: import('./model.js').Diff|null) => void}}
 */
export function diffView() {
  const el = h('section', { class: 'wiki-diff', dataset: { test: 'diff' }, 'aria-label': t('wiki.diff.label') });
  el.hidden = true;
  return {
    el,
    update(diff) {
      el.hidden = !diff;
      if (!diff) {
        replace(el);
        return;
      }
      const lines = Array.isArray(diff.lines) ? diff.lines : [];
      const changed = lines.some((l) => l.op !== 'equal');
      const titleChanged = diff.title && diff.title.from !== diff.title.to;
      el.dataset.from = String(diff.from);
      el.dataset.to = String(diff.to);
      replace(
        el,
        h('h3', { class: 'wiki-diff-heading' }, t('wiki.diff.heading', { from: diff.from, to: diff.to })),
        h(
          'p',
          { class: 'wiki-diff-legend' },
          h('span', { class: 'diff-sign diff-sign-insert', 'aria-hidden': 'true' }, '+'),
          ' ',
          t('wiki.diff.legendInsert'),
          '  ',
          h('span', { class: 'diff-sign diff-sign-delete', 'aria-hidden': 'true' }, '−'),
          ' ',
          t('wiki.diff.legendDelete')
        ),
        titleChanged &&
          h(
            'p',
            { class: 'wiki-diff-title', dataset: { test: 'diff-title' } },
            t('wiki.diff.title'),
            ' ',
            deleted(diff.title.from),
            ' → ',
            inserted(diff.title.to)
          ),
        !changed && !titleChanged && h('p', { class: 'hint', dataset: { test: 'diff-same' } }, t('wiki.diff.same')),
        changed && h('ol', { class: 'diff-lines' }, folded(lines))
      );
    },
  };
}

/**
 * Renders the lines, folding each run of unchanged lines longer than
 * twice the context into a button that shows it.
 *
 * @param {import('./model.js').DiffLine[]} lines
 * @returns {HTMLElement[]}
 */
function folded(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].op !== 'equal') {
      out.push(line(lines[i]));
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end].op === 'equal') end++;
    const run = lines.slice(i, end);
    const keepBefore = i === 0 ? 0 : CONTEXT;
    const keepAfter = end === lines.length ? 0 : CONTEXT;
    if (run.length <= keepBefore + keepAfter + 1) {
      out.push(...run.map(line));
    } else {
      out.push(...run.slice(0, keepBefore).map(line));
      const hidden = run.slice(keepBefore, run.length - keepAfter);
      const fold = h(
        'li',
        { class: 'diff-fold' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn-link diff-fold-button',
            on: {
              click: () => {
                const shown = hidden.map(line);
                fold.replaceWith(...shown);
                shown[0]?.setAttribute('tabindex', '-1');
                shown[0]?.focus();
              },
            },
          },
          t('wiki.diff.unchanged', { n: hidden.length })
        )
      );
      out.push(fold);
      out.push(...run.slice(run.length - keepAfter).map(line));
    }
    i = end;
  }
  return out;
}

/**
 * @param {import('./model.js').DiffLine} l
 * @returns {HTMLElement}
 */
function line(l) {
  const op = ['equal', 'delete', 'insert', 'change'].includes(l.op) ? l.op : 'equal';
  const sign = { equal: ' ', delete: '−', insert: '+', change: '±' }[op];
  /** @type {any[]} */
  let content;
  if (op === 'change') {
    content = (Array.isArray(l.words) ? l.words : []).map((w) => (w.op === 'insert' ? inserted(w.text) : w.op === 'delete' ? deleted(w.text) : String(w.text ?? '')));
  } else if (op === 'insert') {
    content = [inserted(l.text)];
  } else if (op === 'delete') {
    content = [deleted(l.text)];
  } else {
    content = [String(l.text ?? '')];
  }
  return h(
    'li',
    { class: ['diff-line', 'diff-' + op], dataset: { test: 'diff-line', op } },
    h('span', { class: ['diff-sign', 'diff-sign-' + op], 'aria-hidden': 'true' }, sign),
    op === 'change' && h('span', { class: 'visually-hidden' }, t('wiki.diff.changedLine')),
    h('span', { class: 'diff-text' }, content, !content.length || (op === 'equal' && !l.text) ? '\u00a0' : null)
  );
}

/** @param {string} text */
function inserted(text) {
  return h('ins', null, h('span', { class: 'visually-hidden' }, t('wiki.diff.inserted')), String(text ?? ''));
}

/** @param {string} text */
function deleted(text) {
  return h('del', null, h('span', { class: 'visually-hidden' }, t('wiki.diff.deleted')), String(text ?? ''));
}
