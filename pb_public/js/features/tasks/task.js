// One task (#/tasks/<id>): its fields (all editable), the checklist to tick,
// the status buttons (Start / Klaar / Annuleren), the handover offer
// ("Overdragen" to a colleague or another team, and cancelling my pending
// offer), and its history. Changes by colleagues arrive live.
//
// The screen holds the state (the task, its pending offer, its history,
// the team's members) and each part of it is a component (task-*.js) that
// it tells what changed: a colleague's new history line touches the
// history only, a tick in the checklist leaves an open edit form alone.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState } from '../../store.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, toast, announce } from '../../components/ui.js';
import { roleIn } from './offers.js';
import { teamMembers, repeatLabel, isActive, boardHash } from './model.js';
import { Live } from '../../live.js';
import { taskHead } from './task-head.js';
import { taskOffer } from './task-offer.js';
import { taskFacts } from './task-facts.js';
import { taskChecklist } from './task-checklist.js';
import { taskEdit } from './task-edit.js';
import { taskHandoverForm } from './task-handover-form.js';
import { taskHistory } from './task-history.js';
import { taskActions } from './task-actions.js';
import { submit as sendWrite } from '../../offline/outbox.js';
import { confirmDialog } from '../../components/dialog.js';

/** History lines per page, newest first. */
const HISTORY_PAGE = 50;

/** What the server expands on a task for this screen. */
const TASK_EXPAND = 'team,assignee,created_by';

/**
 * Mounts a task's page.
 *
 * @param {HTMLElement} el the screen container
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const me = currentUser();
  const live = new Live();
  let destroyed = false;
  /** @type {any} */
  let task = null;
  /** @type {any[]} */
  let members = [];
  /** @type {any|null} the pending offer of this task, if any */
  let offer = null;
  /** @type {any[]} the history loaded, oldest first: the newest lines, a page at a time */
  let events = [];
  /** there is history before the oldest line loaded */
  let olderEvents = false;
  /** @type {Promise<any[]>|null} all teams, for a handover to another team (read when first needed) */
  let teams = null;
  let busy = false;
  let subscribed = false;

  const root = h('article', { class: 'task-page', dataset: { test: 'task', id, state: 'loading' } });
  const actionError = errorLine();
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  // the parts that need the members are made once they are read (load)
  const head = taskHead();
  const offerPart = taskOffer({
    onAnswered: async () => {
      try {
        const [nextTask, nextOffer] = await Promise.all([fetchTask(), fetchOffer()]);
        if (destroyed) return;
        setOffer(nextOffer);
        setTask(nextTask);
      } catch (err) {
        if (!destroyed) replace(el, notFoundOr(err));
      }
    },
    onFailed: async () => {
      // someone else answered first (409): show the offer as it is now; the
      // same offer keeps its card, with the reason on it
      const now = await fetchOffer().catch(() => offer);
      if (!destroyed && now?.id !== offer?.id) setOffer(now);
    },
  });
  const facts = taskFacts({ onTake: () => patch({ assignee: me?.id }, t('task.taken')) });
  const checklist = taskChecklist({
    onChange: async (items) => {
      const saved = await pb.collection('tasks').update(task.id, { checklist: items });
      if (!destroyed) setTask({ ...saved, expand: task.expand }, { keepForms: true });
    },
  });
  const actions = taskActions({ me: me?.id || '', onAction: act });
  /** @type {ReturnType<typeof taskEdit>} */
  let edit;
  /** @type {ReturnType<typeof taskHandoverForm>} */
  let handover;
  /** @type {ReturnType<typeof taskHistory>} */
  let history;

  async function load() {
    replace(el, loading());
    try {
      task = await fetchTask();
      [members, offer, events] = await Promise.all([teamMembers(task.team), fetchOffer(), fetchEvents()]);
    } catch (err) {
      if (destroyed) return;
      replace(el, notFoundOr(err));
      return;
    }
    if (destroyed) return;
    const byId = new Map(members.map((u) => [u.id, u]));
    edit = taskEdit({ members, onSaved: (saved) => setTask(saved), onDelete: deleteTask });
    handover = taskHandoverForm({ members, me: me?.id || '', teams: allTeams, onOffered: async () => setOffer(await fetchOffer()) });
    history = taskHistory({ nameOf: (userId) => byId.get(userId)?.name || '', onMore: loadOlderEvents });
    replace(el, root);
    replace(root, head.el, liveNotice, offerPart.el, facts.el, checklist.el, edit.el, handover.el, history.el, actionError, actions.el);
    root.dataset.state = 'ready';
    setTask(task);
    setOffer(offer);
    history.update(events, olderEvents);
    // a second try (after a failed read) keeps the first one's subscriptions
    if (!subscribed) subscribeLive();
  }

  /**
   * Shows a task in every part that shows it; each part rebuilds only when
   * what it shows changed.
   *
   * @param {any} next
   * @param {{keepForms?: boolean}} [opts] keep an open edit or handover form as it is
   */
  function setTask(next, opts = {}) {
    task = next;
    root.dataset.status = task.status;
    document.title = `${task.title} · ${t('app.name')}`;
    head.update(task);
    facts.update(task);
    checklist.update(task);
    edit.update(task, canDelete(), { keepOpen: opts.keepForms });
    handover.update(task, canHandOver(), { keepOpen: opts.keepForms });
    actions.update(task);
  }

  /**
   * Shows the pending offer (or none), and the handover form only without
   * one.
   *
   * @param {any|null} next
   */
  function setOffer(next) {
    offer = next;
    offerPart.update(offer, offer ? roleIn(offer, getState().memberships.map((m) => m.team)) : 'viewer');
    if (task) handover.update(task, canHandOver(), { keepOpen: true });
  }

  function notFoundOr(err) {
    if (err?.status === 404 || err?.status === 403) {
      return h(
        'div',
        { class: 'state state-empty', dataset: { test: 'task-missing' } },
        h('h1', null, t('task.notFoundTitle')),
        h('p', null, t('task.notFound')),
        h('a', { href: '#/tasks', class: 'btn btn-secondary' }, t('tasks.mineTitle'))
      );
    }
    return loadError(err, load);
  }

  function fetchTask() {
    return pb.collection('tasks').getOne(id, { expand: TASK_EXPAND });
  }

  async function fetchOffer() {
    const list = await pb.collection('task_transfers').getList(1, 1, {
      filter: pb.filter('task = {:task} && status = "pending"', { task: id }),
      expand: 'from_user,to_user,to_team',
      skipTotal: true,
    });
    return list.items[0] || null;
  }

  /** @returns {Promise<any[]>} every team, read once */
  function allTeams() {
    teams = teams || pb.collection('teams').getFullList({ sort: 'name' });
    // a failed read is tried again the next time
    teams.catch(() => (teams = null));
    return teams;
  }

  /**
   * Fetches the newest history lines: a page, or as many as are shown
   * already when the screen reloads them. Sets olderEvents.
   *
   * @returns {Promise<any[]>} oldest first
   */
  async function fetchEvents() {
    const perPage = Math.min(1000, Math.max(HISTORY_PAGE, events.length));
    const list = await fetchEventsBefore(null, perPage);
    olderEvents = list.length === perPage;
    return list.reverse();
  }

  /**
   * Fetches history lines newest first, before a line (keyset paging on
   * created, id: what is added meanwhile shifts nothing).
   *
   * @param {any|null} before
   * @param {number} perPage
   * @returns {Promise<any[]>}
   */
  async function fetchEventsBefore(before, perPage) {
    let filter = pb.filter('task = {:task}', { task: id });
    if (before) filter += ' && ' + pb.filter('created <= {:created} && (created < {:created} || id < {:id})', { created: before.created, id: before.id });
    const list = await pb.collection('task_events').getList(1, perPage, { filter, sort: '-created,-id', expand: 'actor', skipTotal: true });
    return list.items;
  }

  /** Loads a page of earlier history (its button shows a failure). */
  async function loadOlderEvents() {
    if (!events.length) return;
    const older = await fetchEventsBefore(events[0], HISTORY_PAGE);
    if (destroyed) return;
    olderEvents = older.length === HISTORY_PAGE;
    const known = new Set(events.map((x) => x.id));
    events = [...older.filter((x) => !known.has(x.id)).reverse(), ...events];
    history.update(events, olderEvents);
  }

  function subscribeLive() {
    subscribed = true;
    const subscriptions = [];
    subscriptions.push(live.on('tasks', id, async (e) => {
      if (e.action === 'delete') {
        toast(t('task.deletedBySomeone'));
        location.hash = boardHash(task.expand?.team || { slug: '' });
        return;
      }
      let next = { ...e.record, expand: { ...task.expand, ...e.record.expand } };
      if (e.record.assignee !== task.assignee) {
        // the realtime record does not carry the new assignee's name
        try {
          next = await fetchTask();
        } catch {
          // keep what we have
        }
      }
      if (destroyed) return;
      liveNotice.textContent = t('task.updatedLive');
      setTask(next, { keepForms: true });
    }));
    subscriptions.push(live.on('task_transfers', '*', async (e) => {
      if (e.record.task !== id) return;
      let next = offer;
      let nextTask = task;
      try {
        next = await fetchOffer();
        if (e.record.status === 'accepted') nextTask = await fetchTask();
      } catch (err) {
        // accepted by another team: the task is no longer ours to see
        if (err?.status === 404 || err?.status === 403) {
          replace(el, h('div', { class: 'state state-empty card', dataset: { test: 'task-moved' } }, h('h1', null, t('task.movedTitle')), h('p', null, t('task.moved')), h('a', { href: '#/tasks', class: 'btn btn-secondary' }, t('tasks.mineTitle'))));
          live.destroy();
          return;
        }
      }
      if (destroyed) return;
      setOffer(next);
      setTask(nextTask, { keepForms: true });
    }));
    subscriptions.push(live.on('task_events', '*', (e) => {
      if (e.record.task !== id || e.action !== 'create' || events.some((x) => x.id === e.record.id)) return;
      events.push(e.record);
      history.update(events, olderEvents);
    }));
    subscriptions.push(live.onReconnect(async () => {
      try {
        const [nextTask, nextOffer, nextEvents] = await Promise.all([fetchTask(), fetchOffer(), fetchEvents()]);
        if (destroyed) return;
        events = nextEvents;
        setOffer(nextOffer);
        setTask(nextTask, { keepForms: true });
        history.update(events, olderEvents);
      } catch {
        // the next reconnect tries again
      }
    }));
    live.mark(root, subscriptions);
  }

  /** The creator and the team's coordinators may delete a task. */
  function canDelete() {
    const coordinator = getState().memberships.some((m) => m.team === task.team && m.role === 'coordinator');
    return task.created_by === me?.id || coordinator;
  }

  function canHandOver() {
    return isActive(task) && !offer;
  }

  /** @param {import('./task-actions.js').TaskAction} action */
  function act(action) {
    switch (action) {
      case 'start':
        return patch(task.assignee ? { status: 'in_progress' } : { status: 'in_progress', assignee: me?.id }, t('task.started'));
      case 'stop':
        return patch({ status: 'open' }, t('task.stopped'));
      case 'reopen':
        return patch({ status: 'open' }, t('task.reopened'));
      case 'done':
        return patch({ status: 'done' }, task.repeat ? t('task.doneRepeats', { repeat: repeatLabel(task).toLowerCase() }) : t('task.done'));
      case 'cancel':
        confirmDialog({
          title: t('a11y.cancelTask'),
          body: t('task.confirmCancel', { title: task.title }),
          yes: t('a11y.cancelTaskYes'),
          no: t('a11y.keepTask'),
          test: 'task-cancel-confirm',
          onYes: () => patch({ status: 'cancelled' }, t('task.cancelled')),
        });
        return;
    }
  }

  async function patch(data, message) {
    if (busy) return;
    busy = true;
    actions.busy(true);
    showError(actionError, '');
    try {
      const outcome = await sendWrite({ kind: 'task', collection: 'tasks', op: 'update', target: task.id, data, expand: TASK_EXPAND, label: task.title, link: '#/tasks/' + task.id });
      if (destroyed) return;
      // no connection: the change waits in the outbox; shown as made
      const saved = outcome.queued ? { ...task, ...data } : outcome.record;
      if (outcome.queued) message = t('outbox.queued.task');
      toast(message);
      announce(message);
      setTask(saved, { keepForms: true });
    } catch (err) {
      showError(actionError, describeError(err, 'changeTask').message);
    } finally {
      busy = false;
      actions.busy(false);
    }
  }

  function deleteTask() {
    confirmDialog({
      title: t('task.deleteTask'),
      body: t('task.confirmDelete', { title: task.title }),
      yes: t('task.actions.delete'),
      test: 'task-delete-confirm',
      onYes: async () => {
        try {
          await pb.collection('tasks').delete(task.id);
        } catch (err) {
          throw new Error(describeError(err, 'deleteTask').message);
        }
        toast(t('task.deleted'));
        location.hash = boardHash(task.expand?.team || { slug: '' });
      },
    });
  }

  load();
  return () => {
    destroyed = true;
    live.destroy();
  };
}
