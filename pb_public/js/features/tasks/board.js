// A team's task board (#/team/<slug>/tasks): the team's tasks by status
// (Open / Bezig / Klaar) or by person, live; a form to add a task; and
// "verdelen": choose open tasks and colleagues, and the server spreads the
// tasks over them.

import { h, replace, reveal } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, toast, announce } from '../../components/ui.js';
import { taskCard } from './task-card.js';
import { createTaskForm } from './task-form.js';
import { compareTasks, teamMembers, isOverdue } from './model.js';
import { Live } from '../../live.js';

const VIEW_KEY = 'buurtplein.boardView';
const DONE_SHOWN = 20;
/** Active tasks per page: the server reads one page of its index and stops. */
const PAGE = 100;

/**
 * Mounts a team's task board.
 *
 * @param {HTMLElement} el the screen container
 * @param {{slug: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { slug }) {
  const live = new Live();
  let destroyed = false;
  /** @type {any} */
  let team = null;
  /** @type {any[]} */
  let members = [];
  /** @type {Map<string, any>} the board's tasks by id (open, in progress, recent done) */
  const tasks = new Map();
  let view = localStorage.getItem(VIEW_KEY) === 'person' ? 'person' : 'status';
  let picking = false;
  /** @type {Set<string>} */
  const pickedTasks = new Set();
  /** @type {Set<string>} */
  const pickedMembers = new Set();
  /** @type {{due: string, id: string}|null} the last active task loaded, where the next page starts */
  let cursor = null;
  let more = false;
  /** @type {Promise<void>|null} */
  let loadingMore = null;

  const boardEl = h('section', { class: 'board', dataset: { test: 'board', team: slug, state: 'loading', view }, 'aria-busy': 'true', 'aria-labelledby': 'board-heading' });
  const formHost = h('div', { class: 'board-form' });
  const pickHost = h('div', { class: 'board-pick' });
  const bar = h('div', { class: 'action-bar' });
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const moreButton = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'board-more' }, on: { click: () => loadMore() } }, t('board.more'));
  const moreHost = h('div', { class: 'board-more' }, moreButton);
  // the next page loads when the end of the board scrolls into view
  let moreInView = false;
  const moreObserver = new IntersectionObserver((entries) => {
    moreInView = entries.some((e) => e.isIntersecting);
    if (moreInView) loadMore();
  }, { rootMargin: '0px 0px 400px 0px' });
  moreObserver.observe(moreHost);

  async function load() {
    replace(el, loading());
    try {
      team = await pb.collection('teams').getFirstListItem(pb.filter('slug = {:slug}', { slug }));
      const me = currentUser();
      const mine = await pb.collection('memberships').getList(1, 1, {
        filter: pb.filter('team = {:team} && user = {:user}', { team: team.id, user: me?.id || '' }),
        skipTotal: true,
      });
      if (destroyed) return;
      document.title = `${t('board.title', { team: team.name })} · ${t('app.name')}`;
      if (!mine.items.length) {
        renderNotMember();
        return;
      }
      renderShell();
      const subscribed = subscribeLive();
      members = await teamMembers(team.id);
      await loadTasks();
      // a change made after the first read but before the subscriptions
      // were in place would be missed: look once more
      subscribed.then(() => destroyed || loadTasks().catch(() => {}));
    } catch (err) {
      if (destroyed) return;
      if (err?.status === 404) {
        replace(el, h('div', { class: 'state state-empty' }, h('h1', null, t('team.notFoundTitle')), h('p', null, t('team.notFound', { slug })), h('a', { href: '#/teams', class: 'btn btn-secondary' }, t('team.allTeams'))));
      } else if (boardEl.isConnected) {
        boardEl.dataset.state = 'error';
        replace(boardEl, loadError(err, load));
      } else {
        replace(el, loadError(err, load));
      }
    }
  }

  function renderNotMember() {
    replace(
      el,
      h('div', { class: 'page-head' }, h('h1', null, t('board.title', { team: team.name }))),
      h(
        'section',
        { class: 'board', dataset: { test: 'board', team: slug, state: 'not-member' } },
        h('div', { class: 'card notice', dataset: { test: 'not-member' } }, h('h2', null, t('team.notMemberTitle')), h('p', null, t('board.notMember', { team: team.name })))
      )
    );
  }

  /**
   * Fetches active tasks of the team in the board's order (due, then id),
   * after a task (keyset paging: a page costs the same however deep, and a
   * task finished meanwhile shifts nothing).
   *
   * @param {{due: string, id: string}|null} after
   * @param {number} perPage
   */
  function fetchActive(after, perPage) {
    let filter = pb.filter('team = {:team} && active = true', { team: team.id });
    if (after) filter += ' && ' + pb.filter('due >= {:due} && (due > {:due} || id > {:id})', after);
    return pb.collection('tasks').getList(1, perPage, { filter, sort: 'due,id', expand: 'assignee', skipTotal: true });
  }

  /** @param {any[]} items a page of active tasks, as asked for perPage */
  function pageLoaded(items, perPage) {
    const last = items[items.length - 1];
    if (last) cursor = { due: last.due || '', id: last.id };
    more = items.length === perPage;
  }

  async function loadTasks() {
    // a reload keeps what was scrolled into view (up to PocketBase's 1,000)
    let loaded = 0;
    for (const x of tasks.values()) if (x.status === 'open' || x.status === 'in_progress') loaded++;
    const perPage = Math.min(1000, Math.max(PAGE, Math.ceil(loaded / PAGE) * PAGE));
    const [active, done] = await Promise.all([
      fetchActive(null, perPage).then((list) => list.items),
      pb.collection('tasks').getList(1, DONE_SHOWN, {
        filter: pb.filter('team = {:team} && status = "done"', { team: team.id }),
        sort: '-completed_at,-updated',
        expand: 'assignee',
        skipTotal: true,
      }),
    ]);
    if (destroyed) return;
    tasks.clear();
    for (const task of [...active, ...done.items]) tasks.set(task.id, task);
    pageLoaded(active, perPage);
    boardEl.dataset.state = 'ready';
    boardEl.setAttribute('aria-busy', 'false');
    renderBoard();
  }

  /** Loads the next page of active tasks, once at a time. */
  function loadMore() {
    if (!more || !cursor || loadingMore || destroyed || boardEl.dataset.state !== 'ready') return loadingMore;
    moreButton.disabled = true;
    moreButton.textContent = t('board.moreLoading');
    loadingMore = fetchActive(cursor, PAGE)
      .then((list) => {
        if (destroyed) return;
        for (const task of list.items) if (!tasks.has(task.id)) tasks.set(task.id, task);
        pageLoaded(list.items, PAGE);
        renderBoard();
      })
      .catch((err) => toast(describeError(err).message, 'error'))
      .finally(() => {
        loadingMore = null;
        moreButton.disabled = false;
        moreButton.textContent = t('board.more');
        // still at the end (a short page, a tall screen): the next one
        if (moreInView && more && !destroyed) requestAnimationFrame(() => loadMore());
      });
    return loadingMore;
  }

  function subscribeLive() {
    return live.mark(boardEl, [
      live.on('tasks', '*', onTaskEvent, { expand: 'assignee' }),
      // an accepted team handover moves a task out of this team: it then
      // sends no task event to us any more
      live.on('task_transfers', '*', (e) => {
        if (e.record.status === 'accepted') loadTasks().catch(() => {});
      }),
      live.onReconnect(() => loadTasks().catch(() => {})),
    ]);
  }

  function onTaskEvent(e) {
    const task = e.record;
    const had = tasks.get(task.id);
    if (e.action === 'delete' || task.team !== team.id || task.status === 'cancelled') {
      if (!had) return;
      tasks.delete(task.id);
    } else {
      tasks.set(task.id, task);
      const me = currentUser();
      if (!had && task.created_by !== me?.id) liveNotice.textContent = t('board.newTaskLive', { title: task.title });
      else if (had && had.assignee !== task.assignee) liveNotice.textContent = t('board.reassigned', { title: task.title, name: task.expand?.assignee?.name || t('tasks.openForTeam') });
    }
    pickedTasks.forEach((id) => {
      const x = tasks.get(id);
      if (!x || x.status !== 'open' || x.assignee) pickedTasks.delete(id);
    });
    renderBoard();
  }

  function renderShell() {
    const toggle = h(
      'fieldset',
      { class: 'segmented view-toggle', dataset: { test: 'board-view' } },
      h('legend', { class: 'visually-hidden' }, t('board.viewLabel')),
      ['status', 'person'].map((v) =>
        h(
          'label',
          { class: 'segment' },
          h('input', {
            type: 'radio',
            name: 'view',
            value: v,
            checked: view === v,
            on: {
              change: () => {
                view = v;
                localStorage.setItem(VIEW_KEY, v);
                renderBoard();
              },
            },
          }),
          h('span', null, t('board.view.' + v))
        )
      )
    );
    replace(
      el,
      h(
        'div',
        { class: 'page-head' },
        h('p', { class: 'crumbs' }, h('a', { href: '#/team/' + encodeURIComponent(team.slug) }, team.name), ' · ', h('a', { href: '#/tasks' }, t('tasks.mineTitle'))),
        h('h1', { id: 'board-heading' }, t('board.title', { team: team.name }))
      ),
      h('div', { class: 'board-tools' }, toggle),
      liveNotice,
      formHost,
      pickHost,
      boardEl,
      bar
    );
    renderBar();
  }

  function openForm() {
    if (formHost.firstChild) {
      reveal(formHost, formHost.querySelector('input[name=title]'));
      return;
    }
    stopPicking();
    const form = createTaskForm({
      team,
      members,
      onSaved: (task) => {
        tasks.set(task.id, task);
        renderBoard();
        closeForm();
        announce(t('taskForm.created', { title: task.title }));
      },
      onCancel: closeForm,
    });
    replace(formHost, h('section', { class: 'card', 'aria-labelledby': 'new-task-heading' }, h('h2', { id: 'new-task-heading' }, t('board.newTaskHeading')), form));
    renderBar();
    reveal(formHost, form.querySelector('input[name=title]'));
  }

  function closeForm() {
    replace(formHost);
    renderBar();
  }

  function startPicking() {
    closeForm();
    picking = true;
    pickedTasks.clear();
    renderPick();
    renderBoard();
    renderBar();
    reveal(pickHost);
  }

  function stopPicking() {
    picking = false;
    pickedTasks.clear();
    replace(pickHost);
    renderBoard();
    renderBar();
  }

  function renderPick() {
    if (!picking) {
      replace(pickHost);
      return;
    }
    const error = errorLine();
    replace(
      pickHost,
      h(
        'section',
        { class: 'card distribute', dataset: { test: 'distribute-panel' }, 'aria-labelledby': 'distribute-heading' },
        h('h2', { id: 'distribute-heading' }, t('board.distributeHeading')),
        h('p', { class: 'hint' }, t('board.distributeHint')),
        h(
          'fieldset',
          { class: 'member-picks' },
          h('legend', { class: 'label' }, t('board.distributeMembers')),
          members.map((u) =>
            h(
              'label',
              { class: 'member-pick' },
              h('input', {
                type: 'checkbox',
                name: 'member',
                value: u.id,
                checked: pickedMembers.has(u.id),
                dataset: { test: 'distribute-member' },
                on: {
                  change: (e) => {
                    if (e.target.checked) pickedMembers.add(u.id);
                    else pickedMembers.delete(u.id);
                    renderBar();
                  },
                },
              }),
              h('span', null, u.name || '?', ' ', h('span', { class: 'member-sub' }, t('board.openLoad', { n: loadOf(u.id) })))
            )
          )
        ),
        error
      )
    );
  }

  /** The number of open and in-progress tasks a member has here. */
  function loadOf(userId) {
    let n = 0;
    for (const x of tasks.values()) if (x.assignee === userId && (x.status === 'open' || x.status === 'in_progress')) n++;
    return n;
  }

  async function distribute(button) {
    const error = /** @type {HTMLElement|null} */ (pickHost.querySelector('.form-error'));
    if (!pickedTasks.size || !pickedMembers.size) {
      if (error) showError(error, t('board.distributeChoose'));
      return;
    }
    button.disabled = true;
    if (error) showError(error, '');
    try {
      const res = await pb.send('/api/buurtplein/tasks/distribute', {
        method: 'POST',
        body: { team: team.id, tasks: [...pickedTasks], members: [...pickedMembers] },
      });
      const assigned = Array.isArray(res?.assigned) ? res.assigned : [];
      const byId = new Map(members.map((u) => [u.id, u]));
      for (const a of assigned) {
        const task = tasks.get(a.task);
        if (task) tasks.set(a.task, { ...task, assignee: a.assignee, expand: { ...(task.expand || {}), assignee: byId.get(a.assignee) } });
      }
      const message = t('board.distributed', { n: assigned.length });
      toast(message);
      announce(message);
      stopPicking();
    } catch (err) {
      if (error) showError(error, describeError(err).message);
      else toast(describeError(err).message, 'error');
    } finally {
      button.disabled = false;
    }
  }

  function renderBar() {
    if (picking) {
      const go = h(
        'button',
        { type: 'button', class: 'btn btn-primary', dataset: { test: 'distribute-submit' }, disabled: !pickedTasks.size || !pickedMembers.size },
        t('board.distribute')
      );
      go.addEventListener('click', () => distribute(go));
      replace(bar, h('span', { class: 'action-bar-note', 'aria-live': 'polite' }, t('board.picked', { n: pickedTasks.size }), ' · ', t('board.pickedMembers', { n: pickedMembers.size })), h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'distribute-stop' }, on: { click: stopPicking } }, t('common.cancel')), go);
      return;
    }
    const form = formHost.querySelector('form');
    if (form) {
      // the form's own buttons are at its end; these are within thumb reach
      replace(
        bar,
        h('button', { type: 'button', class: 'btn btn-secondary', on: { click: closeForm } }, t('common.cancel')),
        h('button', { type: 'submit', form: form.id, class: 'btn btn-primary', dataset: { test: 'task-create' } }, t('taskForm.create'))
      );
      return;
    }
    replace(
      bar,
      h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'distribute' }, on: { click: startPicking } }, t('board.distribute')),
      h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'new-task' }, 'aria-expanded': formHost.firstChild ? 'true' : 'false', on: { click: openForm } }, '+ ', t('board.newTask'))
    );
  }

  function card(task, opts) {
    // the server spreads only tasks that are open for the team
    const pickable = picking && task.status === 'open' && !task.assignee;
    return taskCard(task, {
      ...opts,
      pick: pickable
        ? {
            selected: pickedTasks.has(task.id),
            onToggle: (on) => {
              if (on) pickedTasks.add(task.id);
              else pickedTasks.delete(task.id);
              renderBoard();
              renderBar();
            },
          }
        : null,
    });
  }

  function column(key, heading, list, opts, extra) {
    return h(
      'section',
      { class: ['board-column', 'board-column-' + key], dataset: { test: view === 'status' ? 'board-column' : 'board-group', [view === 'status' ? 'status' : 'user']: key } },
      h('h2', { class: 'board-column-heading' }, heading, ' ', h('span', { class: 'count' }, `(${list.length})`)),
      list.length ? h('ul', { class: 'task-list' }, list.map((x) => card(x, opts))) : h('p', { class: 'board-empty' }, t('board.emptyColumn')),
      extra
    );
  }

  function renderBoard() {
    if (!team || boardEl.dataset.state !== 'ready') return;
    boardEl.dataset.view = view;
    // keep focus on a checkbox that is re-rendered
    const focused = /** @type {HTMLElement|null} */ (document.activeElement);
    const focusedPick = focused?.matches?.('input[name=task]') ? /** @type {HTMLInputElement} */ (focused).value : '';
    const all = [...tasks.values()];
    const sorted = all.filter((x) => x.status !== 'done').sort(compareTasks);
    const done = all.filter((x) => x.status === 'done').sort((a, b) => String(b.completed_at || b.updated).localeCompare(String(a.completed_at || a.updated)));
    const overdue = sorted.filter((x) => isOverdue(x)).length;

    const summary = h(
      'p',
      { class: 'board-summary' },
      more ? t('board.summaryMore', { n: sorted.length }) : t('board.summary', { n: sorted.length }),
      overdue > 0 && h('span', { class: 'due due-overdue' }, ' ', h('span', { class: 'icon icon-alert', 'aria-hidden': 'true' }), t('board.overdueCount', { n: overdue }))
    );

    let columns;
    if (view === 'status') {
      columns = [
        column('open', t('tasks.status.open'), sorted.filter((x) => x.status === 'open'), { showAssignee: true }),
        column('in_progress', t('tasks.status.in_progress'), sorted.filter((x) => x.status === 'in_progress'), { showAssignee: true }),
        column('done', t('tasks.status.done'), done, { showAssignee: true }, done.length >= DONE_SHOWN ? h('p', { class: 'hint' }, t('board.doneLimited', { n: DONE_SHOWN })) : null),
      ];
    } else {
      const ids = new Set(members.map((u) => u.id));
      // someone who left the team may still hold tasks until the server returns them
      const others = [...new Map(sorted.filter((x) => x.assignee && !ids.has(x.assignee)).map((x) => [x.assignee, x.expand?.assignee || { id: x.assignee, name: '?' }])).values()];
      const me = currentUser();
      const people = [...members.filter((u) => u.id === me?.id), ...members.filter((u) => u.id !== me?.id), ...others];
      columns = [
        column('', t('tasks.openForTeam'), sorted.filter((x) => !x.assignee), { showAssignee: false, showStatus: true }),
        ...people.map((u) => column(u.id, u.id === me?.id ? t('board.you', { name: u.name || '' }) : u.name || '?', sorted.filter((x) => x.assignee === u.id), { showAssignee: false, showStatus: true })),
      ];
    }
    boardEl.dataset.more = String(more);
    replace(boardEl, h('h2', { class: 'visually-hidden' }, t('board.view.' + view)), summary, h('div', { class: ['board-columns', 'board-' + view] }, columns), more && moreHost);
    if (focusedPick) /** @type {HTMLElement|null} */ (boardEl.querySelector(`input[name=task][value="${CSS.escape(focusedPick)}"]`))?.focus({ preventScroll: true });
    if (picking) {
      // the open load per member changes with the board
      for (const label of pickHost.querySelectorAll('.member-pick')) {
        const input = /** @type {HTMLInputElement} */ (label.querySelector('input'));
        const sub = label.querySelector('.member-sub');
        if (sub) sub.textContent = t('board.openLoad', { n: loadOf(input.value) });
      }
    }
  }

  load();
  return () => {
    destroyed = true;
    moreObserver.disconnect();
    live.destroy();
  };
}
