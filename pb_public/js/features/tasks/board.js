// A team's task board (#/team/<slug>/tasks): the team's tasks by status
// (Open / Bezig / Klaar) or by person, live; a form to add a task; and
// "verdelen": choose open tasks and colleagues, and the server spreads the
// tasks over them.
//
// The screen holds the state (the team, its members, the tasks loaded, the
// paging cursor, what is chosen) and its parts are components (board-*.js)
// that it tells what changed: a colleague's change to one task builds one
// column again.

import { h, replace, reveal } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, toast, announce } from '../../components/ui.js';
import { teamMembers } from './model.js';
import { Live } from '../../live.js';
import { boardColumns, DONE_SHOWN } from './board-columns.js';
import { boardPager } from './board-pager.js';
import { boardActions } from './board-actions.js';
import { boardDistribute } from './board-distribute.js';
import { boardNewTask } from './board-new-task.js';
import { boardViewSwitch } from './board-view-switch.js';
import { readThrough } from '../../offline/cache.js';
import { readTeamHead } from '../teams/team-head.js';
import { markOf } from '../../offline/mark.js';

const VIEW_KEY = 'buurtplein.boardView';
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
  const me = currentUser();
  const live = new Live();
  let destroyed = false;
  /** @type {any} */
  let team = null;
  /** @type {any[]} */
  let members = [];
  /** @type {Map<string, any>} the board's tasks by id (open, in progress, recent done) */
  const tasks = new Map();
  /** @type {Map<string, any>} the pending offers of the board's tasks, by task id */
  let offers = new Map();
  /** @type {'status'|'person'} */
  let view = localStorage.getItem(VIEW_KEY) === 'person' ? 'person' : 'status';
  let picking = false;
  /** @type {Set<string>} */
  const pickedTasks = new Set();
  /** @type {Set<string>} */
  const pickedMembers = new Set();
  /** @type {{due: string, id: string}|null} the last active task loaded, where the next page starts */
  let cursor = null;
  let more = false;
  /** @type {ReturnType<typeof boardNewTask>|null} the new-task form, while open */
  let newTask = null;
  /** @type {ReturnType<typeof boardDistribute>|null} the members to spread over, while choosing */
  let distributePanel = null;
  /** @type {Promise<boolean>|null} the live subscriptions, once asked for */
  let subscribed = null;

  const boardEl = h('section', { class: 'board', dataset: { test: 'board', team: slug, state: 'loading', view }, 'aria-busy': 'true', 'aria-labelledby': 'board-heading' });
  const formHost = h('div', { class: 'board-form' });
  const markHost = h('div', { class: 'board-offline' });
  const pickHost = h('div', { class: 'board-pick' });
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const columns = boardColumns();
  const pager = boardPager({ onMore: loadMore });
  const bar = boardActions({ onNewTask: openForm, onCloseForm: closeForm, onStartPicking: startPicking, onStopPicking: stopPicking, onDistribute: distribute });

  async function load() {
    replace(el, loading());
    try {
      // kept with the tasks: offline, the board opens as last seen
      const head = await readTeamHead(slug, me?.id || '');
      team = head.team;
      if (destroyed) return;
      document.title = `${t('board.title', { team: team.name })} · ${t('app.name')}`;
      if (!head.membership) {
        renderNotMember();
        return;
      }
      renderShell();
      // a second try after a failed read keeps the first try's subscriptions
      subscribed = subscribed || subscribeLive();
      members = (await readThrough('board/' + slug + '/members', () => teamMembers(team.id))).value;
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
    const kept = await readThrough('board/' + slug, () =>
      Promise.all([
        fetchActive(null, perPage).then((list) => list.items),
        pb.collection('tasks').getList(1, DONE_SHOWN, {
          filter: pb.filter('team = {:team} && status = "done"', { team: team.id }),
          sort: '-completed_at,-updated',
          expand: 'assignee',
          skipTotal: true,
        }),
        fetchOffers(),
      ])
    );
    const [active, done, pending] = kept.value;
    if (destroyed) return;
    replace(markHost, markOf(kept));
    offers = pending;
    tasks.clear();
    for (const task of [...active, ...done.items]) tasks.set(task.id, task);
    pageLoaded(active, perPage);
    boardEl.dataset.state = 'ready';
    boardEl.setAttribute('aria-busy', 'false');
    showBoard();
  }

  /**
   * Loads the next page of active tasks (the pager asks, one at a time).
   *
   * @returns {Promise<void>|null} null when the board cannot page now
   */
  function loadMore() {
    if (!more || !cursor || destroyed || boardEl.dataset.state !== 'ready') return null;
    return fetchActive(cursor, PAGE)
      .then((list) => {
        if (destroyed) return;
        for (const task of list.items) if (!tasks.has(task.id)) tasks.set(task.id, task);
        pageLoaded(list.items, PAGE);
        showBoard();
      })
      .catch((err) => toast(describeError(err).message, 'error'));
  }

  /**
   * Fetches the team's pending offers in one request, so each card can
   * show that its task is being handed over and to whom.
   *
   * @returns {Promise<Map<string, any>>} by task id
   */
  async function fetchOffers() {
    const list = await pb.collection('task_transfers').getFullList({
      filter: pb.filter('status = "pending" && task.team = {:team}', { team: team.id }),
      expand: 'to_user,to_team',
    });
    return new Map(list.map((o) => [o.task, o]));
  }

  function subscribeLive() {
    return live.mark(boardEl, [
      live.on('tasks', '*', onTaskEvent),
      // an accepted team handover moves a task out of this team: it then
      // sends no task event to us any more
      live.on('task_transfers', '*', (e) => {
        if (e.record.status === 'accepted') loadTasks().catch(() => {});
        // an offer made, answered or taken back: the cards say so
        else
          fetchOffers()
            .then((next) => {
              if (destroyed) return;
              offers = next;
              showBoard();
            })
            .catch(() => {});
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
      if (!had && task.created_by !== me?.id) liveNotice.textContent = t('board.newTaskLive', { title: task.title });
      else if (had && had.assignee !== task.assignee) liveNotice.textContent = t('board.reassigned', { title: task.title, name: task.expand?.assignee?.name || t('tasks.openForTeam') });
    }
    const before = pickedTasks.size;
    pickedTasks.forEach((id) => {
      const x = tasks.get(id);
      if (!x || x.status !== 'open' || x.assignee) pickedTasks.delete(id);
    });
    showBoard();
    if (pickedTasks.size !== before) showBar();
  }

  function renderShell() {
    const toggle = boardViewSwitch(view, (v) => {
      view = v;
      localStorage.setItem(VIEW_KEY, v);
      showBoard();
    });
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
      markHost,
      formHost,
      pickHost,
      boardEl,
      bar.el
    );
    showBar();
  }

  function openForm() {
    if (newTask) {
      reveal(formHost, newTask.form.querySelector('input[name=title]'));
      return;
    }
    stopPicking();
    newTask = boardNewTask({
      team,
      members,
      onSaved: (task) => {
        tasks.set(task.id, task);
        showBoard();
        closeForm();
        announce(t('taskForm.created', { title: task.title }));
      },
      onCancel: closeForm,
    });
    replace(formHost, newTask.el);
    showBar();
    reveal(formHost, newTask.form.querySelector('input[name=title]'));
  }

  function closeForm() {
    newTask = null;
    replace(formHost);
    showBar();
  }

  function startPicking() {
    closeForm();
    picking = true;
    pickedTasks.clear();
    distributePanel = boardDistribute({
      members,
      picked: pickedMembers,
      loadOf,
      onChange: (userId, on) => {
        if (on) pickedMembers.add(userId);
        else pickedMembers.delete(userId);
        showBar();
      },
    });
    replace(pickHost, distributePanel.el);
    showBoard();
    showBar();
    reveal(pickHost);
  }

  function stopPicking() {
    picking = false;
    pickedTasks.clear();
    distributePanel = null;
    replace(pickHost);
    showBoard();
    showBar();
  }

  /** The number of open and in-progress tasks a member has here. */
  function loadOf(userId) {
    let n = 0;
    for (const x of tasks.values()) if (x.assignee === userId && (x.status === 'open' || x.status === 'in_progress')) n++;
    return n;
  }

  async function distribute() {
    const panel = distributePanel;
    if (!pickedTasks.size || !pickedMembers.size) {
      panel?.error(t('board.distributeChoose'));
      return;
    }
    panel?.error('');
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
      if (panel) panel.error(describeError(err).message);
      else toast(describeError(err).message, 'error');
    }
  }

  function showBar() {
    if (picking) bar.update({ mode: 'pick', tasks: pickedTasks.size, members: pickedMembers.size });
    else if (newTask) bar.update({ mode: 'form', formId: newTask.form.id });
    else bar.update({ mode: 'idle' });
  }

  /** Tells the columns, the pager and the distribute panel what the board holds now. */
  function showBoard() {
    if (!team || boardEl.dataset.state !== 'ready') return;
    boardEl.dataset.view = view;
    columns.update({
      view,
      tasks: [...tasks.values()],
      members,
      me: me?.id || '',
      more,
      offers,
      pick: {
        picking,
        picked: pickedTasks,
        onToggle: (taskId, on) => {
          if (on) pickedTasks.add(taskId);
          else pickedTasks.delete(taskId);
          showBoard();
          showBar();
        },
      },
    });
    // the board held an error before (a failed first read): its parts come back
    if (columns.nodes[0].parentNode !== boardEl) replace(boardEl, columns.nodes);
    pager.update(more);
    boardEl.dataset.more = String(more);
    if (more && pager.el.parentNode !== boardEl) boardEl.append(pager.el);
    else if (!more) pager.el.remove();
    // the open load per member changes with the board
    distributePanel?.loads(loadOf);
  }

  load();
  return () => {
    destroyed = true;
    pager.destroy();
    live.destroy();
  };
}
