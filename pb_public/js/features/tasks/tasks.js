// My tasks (#/tasks, also #/handovers): the handover offers waiting for my
// answer on top, then my open tasks across all my teams, overdue first.
// Offers and tasks arrive and leave live.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState, subscribe } from '../../store.js';
import { loading, loadError } from '../../components/ui.js';
import { taskCard } from './task-card.js';
import { offerCard } from './offers.js';
import { compareTasks, isOverdue, fetchOffersToMe, fetchMyPendingOffers, boardHash } from './model.js';
import { Live } from '../../live.js';
import { parseDate } from '../../format.js';
import { readThrough } from '../../offline/cache.js';
import { markOf } from '../../offline/mark.js';

/**
 * Mounts "Mijn taken".
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  const me = currentUser();
  const live = new Live();
  let destroyed = false;

  const offersEl = h('section', { class: 'offers', dataset: { test: 'offers', state: 'loading' }, 'aria-labelledby': 'offers-heading', hidden: true });
  const tasksEl = h('section', { class: 'my-tasks', dataset: { test: 'my-tasks', state: 'loading' }, 'aria-labelledby': 'my-tasks-heading', 'aria-busy': 'true' });
  const boardsEl = h('section', { class: 'card boards-links', 'aria-labelledby': 'boards-heading' });
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });

  el.append(
    h(
      'div',
      { class: 'page-head page-head-actions' },
      h('div', null, h('h1', null, t('tasks.mineTitle')), h('p', { class: 'page-sub' }, t('tasks.mineIntro'))),
      h('a', { class: 'btn btn-secondary btn-small', href: '#/handover', dataset: { test: 'shift-handover-link' } }, h('span', { class: 'icon icon-handover', 'aria-hidden': 'true' }), t('handover.short'))
    ),
    liveNotice,
    offersEl,
    tasksEl,
    boardsEl
  );

  const myTeamIds = () => getState().memberships.map((m) => m.team);
  let knownOffers = new Set();
  let firstOffers = true;

  async function loadOffers() {
    if (!me) return;
    try {
      const kept = await readThrough('tasks/offers', () => fetchOffersToMe(me.id, myTeamIds()));
      const offers = kept.value;
      if (destroyed) return;
      const fresh = offers.filter((o) => !knownOffers.has(o.id));
      if (!firstOffers && fresh.length) liveNotice.textContent = t('offers.arrived', { n: fresh.length });
      knownOffers = new Set(offers.map((o) => o.id));
      firstOffers = false;
      offersEl.hidden = offers.length === 0;
      replace(
        offersEl,
        h('h2', { id: 'offers-heading' }, t('offers.heading'), ' ', h('span', { class: 'count' }, `(${offers.length})`)),
        h('p', { class: 'hint offers-hint' }, t('offers.hint')),
        markOf(kept),
        offers.map((o) => offerCard(o, { role: 'receiver', onAnswered: () => reload(), onFailed: () => loadOffers() }))
      );
      offersEl.dataset.state = 'ready';
    } catch (err) {
      if (destroyed) return;
      offersEl.hidden = false;
      offersEl.dataset.state = 'error';
      replace(offersEl, h('h2', { id: 'offers-heading' }, t('offers.heading')), loadError(err, loadOffers));
    }
  }

  async function loadTasks() {
    if (!me) return;
    if (tasksEl.dataset.state !== 'ready') replace(tasksEl, h('h2', { id: 'my-tasks-heading', class: 'visually-hidden' }, t('tasks.mineTitle')), loading(t('tasks.loading')));
    try {
      const kept = await readThrough('tasks/mine', () =>
        Promise.all([
          pb.collection('tasks').getFullList({
            filter: pb.filter('assignee = {:me} && (status = "open" || status = "in_progress")', { me: me.id }),
            sort: 'due,created',
            expand: 'team,assignee',
          }),
          fetchMyPendingOffers(me.id),
        ])
      );
      const [tasks, mine] = kept.value;
      if (destroyed) return;
      const offerOf = new Map(mine.map((o) => [o.task, o]));
      tasks.sort(compareTasks);
      renderTasks(tasks, offerOf, markOf(kept));
      tasksEl.dataset.state = 'ready';
    } catch (err) {
      if (destroyed) return;
      tasksEl.dataset.state = 'error';
      replace(tasksEl, h('h2', { id: 'my-tasks-heading' }, t('tasks.mineTitle')), loadError(err, loadTasks));
    } finally {
      tasksEl.setAttribute('aria-busy', 'false');
    }
  }

  function renderTasks(tasks, offerOf, mark) {
    const now = new Date();
    const endOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 23, 59, 59, 999).getTime();
    const groups = [
      { key: 'overdue', items: tasks.filter((x) => isOverdue(x, now)) },
      { key: 'today', items: tasks.filter((x) => !isOverdue(x, now) && x.due && (parseDate(x.due)?.getTime() ?? Infinity) <= endOfToday) },
      { key: 'later', items: tasks.filter((x) => x.due && (parseDate(x.due)?.getTime() ?? 0) > endOfToday) },
      { key: 'noDate', items: tasks.filter((x) => !x.due) },
    ];
    replace(
      tasksEl,
      h('h2', { id: 'my-tasks-heading', class: 'visually-hidden' }, t('tasks.mineTitle')),
      mark,
      tasks.length === 0 && h('div', { class: 'state state-empty card' }, h('p', null, t('tasks.mineEmpty'))),
      groups
        .filter((g) => g.items.length)
        .map((g) =>
          h(
            'div',
            { class: ['task-group', 'task-group-' + g.key], dataset: { test: 'task-group', group: g.key } },
            h('h3', { class: 'task-group-heading' }, g.key === 'overdue' && h('span', { class: 'icon icon-alert', 'aria-hidden': 'true' }), t('tasks.groups.' + g.key), ' ', h('span', { class: 'count' }, `(${g.items.length})`)),
            h('ul', { class: 'task-list' }, g.items.map((x) => taskCard(x, { showTeam: true, showAssignee: false, showStatus: true, offer: offerOf.get(x.id) })))
          )
        )
    );
  }

  function renderBoards() {
    const memberships = getState().memberships.filter((m) => m.expand?.team);
    replace(
      boardsEl,
      h('h2', { id: 'boards-heading' }, t('tasks.boardsHeading')),
      memberships.length
        ? h(
            'ul',
            { class: 'team-list' },
            memberships.map((m) =>
              h(
                'li',
                null,
                h(
                  'a',
                  { class: 'team-link', href: boardHash(m.expand.team), dataset: { test: 'board-link', team: m.expand.team.slug } },
                  h('span', { class: 'team-link-main' }, h('span', { class: 'team-link-name' }, t('board.title', { team: m.expand.team.name })))
                )
              )
            )
          )
        : h('p', { class: 'state state-empty' }, t('teams.none'))
    );
  }

  function reload() {
    loadOffers();
    loadTasks();
  }
  const reloadSoon = debounce(reload, 150);

  renderBoards();
  const unsubscribeStore = subscribe((state, changed) => {
    if (!changed.includes('memberships')) return;
    renderBoards();
    loadOffers();
  });

  // any change to an offer or a task I can see may change these lists;
  // they are short, so read them again
  const subscribed = live.mark(tasksEl, [live.on('task_transfers', '*', reloadSoon), live.on('tasks', '*', reloadSoon), live.onReconnect(reload)]);
  // an offer made after the first read but before the subscriptions were
  // in place would be missed: once both are done, look once more
  Promise.all([loadOffers(), loadTasks(), subscribed]).then(() => destroyed || reload());

  const timer = setInterval(() => {
    // overdue is a matter of time: regroup now and then
    if (tasksEl.dataset.state === 'ready') loadTasks();
  }, 5 * 60_000);

  return () => {
    destroyed = true;
    clearInterval(timer);
    unsubscribeStore();
    live.destroy();
  };
}
