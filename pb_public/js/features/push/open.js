// #/notifications/<id>: where tapping a notification on the lock screen
// leads. It marks the notification read and goes on to what it is about
// (the same link as in the list), replacing itself in the history so
// "back" does not come here again.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { loading, loadError } from '../../components/ui.js';
import { markRead, notificationLink, isOpen } from '../notifications/unread.js';

/**
 * Mounts the screen that opens one notification.
 *
 * @param {HTMLElement} el the screen container
 * @param {{id: string}} props
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  let gone = false;
  const box = h('div', { dataset: { test: 'push-open', state: 'loading' } }, h('p', null, t('push.opening')), loading());
  el.append(box);

  async function open() {
    try {
      const n = await pb.collection('notifications').getOne(id);
      if (gone) return;
      // the link of an open offer is the list of offers: decide before
      // marking it read
      const link = notificationLink(n) || '#/notifications';
      if (isOpen(n)) await markRead([n.id]).catch(() => {});
      if (gone) return;
      box.dataset.state = 'ready';
      location.replace(link);
    } catch (err) {
      if (gone) return;
      box.dataset.state = 'error';
      if (err?.status === 404) {
        replace(box, h('p', null, t('push.gone')), h('a', { class: 'btn btn-secondary', href: '#/notifications', dataset: { test: 'push-open-list' } }, t('push.toList')));
      } else {
        replace(box, loadError(err, open));
      }
    }
  }
  open();
  return () => {
    gone = true;
  };
}
