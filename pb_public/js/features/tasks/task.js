// One task (#/tasks/<id>): its fields (all editable), the checklist to tick,
// the status buttons (Start / Klaar / Annuleren), the handover offer
// ("Overdragen" to a colleague or another team, and cancelling my pending
// offer), and its history. Changes by colleagues arrive live.

import { h, replace } from '../../dom.js';
import { t, has } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState } from '../../store.js';
import { describeError } from '../../errors.js';
import { avatar, loading, loadError, errorLine, showError, markFields, toast, announce } from '../../components/ui.js';
import { statusBadge, priorityBadge, dueBadge } from './task-card.js';
import { createTaskForm } from './task-form.js';
import { offerCard, roleIn } from './offers.js';
import { teamMembers, checklistOf, repeatLabel, isActive, boardHash, formatDue } from './model.js';
import { Live } from '../../live.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';

/** History lines per page, newest first. */
const HISTORY_PAGE = 50;

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
  /** @type {any[]|null} all teams, for a handover to another team (read when first needed) */
  let teams = null;
  let busy = false;

  const root = h('article', { class: 'task-page', dataset: { test: 'task', id, state: 'loading' } });
  const headHost = h('div');
  const offerHost = h('div', { class: 'task-offer-host' });
  const factsHost = h('div');
  const checklistHost = h('div');
  const editHost = h('div');
  const handoverHost = h('div');
  const historyHost = h('section', { class: 'card history', dataset: { test: 'task-history' }, 'aria-labelledby': 'history-heading' });
  const bar = h('div', { class: 'action-bar', dataset: { test: 'task-actions' } });
  const actionError = errorLine();
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });

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
    replace(el, root);
    replace(root, headHost, liveNotice, offerHost, factsHost, checklistHost, editHost, handoverHost, historyHost, actionError, bar);
    root.dataset.state = 'ready';
    renderAll();
    subscribeLive();
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
    return pb.collection('tasks').getOne(id, { expand: 'team,assignee,created_by' });
  }

  async function fetchOffer() {
    const list = await pb.collection('task_transfers').getList(1, 1, {
      filter: pb.filter('task = {:task} && status = "pending"', { task: id }),
      expand: 'from_user,to_user,to_team',
      skipTotal: true,
    });
    return list.items[0] || null;
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

  /** @param {HTMLButtonElement} button */
  async function loadOlderEvents(button) {
    if (!events.length) return;
    button.disabled = true;
    try {
      const older = await fetchEventsBefore(events[0], HISTORY_PAGE);
      if (destroyed) return;
      olderEvents = older.length === HISTORY_PAGE;
      const known = new Set(events.map((x) => x.id));
      events = [...older.filter((x) => !known.has(x.id)).reverse(), ...events];
      renderHistory();
    } catch (err) {
      toast(describeError(err).message, 'error');
      button.disabled = false;
    }
  }

  function subscribeLive() {
    const subscriptions = [];
    subscriptions.push(live.on('tasks', id, async (e) => {
      if (e.action === 'delete') {
        toast(t('task.deletedBySomeone'));
        location.hash = boardHash(task.expand?.team || { slug: '' });
        return;
      }
      const changedAssignee = e.record.assignee !== task.assignee;
      task = { ...e.record, expand: { ...task.expand, ...e.record.expand } };
      if (changedAssignee) {
        // the realtime record does not carry the new assignee's name
        try {
          task = await fetchTask();
        } catch {
          // keep what we have
        }
      }
      if (destroyed) return;
      liveNotice.textContent = t('task.updatedLive');
      renderAll({ keepForms: true });
    }, { expand: 'team,assignee,created_by' }));
    subscriptions.push(live.on('task_transfers', '*', async (e) => {
      if (e.record.task !== id) return;
      try {
        offer = await fetchOffer();
        if (e.record.status === 'accepted') task = await fetchTask();
      } catch (err) {
        // accepted by another team: the task is no longer ours to see
        if (err?.status === 404 || err?.status === 403) {
          replace(el, h('div', { class: 'state state-empty card', dataset: { test: 'task-moved' } }, h('h1', null, t('task.movedTitle')), h('p', null, t('task.moved')), h('a', { href: '#/tasks', class: 'btn btn-secondary' }, t('tasks.mineTitle'))));
          live.destroy();
          return;
        }
      }
      if (!destroyed) renderAll({ keepForms: true });
    }, { filter: pb.filter('task = {:task}', { task: id }), expand: 'from_user,to_user,to_team' }));
    subscriptions.push(live.on('task_events', '*', (e) => {
      if (e.record.task !== id || e.action !== 'create' || events.some((x) => x.id === e.record.id)) return;
      events.push(e.record);
      renderHistory();
    }, { filter: pb.filter('task = {:task}', { task: id }), expand: 'actor' }));
    subscriptions.push(live.onReconnect(async () => {
      try {
        [task, offer, events] = await Promise.all([fetchTask(), fetchOffer(), fetchEvents()]);
        if (!destroyed) renderAll({ keepForms: true });
      } catch {
        // the next reconnect tries again
      }
    }));
    live.mark(root, subscriptions);
  }

  /** @param {{keepForms?: boolean}} [opts] keep an open edit or handover form as it is */
  function renderAll(opts = {}) {
    root.dataset.status = task.status;
    document.title = `${task.title} · ${t('app.name')}`;
    renderHead();
    renderOffer();
    renderFacts();
    renderChecklist();
    const editOpen = editHost.querySelector('details[open]');
    if (!opts.keepForms || !editOpen) renderEdit();
    else if (!editHost.querySelector('.stale-note')) editOpen.querySelector('form')?.prepend(h('p', { class: 'stale-note notice card', role: 'status' }, t('task.staleForm')));
    if (!opts.keepForms || !handoverHost.querySelector('details[open]') || !canHandOver()) renderHandover();
    renderHistory();
    renderBar();
  }

  function renderHead() {
    const teamRec = task.expand?.team;
    replace(
      headHost,
      h(
        'div',
        { class: 'page-head' },
        teamRec && h('p', { class: 'crumbs' }, h('a', { href: boardHash(teamRec), dataset: { test: 'task-board-link' } }, '← ', t('board.title', { team: teamRec.name }))),
        h('h1', { class: 'task-title', dataset: { test: 'task-title' } }, task.title),
        h('p', { class: 'task-badges' }, statusBadge(task.status), priorityBadge(task.priority), dueBadge(task), task.repeat && h('span', { class: 'badge' }, h('span', { class: 'icon icon-repeat', 'aria-hidden': 'true' }), repeatLabel(task)))
      )
    );
  }

  function myTeamIds() {
    return getState().memberships.map((m) => m.team);
  }

  function renderOffer() {
    if (!offer) {
      replace(offerHost);
      return;
    }
    const role = roleIn(offer, myTeamIds());
    replace(
      offerHost,
      h(
        'div',
        { class: 'pending-offer', dataset: { test: 'pending-offer' } },
        h('p', { class: 'pending-offer-note' }, t('task.pendingOffer')),
        offerCard(offer, {
          role,
          onAnswered: async () => {
            try {
              [task, offer] = await Promise.all([fetchTask(), fetchOffer()]);
              if (!destroyed) renderAll();
            } catch (err) {
              if (!destroyed) replace(el, notFoundOr(err));
            }
          },
          onFailed: async () => {
            offer = await fetchOffer().catch(() => offer);
          },
        })
      )
    );
  }

  function renderFacts() {
    const assignee = task.expand?.assignee;
    const creator = task.expand?.created_by;
    const created = parseDate(task.created);
    const completed = parseDate(task.completed_at || '');
    replace(
      factsHost,
      h(
        'section',
        { class: 'card task-facts', 'aria-label': t('task.factsLabel') },
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, t('taskForm.assignee')),
          h(
            'dd',
            { dataset: { test: 'task-assignee' } },
            assignee ? h('span', { class: 'person-inline' }, avatar(assignee, 'xs'), assignee.name || '?') : h('span', { class: 'task-unassigned' }, t('tasks.openForTeam')),
            isActive(task) && !task.assignee && h('button', { type: 'button', class: 'btn btn-small btn-secondary take-button', dataset: { test: 'task-take' }, on: { click: () => patch({ assignee: me?.id }, t('task.taken')) } }, t('task.take'))
          ),
          h('dt', null, t('taskForm.due')),
          h('dd', null, task.due ? formatDue(task.due) : t('task.noDue')),
          h('dt', null, t('task.team')),
          h('dd', null, task.expand?.team?.name || ''),
          h('dt', null, t('task.createdBy')),
          h('dd', null, [creator?.name, created ? fullDate(created) : ''].filter(Boolean).join(' · ')),
          completed && [h('dt', null, t('task.completedAt')), h('dd', null, fullDate(completed))]
        ),
        task.description ? h('div', { class: 'task-description', dataset: { test: 'task-description' } }, task.description) : null
      )
    );
  }

  function renderChecklist() {
    const items = checklistOf(task);
    if (!items.length) {
      replace(checklistHost);
      return;
    }
    const done = items.filter((i) => i.done).length;
    const error = errorLine();
    replace(
      checklistHost,
      h(
        'section',
        { class: 'card checklist', dataset: { test: 'checklist' }, 'aria-labelledby': 'checklist-heading' },
        h('h2', { id: 'checklist-heading' }, t('task.checklist'), ' ', h('span', { class: 'count' }, t('tasks.checklistProgress', { done, total: items.length }))),
        h(
          'ul',
          { class: 'checklist-items' },
          items.map((item, n) =>
            h(
              'li',
              null,
              h(
                'label',
                { class: ['check', item.done && 'check-done'] },
                h('input', {
                  type: 'checkbox',
                  checked: item.done,
                  dataset: { test: 'checklist-item', index: n },
                  on: {
                    change: async (e) => {
                      const box = /** @type {HTMLInputElement} */ (e.target);
                      const next = checklistOf(task).map((x, i) => (i === n ? { ...x, done: box.checked } : x));
                      box.disabled = true;
                      showError(error, '');
                      try {
                        task = { ...(await pb.collection('tasks').update(task.id, { checklist: next })), expand: task.expand };
                        renderChecklist();
                        renderHead();
                      } catch (err) {
                        box.checked = !box.checked;
                        box.disabled = false;
                        showError(error, describeError(err, 'saveTask').message);
                      }
                    },
                  },
                }),
                h('span', null, item.text)
              )
            )
          )
        ),
        error
      )
    );
  }

  function renderEdit() {
    const teamRec = task.expand?.team || { id: task.team, name: '' };
    const details = h(
      'details',
      { class: 'card disclosure', dataset: { test: 'task-edit' } },
      h('summary', null, h('h2', null, t('task.edit'))),
      createTaskForm({
        team: teamRec,
        members,
        task,
        onSaved: (saved) => {
          task = saved;
          renderAll();
        },
        onCancel: () => renderEdit(),
      }),
      canDelete() && h('div', { class: 'danger-zone' }, h('button', { type: 'button', class: 'btn-link btn-danger-link', dataset: { test: 'task-delete' }, on: { click: deleteTask } }, t('task.deleteTask')))
    );
    replace(editHost, details);
  }

  /** The creator and the team's coordinators may delete a task. */
  function canDelete() {
    const coordinator = getState().memberships.some((m) => m.team === task.team && m.role === 'coordinator');
    return task.created_by === me?.id || coordinator;
  }

  function canHandOver() {
    return isActive(task) && !offer;
  }

  function renderHandover() {
    if (!canHandOver()) {
      replace(handoverHost);
      return;
    }
    const error = errorLine();
    const uid = Math.random().toString(36).slice(2, 8);
    const colleagues = members.filter((u) => u.id !== me?.id);
    const toUser = h(
      'select',
      { id: 'handover-user-' + uid, name: 'to_user' },
      h('option', { value: '' }, t('handoverForm.chooseColleague')),
      colleagues.map((u) => h('option', { value: u.id }, u.name || '?', u.id === task.assignee ? ' ' + t('handoverForm.hasIt') : ''))
    );
    const toTeam = h('select', { id: 'handover-team-' + uid, name: 'to_team' }, h('option', { value: '' }, t('handoverForm.chooseTeam')));
    const userField = h('div', { class: 'field' }, h('label', { for: 'handover-user-' + uid }, t('handoverForm.colleague')), toUser);
    const teamField = h('div', { class: 'field', hidden: true }, h('label', { for: 'handover-team-' + uid }, t('handoverForm.team')), toTeam, h('p', { class: 'hint' }, t('handoverForm.teamHint')));
    const target = h(
      'fieldset',
      { class: 'segmented' },
      h('legend', { class: 'visually-hidden' }, t('handoverForm.to')),
      ['user', 'team'].map((v) =>
        h(
          'label',
          { class: 'segment' },
          h('input', {
            type: 'radio',
            name: 'target',
            value: v,
            checked: v === 'user',
            on: {
              change: async () => {
                userField.hidden = v !== 'user';
                teamField.hidden = v !== 'team';
                if (v === 'team') await fillTeams(toTeam);
              },
            },
          }),
          h('span', null, t('handoverForm.target.' + v))
        )
      )
    );
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'handover-submit' } }, t('handoverForm.submit'));
    const form = /** @type {HTMLFormElement} */ (
      h(
        'form',
        { dataset: { test: 'handover-form' }, novalidate: true },
        h('p', { class: 'hint' }, t('handoverForm.intro')),
        h('div', { class: 'field' }, target),
        userField,
        teamField,
        h('div', { class: 'field' }, h('label', { for: 'handover-note-' + uid }, t('handoverForm.note'), ' ', h('span', { class: 'optional' }, t('common.optional'))), h('textarea', { id: 'handover-note-' + uid, name: 'note', rows: 3, maxlength: 2000, placeholder: t('handoverForm.notePlaceholder') })),
        error,
        h('div', { class: 'form-actions' }, submit)
      )
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const toTeamMode = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name=target]:checked'))?.value === 'team';
      const data = {
        task: task.id,
        from_user: me?.id,
        status: 'pending',
        note: /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('note')).value.trim(),
        to_user: toTeamMode ? '' : toUser.value,
        to_team: toTeamMode ? toTeam.value : '',
      };
      const missing = toTeamMode ? (!data.to_team ? { to_team: t('handoverForm.pickTeam') } : {}) : !data.to_user ? { to_user: t('handoverForm.pickColleague') } : {};
      markFields(form, missing);
      if (Object.keys(missing).length) {
        showError(error, Object.values(missing)[0]);
        return;
      }
      submit.disabled = true;
      showError(error, '');
      try {
        await pb.collection('task_transfers').create(data);
        offer = await fetchOffer();
        const name = toTeamMode ? toTeam.selectedOptions[0]?.textContent : toUser.selectedOptions[0]?.textContent;
        const message = t('handoverForm.offered', { name: String(name || '').trim() });
        toast(message);
        announce(message);
        renderAll();
      } catch (err) {
        const problem = describeError(err, 'offer');
        markFields(form, problem.fields);
        showError(error, problem.message);
        submit.disabled = false;
      }
    });
    replace(handoverHost, h('details', { class: 'card disclosure', dataset: { test: 'task-handover' } }, h('summary', null, h('h2', null, t('handoverForm.heading'))), form));
  }

  async function fillTeams(select) {
    if (select.options.length > 1) return;
    try {
      teams = teams || (await pb.collection('teams').getFullList({ sort: 'name' }));
      for (const team of teams) if (team.id !== task.team) select.append(h('option', { value: team.id }, team.name));
    } catch (err) {
      toast(describeError(err).message, 'error');
    }
  }

  function renderHistory() {
    const byId = new Map(members.map((u) => [u.id, u]));
    const name = (userId) => byId.get(userId)?.name || '';
    replace(
      historyHost,
      h('h2', { id: 'history-heading' }, t('task.history')),
      events.length
        ? h(
            'ol',
            { class: 'history-list' },
            [...events].reverse().map((ev) => {
              const created = parseDate(ev.created);
              return h(
                'li',
                { class: ['history-item', 'history-' + ev.kind], dataset: { test: 'task-event', kind: ev.kind } },
                h('span', { class: 'history-text' }, describeEvent(ev, name)),
                created && h('time', { class: 'history-time', datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created))
              );
            })
          )
        : h('p', { class: 'hint' }, t('task.noHistory')),
      olderEvents && h('div', { class: 'history-more' }, h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'history-more' }, on: { click: (e) => loadOlderEvents(e.currentTarget) } }, t('task.historyMore')))
    );
  }

  function renderBar() {
    const mine = task.assignee === me?.id;
    const buttons = [];
    const add = (test, label, cls, fn) => buttons.push(h('button', { type: 'button', class: ['btn', cls], dataset: { test }, on: { click: fn } }, label));
    // cancelling is rare and final: a quiet link at the side, not a button
    // beside Klaar
    const cancel = isActive(task) && h('button', { type: 'button', class: 'btn-link btn-danger-link action-bar-side', dataset: { test: 'task-cancel' }, on: { click: cancelTask } }, t('task.actions.cancel'));
    if (task.status === 'open') {
      add('task-start', t('task.actions.start'), 'btn-secondary', () => patch(task.assignee ? { status: 'in_progress' } : { status: 'in_progress', assignee: me?.id }, t('task.started')));
      add('task-done', t('task.actions.done'), 'btn-primary', markDone);
    } else if (task.status === 'in_progress') {
      add('task-stop', t('task.actions.stop'), 'btn-secondary', () => patch({ status: 'open' }, t('task.stopped')));
      add('task-done', t('task.actions.done'), 'btn-primary', markDone);
    } else {
      add('task-reopen', t('task.actions.reopen'), 'btn-primary', () => patch({ status: 'open' }, t('task.reopened')));
    }
    replace(bar, mine || !task.assignee || !isActive(task) ? null : h('span', { class: 'action-bar-note' }, t('task.someoneElses', { name: task.expand?.assignee?.name || '' })), cancel, buttons);
  }

  async function patch(data, message) {
    if (busy) return;
    busy = true;
    for (const b of bar.querySelectorAll('button')) /** @type {HTMLButtonElement} */ (b).disabled = true;
    showError(actionError, '');
    try {
      const saved = await pb.collection('tasks').update(task.id, data, { expand: 'team,assignee,created_by' });
      task = saved;
      toast(message);
      announce(message);
      renderAll({ keepForms: true });
    } catch (err) {
      showError(actionError, describeError(err, 'changeTask').message);
      renderBar();
    } finally {
      busy = false;
    }
  }

  function markDone() {
    patch({ status: 'done' }, task.repeat ? t('task.doneRepeats', { repeat: repeatLabel(task).toLowerCase() }) : t('task.done'));
  }

  function cancelTask() {
    if (!window.confirm(t('task.confirmCancel', { title: task.title }))) return;
    patch({ status: 'cancelled' }, t('task.cancelled'));
  }

  async function deleteTask() {
    if (!window.confirm(t('task.confirmDelete', { title: task.title }))) return;
    try {
      await pb.collection('tasks').delete(task.id);
      toast(t('task.deleted'));
      location.hash = boardHash(task.expand?.team || { slug: '' });
    } catch (err) {
      showError(actionError, describeError(err, 'deleteTask').message);
    }
  }

  load();
  return () => {
    destroyed = true;
    live.destroy();
  };
}

/**
 * Describes a history line in words ("Bram zette de taak op Bezig").
 *
 * @param {any} ev a task_events record (expand actor)
 * @param {(userId: string) => string} nameOf a team member's name by id
 * @returns {string}
 */
function describeEvent(ev, nameOf) {
  const teamNameOf = (id) => getState().memberships.find((m) => m.team === id)?.expand?.team?.name || t('task.events.otherTeam');
  const details = ev.details && typeof ev.details === 'object' ? ev.details : {};
  const actor = ev.expand?.actor?.name || t('task.events.someone');
  const who = (v) => {
    if (!v) return t('tasks.openForTeam');
    if (typeof v === 'object') return v.name || nameOf(v.id) || '?';
    return nameOf(String(v)) || t('task.events.colleague');
  };
  const status = (v) => (typeof v === 'string' && ['open', 'in_progress', 'done', 'cancelled'].includes(v) ? t('tasks.status.' + v) : String(v ?? ''));
  const to = details.to ?? details.to_user ?? details.assignee;
  switch (ev.kind) {
    case 'assigned':
      return t('task.events.assigned', { actor, to: who(to) });
    case 'unassigned':
      return t('task.events.unassigned', { actor });
    case 'status_changed':
      return t('task.events.status_changed', { actor, to: status(details.to ?? details.status) });
    case 'edited': {
      const fields = Array.isArray(details.fields) ? details.fields.map((f) => (t('task.fields.' + f) === 'task.fields.' + f ? f : t('task.fields.' + f))).join(', ') : '';
      return fields ? t('task.events.editedFields', { actor, fields }) : t('task.events.edited', { actor });
    }
    case 'handover_offered':
      return t('task.events.handover_offered', { actor, to: details.to_team ? teamNameOf(details.to_team) : who(to) });
    case 'returned_to_team':
      return t('task.events.returned_to_team', { name: who(details.from ?? details.user) });
    case 'handover_cancelled':
      if (!details.reason) return t('task.events.handover_cancelled', { actor });
      // a reason is a code; one this version does not know is left out
      return has('task.events.reasons.' + details.reason) ? t('task.events.handover_cancelled_reason', { reason: t('task.events.reasons.' + details.reason) }) : t('task.events.handover_lapsed');
    case 'created':
    case 'handover_accepted':
    case 'handover_declined':
    case 'recurred':
      return t('task.events.' + ev.kind, { actor });
    default:
      return t('task.events.unknown', { actor, kind: ev.kind });
  }
}
