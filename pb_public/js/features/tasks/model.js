// Tasks: what the task screens share (queries, due dates, sorting). The
// rules (who may see, change or hand over a task) live on the server; this
// module only asks.

import { pb } from '../../pb.js';
import { t } from '../../i18n.js';
import { parseDate, dateFormat } from '../../format.js';

/** The statuses of a task that still needs doing. */
export const ACTIVE = ['open', 'in_progress'];

/** Every status, in board order. */
export const STATUSES = ['open', 'in_progress', 'done', 'cancelled'];

/** The priorities, lowest first. */
export const PRIORITIES = ['low', 'normal', 'high'];

const PRIORITY_RANK = { high: 0, normal: 1, low: 2 };

/**
 * Reports whether a task still needs doing (open or in progress).
 *
 * @param {{status: string}} task
 * @returns {boolean}
 */
export function isActive(task) {
  return ACTIVE.includes(task.status);
}

/**
 * Reports whether a task is overdue: still to do, and its due moment has
 * passed.
 *
 * @param {{status: string, due?: string}} task
 * @param {Date} [now]
 * @returns {boolean}
 */
export function isOverdue(task, now = new Date()) {
  const due = parseDate(task.due || '');
  return Boolean(due && isActive(task) && due.getTime() < now.getTime());
}

/**
 * A due date without a time is stored as 23:59 local time on that day, so
 * it is overdue only once the day is over (the server compares moments).
 *
 * @param {Date} d
 * @returns {boolean}
 */
function isEndOfDay(d) {
  return d.getHours() === 23 && d.getMinutes() === 59;
}

/**
 * Turns the date and (optional) time inputs of a task form into the value
 * of tasks.due: "" for none.
 *
 * @param {string} date "2025-11-23" or ""
 * @param {string} [time] "14:30" or ""
 * @returns {string}
 */
export function toDueValue(date, time) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '')) return '';
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = /^\d{2}:\d{2}$/.test(time || '') ? time.split(':').map(Number) : [23, 59];
  const local = new Date(y, m - 1, d, hh, mm, 0, 0);
  return local.toISOString().replace('T', ' ');
}

/**
 * Splits tasks.due into the values of the date and time inputs.
 *
 * @param {string} value
 * @returns {{date: string, time: string}}
 */
export function fromDueValue(value) {
  const d = parseDate(value || '');
  if (!d) return { date: '', time: '' };
  const pad = (n) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: isEndOfDay(d) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}`,
  };
}

function startOfDay(d) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * Formats a due moment for a card: "vandaag", "morgen 14:00", "ma 24 nov.".
 *
 * @param {string} value tasks.due
 * @param {Date} [now]
 * @returns {string} "" when there is no due date
 */
export function formatDue(value, now = new Date()) {
  const d = parseDate(value || '');
  if (!d) return '';
  const days = Math.round((startOfDay(d) - startOfDay(now)) / 86_400_000);
  let text;
  if (days === 0) text = t('tasks.due.today');
  else if (days === 1) text = t('tasks.due.tomorrow');
  else if (days === -1) text = t('tasks.due.yesterday');
  else {
    text = dateFormat({
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: d.getFullYear() !== now.getFullYear() ? 'numeric' : undefined,
    }).format(d);
  }
  if (!isEndOfDay(d)) text += ' ' + dateFormat({ hour: '2-digit', minute: '2-digit' }).format(d);
  return text;
}

/**
 * Orders tasks for a list: overdue first, then by due moment (no due date
 * last), then high priority first, then oldest first.
 *
 * @param {any} a
 * @param {any} b
 * @returns {number}
 */
export function compareTasks(a, b) {
  const now = new Date();
  const oa = isOverdue(a, now) ? 0 : 1;
  const ob = isOverdue(b, now) ? 0 : 1;
  if (oa !== ob) return oa - ob;
  const da = parseDate(a.due || '')?.getTime() ?? Infinity;
  const db = parseDate(b.due || '')?.getTime() ?? Infinity;
  if (da !== db) return da < db ? -1 : 1;
  const pa = PRIORITY_RANK[a.priority] ?? 1;
  const pb_ = PRIORITY_RANK[b.priority] ?? 1;
  if (pa !== pb_) return pa - pb_;
  return String(a.created || '').localeCompare(String(b.created || ''));
}

/**
 * Returns a task's checklist as clean items.
 *
 * @param {any} task
 * @returns {{text: string, done: boolean}[]}
 */
export function checklistOf(task) {
  const list = Array.isArray(task?.checklist) ? task.checklist : [];
  return list.filter((i) => i && typeof i.text === 'string' && i.text.trim()).map((i) => ({ text: i.text, done: Boolean(i.done) }));
}

/**
 * Describes how a task repeats ("Elke week"), or "" when it does not.
 *
 * @param {any} task
 * @returns {string}
 */
export function repeatLabel(task) {
  if (task.repeat === 'daily') return t('tasks.repeat.daily');
  if (task.repeat === 'weekly') return t('tasks.repeat.weekly');
  if (task.repeat === 'weeks') return t('tasks.repeat.weeksN', { n: task.repeat_weeks || 2 });
  return '';
}

/**
 * Fetches the members of a team (users records), sorted by name.
 *
 * @param {string} teamId
 * @returns {Promise<any[]>}
 */
export async function teamMembers(teamId) {
  const list = await pb.collection('memberships').getFullList({
    // blocked colleagues are nobody's to pick (coordinators still list them)
    filter: pb.filter('team = {:team} && user.disabled = false', { team: teamId }),
    expand: 'user',
  });
  return list
    .map((m) => m.expand?.user)
    .filter(Boolean)
    .sort((a, b) => String(a.name || '').localeCompare(String(b.name || '')));
}

/**
 * Builds a filter "field = a || field = b" for some ids, or "" for none.
 *
 * @param {string} field
 * @param {string[]} ids
 * @returns {string}
 */
export function anyOf(field, ids) {
  if (!ids.length) return '';
  const params = Object.fromEntries(ids.map((id, n) => ['v' + n, id]));
  return pb.filter(ids.map((_, n) => `${field} = {:v${n}}`).join(' || '), params);
}

/**
 * Fetches the pending handover offers made to the user: to her, or to one
 * of her teams (not her own offers).
 *
 * @param {string} userId
 * @param {string[]} teamIds
 * @returns {Promise<any[]>}
 */
export async function fetchOffersToMe(userId, teamIds) {
  const receivers = [pb.filter('to_user = {:me}', { me: userId }), anyOf('to_team', teamIds)].filter(Boolean).join(' || ');
  return pb.collection('task_transfers').getFullList({
    filter: pb.filter('status = "pending" && from_user != {:me}', { me: userId }) + ` && (${receivers})`,
    sort: 'created',
    expand: 'from_user,to_team,to_user',
  });
}

/**
 * Fetches the pending offers the user made (to show "waiting for an
 * answer" on her tasks).
 *
 * @param {string} userId
 * @returns {Promise<any[]>}
 */
export async function fetchMyPendingOffers(userId) {
  return pb.collection('task_transfers').getFullList({
    filter: pb.filter('status = "pending" && from_user = {:me}', { me: userId }),
    expand: 'to_user,to_team',
  });
}

/**
 * Answers a handover offer: "accepted" or "declined" by its receiver,
 * "cancelled" by its sender.
 *
 * @param {string} transferId
 * @param {'accepted'|'declined'|'cancelled'} status
 * @returns {Promise<any>}
 */
export function respondToOffer(transferId, status) {
  return pb.collection('task_transfers').update(transferId, { status });
}

/**
 * Returns a key of what a part of a screen shows of a record: its fields
 * and anything else it depends on. A part builds itself again only when its
 * key changes, so a colleague's change elsewhere in the task leaves it (and
 * the focus in it) alone.
 *
 * @param {any} record
 * @param {string[]} fields
 * @param {any[]} [extra] what else the part shows (an expanded name, "overdue")
 * @returns {string}
 */
export function partKey(record, fields, extra = []) {
  return JSON.stringify([fields.map((f) => record?.[f] ?? null), extra]);
}

/**
 * Returns the hash route of a task's team board.
 *
 * @param {{slug: string}} team
 * @returns {string}
 */
export function boardHash(team) {
  return '#/team/' + encodeURIComponent(team.slug) + '/tasks';
}
