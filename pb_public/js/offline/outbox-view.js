// "Wacht op verzending" (#/outbox): every write of mine still in the
// outbox, in the order it goes, live. A write waiting for a connection may
// be sent now; a refused one shows the server's reason in the person's
// words and may be changed (its text), sent again or discarded, after the
// app's own confirmation. Nothing leaves without the person choosing it.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { describeError } from '../errors.js';
import { loadError, announce } from '../components/ui.js';
import { confirmDialog } from '../components/dialog.js';
import { parseDate, relativeTime, fullDate } from '../format.js';
import { outboxItems, onOutbox, retry, discard, flush } from './outbox.js';
import { subscribe } from '../store.js';

/** what a kind's refusal is said of, when the server's code is unknown (errors.actions.<action>) */
const ACTIONS = { post: 'post', comment: 'comment', task: 'changeTask', handover: 'offer', message: 'chatSend', read: 'confirmRead', question: 'askQuestion' };

/**
 * Mounts the outbox's screen.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  let destroyed = false;
  const list = h('ol', { class: 'outbox-list', dataset: { test: 'outbox', state: 'loading' } });
  el.append(h('div', { class: 'page-head' }, h('h1', null, t('titles.outbox'))), h('p', { class: 'hint' }, t('outbox.intro')), list);

  /** ids of the items whose text is being changed */
  const editing = new Set();

  async function load() {
    try {
      const items = await outboxItems();
      if (destroyed) return;
      render(items);
      list.dataset.state = 'ready';
    } catch (err) {
      if (!destroyed) replace(list, h('li', null, loadError(err, load)));
      list.dataset.state = 'error';
    }
  }

  /** @param {import('./outbox.js').OutboxItem[]} items */
  function render(items) {
    list.dataset.count = String(items.length);
    if (!items.length) {
      replace(list, h('li', { class: 'outbox-empty', dataset: { test: 'outbox-empty' } }, t('outbox.empty')));
      return;
    }
    // an open text field keeps what is typed in it
    const open = new Map([...list.querySelectorAll('[data-test=outbox-item]')].filter((li) => editing.has(/** @type {HTMLElement} */ (li).dataset.id || '')).map((li) => [/** @type {HTMLElement} */ (li).dataset.id, li]));
    replace(list, items.map((item) => open.get(item.id) || row(item)));
  }

  /**
   * One write: its kind, what it is, when it was made, and what can be
   * done with it.
   *
   * @param {import('./outbox.js').OutboxItem} item
   * @returns {HTMLElement}
   */
  function row(item) {
    const made = parseDate(item.created);
    const refused = item.state === 'failed';
    const why = refused ? describeError(item.error?.err || { status: item.error?.status || 400 }, ACTIONS[item.kind] || 'load').message : '';
    const li = h(
      'li',
      { class: 'outbox-item card', dataset: { test: 'outbox-item', id: item.id, kind: item.kind, state: item.state, code: item.error?.code || '' } },
      h('p', { class: 'outbox-kind' }, h('strong', null, t('outbox.kinds.' + item.kind)), ' · ', h('time', { datetime: item.created, title: made ? fullDate(made) : '' }, t('outbox.madeAt', { time: made ? relativeTime(made) : '' }))),
      item.label && h('p', { class: 'outbox-label', dataset: { test: 'outbox-label' } }, item.label),
      refused
        ? h('p', { class: 'outbox-refused', role: 'alert', dataset: { test: 'outbox-reason' } }, h('span', { class: 'icon icon-alert', 'aria-hidden': 'true' }), h('strong', null, t('outbox.refused')), ': ', why)
        : h('p', { class: 'outbox-waiting', dataset: { test: 'outbox-waiting' } }, h('span', { class: 'icon icon-clock', 'aria-hidden': 'true' }), t('outbox.waiting')),
      h('div', { class: 'outbox-tools' }, tools(item, refused))
    );
    return li;
  }

  /**
   * @param {import('./outbox.js').OutboxItem} item
   * @param {boolean} refused
   */
  function tools(item, refused) {
    const buttons = [];
    if (refused) {
      buttons.push(button('outbox-retry', t('outbox.retry'), () => retry(item.id)));
      if (item.text) buttons.push(button('outbox-change', t('outbox.change'), (e) => changeText(item, /** @type {HTMLElement} */ (e.target))));
    } else {
      buttons.push(button('outbox-send', t('outbox.sendNow'), () => flush()));
    }
    if (item.link) buttons.push(h('a', { class: 'btn btn-secondary btn-small', href: item.link, dataset: { test: 'outbox-open' } }, t('outbox.open')));
    buttons.push(
      button('outbox-discard', t('outbox.discard'), () =>
        confirmDialog({
          title: t('outbox.discardTitle'),
          body: t('outbox.discardBody', { label: item.label || t('outbox.kinds.' + item.kind) }),
          yes: t('outbox.discard'),
          test: 'outbox-discard-dialog',
          onYes: () => discard(item.id),
        })
      )
    );
    return buttons;
  }

  /**
   * Opens a refused write's text for a change; sending it sends it again.
   *
   * @param {import('./outbox.js').OutboxItem} item
   * @param {HTMLElement} from the button that asked
   */
  function changeText(item, from) {
    const li = /** @type {HTMLElement} */ (from.closest('li'));
    editing.add(item.id);
    const id = 'outbox-text-' + item.id;
    const area = /** @type {HTMLTextAreaElement} */ (h('textarea', { id, name: 'text', rows: 4, dataset: { test: 'outbox-text' } }));
    area.value = String(item.data[item.text] || '');
    const form = h(
      'form',
      { class: 'outbox-change', dataset: { test: 'outbox-change-form' } },
      h('div', { class: 'field' }, h('label', { for: id }, t('outbox.changeLabel')), area),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'outbox-change-send' } }, t('outbox.saveAndSend')))
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      editing.delete(item.id);
      retry(item.id, area.value);
    });
    /** @type {HTMLElement} */ (li.querySelector('.outbox-tools')).replaceWith(form);
    area.focus();
  }

  const stop = onOutbox((e) => {
    if (e.type === 'removed') editing.delete(e.item.id);
    if (e.type === 'failed') announce(t('outbox.refused') + ': ' + (e.item.label || t('outbox.kinds.' + e.item.kind)));
    load();
  });
  // a change made in another tab of the app
  const stopCount = subscribe((_, changed) => {
    if (changed.includes('outbox')) load();
  });
  load();

  return () => {
    destroyed = true;
    stop();
    stopCount();
  };
}

/**
 * @param {string} test
 * @param {string} text
 * @param {(e: Event) => void} onClick
 * @returns {HTMLElement}
 */
function button(test, text, onClick) {
  return h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test }, on: { click: onClick } }, text);
}
