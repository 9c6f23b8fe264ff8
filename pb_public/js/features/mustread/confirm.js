// "Gelezen en begrepen" for one must-read, to put on the screen that shows
// it (a protocol page): the button while the signed-in user has yet to
// confirm it, afterwards when they did; it follows the must-read list in
// the store, so a confirmation in the banner or on another device shows
// here too.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { subscribe } from '../../store.js';
import { parseDate, fullDate } from '../../format.js';
import { describeError } from '../../errors.js';
import { announce, errorLine, showError } from '../../components/ui.js';
import { confirmRead, confirmedAt, isPending, readersRoute } from './model.js';

/**
 * Creates the confirmation box of a must-read ([data-test=mustread-box],
 * empty when the signed-in user is not asked to confirm it).
 *
 * @param {{collection: 'posts'|'wiki_pages', id: string, title: string, readers?: boolean}} options
 *   readers: link to who has read it (for those who may see it)
 * @returns {{el: HTMLElement, destroy: () => void}}
 */
export function createMustReadConfirm({ collection, id, title, readers = false }) {
  const el = h('div', { class: 'post-mustread', dataset: { test: 'mustread-box' }, tabindex: '-1' });
  const error = errorLine();

  function render() {
    const at = parseDate(confirmedAt(collection, id));
    const pending = !at && isPending(collection, id);
    el.classList.toggle('is-confirmed', Boolean(at));
    el.dataset.state = at ? 'confirmed' : pending ? 'pending' : 'unknown';
    el.hidden = !at && !pending && !readers;
    const button =
      pending &&
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary btn-small',
          dataset: { test: 'mustread-box-confirm' },
          on: {
            click: async () => {
              showError(error, '');
              try {
                await confirmRead(collection, id);
                announce(t('mustread.confirmed', { title }));
              } catch (err) {
                showError(error, describeError(err, 'confirmRead').message);
              }
            },
          },
        },
        t('mustread.confirm')
      );
    // the button goes when it is tapped: the keyboard stays here
    const hadFocus = el.contains(document.activeElement);
    replace(
      el,
      at && h('p', { class: 'post-mustread-state', dataset: { test: 'mustread-box-confirmed' } }, t('mustread.confirmedAt', { time: fullDate(at) })),
      pending && h('p', { class: 'post-mustread-state' }, t('mustread.pendingPage')),
      button,
      readers && h('a', { class: 'btn-link', href: readersRoute(collection, id) }, t('mustread.readers')),
      error
    );
    if (hadFocus && !el.contains(document.activeElement)) el.focus({ preventScroll: true });
  }

  const unsubscribe = subscribe((state, changed) => {
    if (changed.includes('mustread') || changed.includes('mustreadConfirmed')) render();
  });
  render();
  return { el, destroy: unsubscribe };
}
