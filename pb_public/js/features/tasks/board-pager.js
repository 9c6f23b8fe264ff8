// The end of a board with more pages: the next page loads when it scrolls
// into view (or on a tap of its button), one page at a time, and the one
// after that too while the end stays in view (a short page, a tall screen).

import { h } from '../../dom.js';
import { t } from '../../i18n.js';

/**
 * @typedef {Object} BoardPagerOptions
 * @property {() => Promise<void>|null} onMore loads the next page; null
 *   when it cannot now (the board is not ready)
 */

/**
 * Builds the pager ([data-test=board-more]). update(more) says whether
 * there is a next page; destroy() stops watching the scrolling.
 *
 * @param {BoardPagerOptions} options
 * @returns {{el: HTMLElement, update: (more: boolean) => void, destroy: () => void}}
 */
export function boardPager({ onMore }) {
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'board-more' } }, t('board.more')));
  const el = h('div', { class: 'board-more' }, button);
  let more = false;
  let inView = false;
  let destroyed = false;
  /** @type {Promise<void>|null} */
  let loading = null;

  function next() {
    if (!more || loading || destroyed) return;
    loading = onMore();
    if (!loading) return;
    button.disabled = true;
    button.textContent = t('board.moreLoading');
    loading.finally(() => {
      loading = null;
      button.disabled = false;
      button.textContent = t('board.more');
      // still at the end: the next one
      if (inView && more && !destroyed) requestAnimationFrame(next);
    }).catch(() => {}); // onMore says what went wrong
  }

  button.addEventListener('click', next);
  const observer = new IntersectionObserver(
    (entries) => {
      inView = entries.some((e) => e.isIntersecting);
      if (inView) next();
    },
    { rootMargin: '0px 0px 400px 0px' }
  );
  observer.observe(el);

  return {
    el,
    update(hasMore) {
      more = hasMore;
    },
    destroy() {
      destroyed = true;
      observer.disconnect();
    },
  };
}
