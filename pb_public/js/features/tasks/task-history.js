// A task's history on its screen: what happened to it and who did it,
// newest first, with a button for the earlier lines.

import { h, replace } from '../../dom.js';
import { t, has } from '../../i18n.js';
import { getState } from '../../store.js';
import { describeError } from '../../errors.js';
import { toast } from '../../components/ui.js';
import { parseDate, relativeTime, fullDate } from '../../format.js';

/**
 * @typedef {Object} TaskHistoryOptions
 * @property {(userId: string) => string} nameOf a team member's name by id ("" when unknown)
 * @property {() => Promise<void>} onMore loads earlier lines (and updates the history)
 */

/**
 * Builds the history; update(events, older) shows the lines loaded (oldest
 * first) and, when older, the button for the earlier ones.
 *
 * @param {TaskHistoryOptions} options
 * @returns {{el: HTMLElement, update: (events: any[], older: boolean) => void}}
 */
export function taskHistory({ nameOf, onMore }) {
  const el = h('section', { class: 'card history', dataset: { test: 'task-history' }, 'aria-labelledby': 'history-heading' });

  /** @param {HTMLButtonElement} button */
  async function more(button) {
    button.disabled = true;
    try {
      await onMore();
    } catch (err) {
      toast(describeError(err).message, 'error');
      button.disabled = false;
    }
  }

  return {
    el,
    update(events, older) {
      replace(
        el,
        h('h2', { id: 'history-heading' }, t('task.history')),
        events.length
          ? h(
              'ol',
              { class: 'history-list' },
              withoutNoise(events, nameOf)
                .reverse()
                .map(({ ev, text }) => {
                  const created = parseDate(ev.created);
                  return h(
                    'li',
                    { class: ['history-item', 'history-' + ev.kind], dataset: { test: 'task-event', kind: ev.kind } },
                    h('span', { class: 'history-text' }, text),
                    created && h('time', { class: 'history-time', datetime: created.toISOString(), title: fullDate(created) }, relativeTime(created))
                  );
                })
            )
          : h('p', { class: 'hint' }, t('task.noHistory')),
        older && h('div', { class: 'history-more' }, h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'history-more' }, on: { click: (e) => more(e.currentTarget) } }, t('task.historyMore')))
      );
    },
  };
}

/**
 * Words the history lines, oldest first, without the noise of the server's
 * bookkeeping: "created" followed at once by the creator's "assigned" is
 * one line ("maakte de taak aan voor Bram").
 *
 * @param {any[]} events task_events records, oldest first
 * @param {(userId: string) => string} nameOf
 * @returns {{ev: any, text: string}[]}
 */
export function withoutNoise(events, nameOf = () => '') {
  /** @type {{ev: any, text: string}[]} */
  const lines = [];
  for (let i = 0; i < events.length; i++) {
    let ev = events[i];
    let next = events[i + 1];
    // two events of one save may come in either order (the same moment)
    if (ev.kind === 'assigned' && next?.kind === 'created') [ev, next] = [next, ev];
    if (ev.kind === 'created' && next?.kind === 'assigned' && next.actor === ev.actor && sameMoment(ev.created, next.created)) {
      lines.push({ ev, text: describeCreated(ev, next, nameOf) });
      i++;
      continue;
    }
    ev = events[i];
    lines.push({ ev, text: describeEvent(ev, nameOf) });
  }
  return lines;
}

/**
 * @param {string} a
 * @param {string} b
 * @returns {boolean} whether two record times are within a few seconds (one save)
 */
function sameMoment(a, b) {
  const x = parseDate(a || '');
  const y = parseDate(b || '');
  return Boolean(x && y && Math.abs(x.getTime() - y.getTime()) < 5000);
}

/**
 * @param {any} created the "created" line
 * @param {any} assigned the "assigned" line of the same save
 * @param {(userId: string) => string} nameOf
 * @returns {string}
 */
function describeCreated(created, assigned, nameOf) {
  const actor = created.expand?.actor?.name || t('task.events.someone');
  const to = assigned.details?.to;
  if (to === created.actor) return t('task.events.createdSelf', { actor });
  return t('task.events.createdFor', { actor, to: nameOf(String(to || '')) || t('task.events.colleague') });
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
      // "Anna gaf de taak aan Anna" says she took it
      return to && to === ev.actor ? t('task.events.assignedSelf', { actor }) : t('task.events.assigned', { actor, to: who(to) });
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
