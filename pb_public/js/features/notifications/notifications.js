// My notifications (#/notifications): newest first, open ones marked (a
// settled one, whose offer was answered, withdrawn or lapsed, shows as
// settled, no longer open); tapping one marks it read and goes to what it
// is about. New ones arrive live. Their text is plain text, in the
// reader's language, made from their kind and parameters.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError } from '../../components/ui.js';
import { Live } from '../../live.js';
import { markRead, notificationLink, isOpen, notificationText, refreshUnread } from './unread.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';

const PER_PAGE = 50;

/**
 * Mounts the notifications list.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  const me = currentUser();
  refreshUnread().catch(() => {}); // the bell's count, fresh as the list
  const live = new Live();
  let destroyed = false;
  /** @type {any[]} */
  let items = [];

  const error = errorLine();
  const markAll = h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'notifications-read-all' }, hidden: true }, t('notifications.markAll'));
  const list = h('ul', { class: 'notification-list', dataset: { test: 'notifications', state: 'loading' } });
  el.append(h('div', { class: 'page-head page-head-actions' }, h('h1', null, t('notifications.title')), markAll), error, list);

  async function load() {
    if (!me) return;
    if (list.dataset.state !== 'ready') replace(list, h('li', null, loading()));
    try {
      const res = await pb.collection('notifications').getList(1, PER_PAGE, {
        filter: pb.filter('user = {:me}', { me: me.id }),
        sort: '-created,-id',
        skipTotal: true,
      });
      if (destroyed) return;
      items = res.items;
      render();
      list.dataset.state = 'ready';
    } catch (err) {
      if (!destroyed) replace(list, h('li', null, loadError(err, load)));
    }
  }

  function render() {
    markAll.hidden = !items.some(isOpen);
    replace(
      list,
      items.length
        ? items.map((n) => {
            const created = parseDate(n.created);
            const link = notificationLink(n);
            return h(
              'li',
              null,
              h(
                'a',
                {
                  class: ['notification', isOpen(n) && 'unread', n.settled && 'settled', 'notification-' + n.kind],
                  href: link || '#/notifications',
                  dataset: { test: 'notification', id: n.id, read: n.read ? 'true' : 'false', settled: n.settled ? 'true' : 'false', kind: n.kind },
                  on: { click: (e) => open(e, n, link) },
                },
                h('span', { class: ['icon', iconOf(n.kind)], 'aria-hidden': 'true' }),
                h(
                  'span',
                  { class: 'notification-main' },
                  // text, never markup: a link in it is not clickable
                  h('span', { class: 'notification-title', dataset: { test: 'notification-text' } }, notificationText(n)),
                  h('span', { class: 'notification-meta' }, isOpen(n) && h('span', { class: 'badge badge-new' }, t('notifications.new')), n.settled && h('span', { class: 'badge badge-settled' }, t('notifications.settled')), created && h('time', { datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created)))
                )
              )
            );
          })
        : h('li', { class: 'state state-empty' }, t('notifications.none'))
    );
  }

  async function open(e, n, link) {
    e.preventDefault();
    if (!n.read) {
      try {
        await markRead([n.id]);
      } catch (err) {
        // going there matters more than the mark; say it did not stick
        showError(error, describeError(err, 'notifications').message);
      }
    }
    if (link) location.hash = link;
    else load();
  }

  markAll.addEventListener('click', async () => {
    markAll.disabled = true;
    showError(error, '');
    try {
      await markRead(items.filter((n) => !n.read).map((n) => n.id));
      await load();
    } catch (err) {
      showError(error, describeError(err, 'notifications').message);
    } finally {
      markAll.disabled = false;
    }
  });

  const subscribed = live.mark(list, [
    live.on('notifications', '*', () => load(), { filter: pb.filter('user = {:me}', { me: me?.id || '' }) }),
    live.onReconnect(load),
  ]);
  Promise.all([load(), subscribed]).then(() => destroyed || load());
  return () => {
    destroyed = true;
    live.destroy();
  };
}

function iconOf(kind) {
  if (kind === 'task_overdue') return 'icon-alert';
  if (String(kind).startsWith('handover') || kind === 'task_handed_over') return 'icon-handover';
  if (kind === 'team_added') return 'icon-teams';
  return 'icon-check';
}
