// "Gelezen en begrepen" on a must-read page: the reader confirms the
// revision they read with one tap (a reads record; the server notes the
// revision). A new revision asks again. Shown only on pages that are
// must-read for the reader.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { parseDate, fullDate } from '../../format.js';
import { errorLine, showError, announce } from '../../components/ui.js';
import { mustReadForMe } from './model.js';
import { submit as sendWrite } from '../../offline/outbox.js';

/**
 * Builds the confirmation; update(page) shows it for the page's current
 * revision (reading whether the reader confirmed it), refresh() reads that
 * again (after a reads event).
 *
 * @returns {{el: HTMLElement, update: (page: any) => void, refresh: () => void}}
 */
export function pageConfirm() {
  const el = h('section', { class: 'wiki-confirm card notice', dataset: { test: 'wiki-confirm' }, 'aria-label': t('wiki.confirm.label') });
  el.hidden = true;
  /** @type {any} */
  let page = null;
  let shown = '';
  let asked = 0;

  async function check() {
    if (!page || !mustReadForMe(page)) {
      el.hidden = true;
      return;
    }
    const mine = ++asked;
    const revision = page.revision || 0;
    try {
      const list = await pb.collection('reads').getList(1, 1, {
        filter: pb.filter('page = {:page} && revision = {:revision}', { page: page.id, revision }),
        skipTotal: true,
      });
      if (mine !== asked) return;
      render(list.items[0] || null);
    } catch {
      // unknown: offer the button; the server says when it was done already
      if (mine === asked) render(null);
    }
  }

  /** @param {any|null} read */
  function render(read) {
    el.hidden = false;
    el.dataset.state = read ? 'confirmed' : 'open';
    if (read) {
      const at = parseDate(read.created);
      replace(el, h('p', { class: 'wiki-confirm-done' }, h('span', { class: 'icon icon-check', 'aria-hidden': 'true' }), t('wiki.confirm.done', { n: page.revision || 0, at: at ? fullDate(at) : '' })));
      return;
    }
    const error = errorLine();
    const button = h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'wiki-confirm-button' } }, t('wiki.confirm.button'));
    button.addEventListener('click', async () => {
      const me = currentUser();
      if (!me) return;
      button.disabled = true;
      showError(error, '');
      try {
        const outcome = await sendWrite({ kind: 'read', collection: 'reads', data: { page: page.id, user: me.id }, label: page.title || '', link: '#/wiki/' + page.id });
        // no connection: the confirmation waits in the outbox
        render(outcome.queued ? { created: outcome.item.created } : outcome.record);
        announce(outcome.queued ? t('outbox.queued.read') : t('wiki.confirm.thanks'));
      } catch (err) {
        button.disabled = false;
        showError(error, describeError(err, 'confirmRead').message);
      }
    });
    replace(el, h('p', null, t('wiki.confirm.ask', { n: page.revision || 0 })), button, error);
  }

  return {
    el,
    update(next) {
      page = next;
      const key = JSON.stringify([next.id, next.revision, mustReadForMe(next)]);
      if (key === shown) return;
      shown = key;
      check();
    },
    refresh: () => check(),
  };
}
