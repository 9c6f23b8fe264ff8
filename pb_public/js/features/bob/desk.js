// BOB's workspace (#/bob/desk, BOB staff only): the queue of questions from
// every team, by status and category, those waiting too long for a first
// response on top and marked, with who has each. New questions and replies
// arrive live on BOB's team topic.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { loading, loadError } from '../../components/ui.js';
import { mountScreen, bobTabs, CATEGORIES, QUESTION_STATUSES, QUESTION_EXPAND } from './model.js';
import { questionList } from './question-list.js';

/** Questions a page of the queue. */
const PAGE = 100;

/**
 * Mounts BOB's workspace.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  let perPage = PAGE;
  return mountScreen(el, { staffOnly: true }, show);

  /** @param {import('../../live.js').Live} live */
  function show(live) {
    const root = h('section', { class: 'bob-desk', dataset: { test: 'bob-desk', state: 'loading' } });
    const list = questionList({ staff: true, empty: t('bob.desk.empty') });
    const listBox = h('div', null, loading());
    const count = h('p', { class: 'hint', 'aria-live': 'polite', dataset: { test: 'desk-count' } });
    const more = h('button', { type: 'button', class: 'btn btn-secondary btn-block', hidden: true, dataset: { test: 'desk-more' } }, t('bob.desk.more'));
    const status = /** @type {HTMLSelectElement} */ (
      h('select', { id: 'desk-status', name: 'status', dataset: { test: 'desk-status' } }, h('option', { value: 'open' }, t('bob.desk.statusOpen')), QUESTION_STATUSES.map((s) => h('option', { value: s }, t('bob.questionStatus.' + s))), h('option', { value: 'all' }, t('bob.desk.statusAll')))
    );
    const category = /** @type {HTMLSelectElement} */ (h('select', { id: 'desk-category', name: 'category', dataset: { test: 'desk-category' } }, h('option', { value: '' }, t('bob.desk.categoryAll')), CATEGORIES.map((c) => h('option', { value: c }, t('bob.category.' + c)))));
    const mine = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'desk-mine', dataset: { test: 'desk-mine' } }));
    const filters = h(
      'form',
      { class: 'card bob-filters', dataset: { test: 'desk-filters' }, 'aria-label': t('bob.desk.filters') },
      h('div', { class: 'field' }, h('label', { for: 'desk-status' }, t('bob.desk.status')), status),
      h('div', { class: 'field' }, h('label', { for: 'desk-category' }, t('bob.desk.category')), category),
      h('div', { class: 'field bob-check' }, mine, h('label', { for: 'desk-mine' }, t('bob.desk.mine')))
    );
    filters.addEventListener('submit', (e) => e.preventDefault());
    filters.addEventListener('change', () => {
      perPage = PAGE;
      load();
    });
    more.addEventListener('click', () => {
      perPage += PAGE;
      load();
    });

    replace(el, h('div', { class: 'page-head' }, h('h1', null, t('bob.desk.title')), h('p', { class: 'page-sub' }, t('bob.desk.intro'))), bobTabs('desk'), root);
    replace(root, filters, count, listBox, more);

    function filter() {
      const parts = [];
      if (status.value === 'open') parts.push('status != "closed"');
      else if (status.value !== 'all') parts.push(pb.filter('status = {:s}', { s: status.value }));
      if (category.value) parts.push(pb.filter('category = {:c}', { c: category.value }));
      if (mine.checked) parts.push(pb.filter('assignee = {:me}', { me: currentUser()?.id || '' }));
      return parts.join(' && ');
    }

    let reading = 0;
    async function load() {
      const current = ++reading;
      root.setAttribute('aria-busy', 'true');
      try {
        // one more than shown tells whether there are more: PocketBase's
        // total count would cost the queue more than the page itself
        const res = await pb.collection('questions').getList(1, perPage + 1, { filter: filter(), sort: '-updated', expand: QUESTION_EXPAND, skipTotal: true });
        if (live.destroyed || current !== reading) return;
        const hasMore = res.items.length > perPage;
        // those waiting too long for a first response first, each group by last activity
        const items = res.items.slice(0, perPage).sort((a, b) => Number(isFlagged(b)) - Number(isFlagged(a)));
        list.update(items);
        replace(listBox, list.el);
        count.textContent = t(hasMore ? 'bob.desk.countMore' : 'bob.desk.count', { n: items.length, flagged: items.filter(isFlagged).length });
        more.hidden = !hasMore;
        root.dataset.state = 'ready';
      } catch (err) {
        if (live.destroyed || current !== reading) return;
        root.dataset.state = 'error';
        replace(listBox, loadError(err, load));
      } finally {
        root.setAttribute('aria-busy', 'false');
      }
    }
    const reload = debounce(load, 150);
    live.mark(root, [live.on('questions', '*', reload), live.on('question_replies', '*', reload), live.onReconnect(load)]);
    load();
  }
}

/**
 * @param {any} q
 * @returns {boolean}
 */
function isFlagged(q) {
  return Boolean(q.flagged) && !q.first_response;
}
