// Regie: what its screens share (the buurtteams one works in, the team's
// template, the deadline badge, the team's people, downloads). The rules
// (who sees a client, which step may follow which, who erases) live on the
// server; this module only asks.
//
// Nothing about a client is kept on the device: no IndexedDB, no
// localStorage, no cache. Every screen reads what it shows from the API
// (where each read is logged) and reads it again when the team's topic
// says a record changed: those events carry only {id, collectionName}.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState } from '../../store.js';
import { Live } from '../../live.js';
import { loading } from '../../components/ui.js';
import { parseDate } from '../../format.js';

/** The collections that hold client data, as the team's topic names them. */
export const CLIENT_DATA = ['clients', 'referrals', 'conversations', 'plans', 'case_steps'];

/** The forms a step may ask for before a case leaves it. */
export const FORMS = ['referral', 'conversation', 'plan', 'none'];

/** The types of a step's own fields. */
export const FIELD_TYPES = ['text', 'textarea', 'date', 'number', 'choice', 'yesno'];

/** The sources of a referral, as the server knows them. */
export const SOURCES = ['gp', 'hospital', 'client', 'carer', 'social_team', 'municipality', 'other'];

/** A referral's urgency: a traffic light. */
export const URGENCIES = ['green', 'orange', 'red'];

/** How a client prefers to be reached. */
export const CONTACT_PREFERENCES = ['phone', 'visit', 'mail', 'relative'];

/** Amsterdam's calendar decides what a working day is. */
const ZONE = 'Europe/Amsterdam';

/**
 * Returns the buurtteams the signed-in employee is a member of (BOB's team
 * holds no clients), by name.
 *
 * @returns {any[]} team records
 */
export function regieTeams() {
  return getState()
    .memberships.map((m) => m.expand?.team)
    .filter((team) => team && team.kind === 'buurtteam');
}

/**
 * Returns my buurtteam with slug, or undefined.
 *
 * @param {string} slug
 * @returns {any|undefined}
 */
export function teamBySlug(slug) {
  return regieTeams().find((team) => team.slug === slug);
}

/**
 * Returns my buurtteam with id, or undefined.
 *
 * @param {string} id
 * @returns {any|undefined}
 */
export function teamById(id) {
  return regieTeams().find((team) => team.id === id);
}

/**
 * Reports whether the signed-in employee coordinates the team.
 *
 * @param {string} teamId
 * @returns {boolean}
 */
export function isCoordinatorOf(teamId) {
  return getState().memberships.some((m) => m.team === teamId && m.role === 'coordinator');
}

/** @param {string} slug */
export const casesHash = (slug) => '#/regie/team/' + encodeURIComponent(slug);
/** @param {string} slug */
export const newClientHash = (slug) => casesHash(slug) + '/new';
/** @param {string} slug */
export const templateHash = (slug) => casesHash(slug) + '/template';
/** @param {string} id */
export const caseHash = (id) => '#/regie/case/' + encodeURIComponent(id);
/** @param {string} id */
export const accessHash = (id) => caseHash(id) + '/access';

/**
 * @typedef {Object} Field one of a step's own fields
 * @property {string} key
 * @property {string} label
 * @property {'text'|'textarea'|'date'|'number'|'choice'|'yesno'} type
 * @property {boolean} [required]
 * @property {string[]} [options]
 */

/**
 * @typedef {Object} Step one step of a team's template
 * @property {string} key
 * @property {string} name
 * @property {'referral'|'conversation'|'plan'|'none'} form
 * @property {number} deadline_days
 * @property {Field[]} fields
 * @property {string[]} next
 * @property {string[]} back
 */

/**
 * Returns a JSON list field as an array, whatever the server sent.
 *
 * @param {any} value
 * @returns {any[]}
 */
export function list(value) {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value) {
    try {
      const parsed = JSON.parse(value);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return [];
}

/**
 * Reads the team's template.
 *
 * @param {string} teamId
 * @returns {Promise<{record: any, steps: Step[]}>}
 */
export async function loadTemplate(teamId) {
  const record = await pb.collection('process_templates').getFirstListItem(pb.filter('team = {:team}', { team: teamId }));
  return { record, steps: list(record.steps).map(normalStep) };
}

/**
 * @param {any} s
 * @returns {Step}
 */
function normalStep(s) {
  return {
    key: String(s?.key || ''),
    name: String(s?.name || ''),
    form: FORMS.includes(s?.form) ? s.form : 'none',
    deadline_days: Number(s?.deadline_days) || 0,
    fields: list(s?.fields).map((f) => ({ key: String(f?.key || ''), label: String(f?.label || ''), type: FIELD_TYPES.includes(f?.type) ? f.type : 'text', required: Boolean(f?.required), options: list(f?.options).map(String) })),
    next: list(s?.next).map(String),
    back: list(s?.back).map(String),
  };
}

/**
 * Returns the name of a step by its key (the key itself for a step the
 * template no longer has).
 *
 * @param {Step[]} steps
 * @param {string} key
 * @returns {string}
 */
export function stepName(steps, key) {
  return steps.find((s) => s.key === key)?.name || key || '';
}

/**
 * Reads the members of a team (for the regisseur and the assignees of a
 * plan's actions).
 *
 * @param {string} teamId
 * @returns {Promise<any[]>} users, by name
 */
export async function teamPeople(teamId) {
  const memberships = await pb.collection('memberships').getFullList({ filter: pb.filter('team = {:team}', { team: teamId }), expand: 'user' });
  return memberships
    .map((m) => m.expand?.user)
    .filter(Boolean)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/**
 * Returns the calendar date (YYYY-MM-DD) of a moment in Amsterdam.
 *
 * @param {Date} d
 * @returns {string}
 */
function amsterdamDate(d) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/**
 * Counts the working days (Monday to Friday) after the date from up to
 * and including the date to; negative when to comes first.
 *
 * @param {string} from YYYY-MM-DD
 * @param {string} to YYYY-MM-DD
 * @returns {number}
 */
export function workingDaysBetween(from, to) {
  const sign = to < from ? -1 : 1;
  let day = new Date((sign > 0 ? from : to) + 'T00:00:00Z');
  const last = new Date((sign > 0 ? to : from) + 'T00:00:00Z');
  let n = 0;
  // a deadline is at most 60 working days away: a year bounds the walk
  for (let i = 0; i < 400 && day < last; i++) {
    day = new Date(day.getTime() + 86400000);
    const wd = day.getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return sign * n;
}

/**
 * @typedef {Object} Deadline
 * @property {'none'|'ok'|'soon'|'overdue'} state none: no deadline (or a
 *   closed case); soon: one working day or less left
 * @property {string} text the badge's words
 * @property {string} due the step's due moment as the server sent it
 */

/**
 * Describes a case's deadline for its badge: overdue in red, due within a
 * working day in orange, otherwise the working days left.
 *
 * @param {any} client a clients record
 * @param {Date} [now]
 * @returns {Deadline}
 */
export function deadlineOf(client, now = new Date()) {
  const due = parseDate(client?.step_due);
  if (client?.status === 'closed') return { state: 'none', text: t('regie.deadline.closed'), due: '' };
  if (!due) return { state: 'none', text: t('regie.deadline.none'), due: '' };
  const days = workingDaysBetween(amsterdamDate(now), amsterdamDate(due));
  if (due.getTime() <= now.getTime()) {
    return { state: 'overdue', text: t('regie.deadline.overdue', { n: Math.max(0, -days) }), due: client.step_due };
  }
  if (days <= 1) return { state: 'soon', text: days <= 0 ? t('regie.deadline.today') : t('regie.deadline.tomorrow'), due: client.step_due };
  return { state: 'ok', text: t('regie.deadline.left', { n: days }), due: client.step_due };
}

/**
 * The badge of a case's deadline: words and an icon, never colour alone.
 *
 * @param {any} client
 * @returns {HTMLElement}
 */
export function deadlineBadge(client) {
  const d = deadlineOf(client);
  const due = parseDate(d.due);
  return h(
    'span',
    { class: ['badge', 'regie-deadline', 'regie-deadline-' + d.state], dataset: { test: 'deadline', state: d.state, due: d.due }, title: due ? t('regie.deadline.dueOn', { date: shortDate(due) }) : null },
    d.state !== 'none' && h('span', { class: ['icon', d.state === 'overdue' ? 'icon-alert' : 'icon-clock'], 'aria-hidden': 'true' }),
    d.text
  );
}

/**
 * Formats a date without time ("3 dec. 2026").
 *
 * @param {Date} d
 * @returns {string}
 */
export function shortDate(d) {
  return new Intl.DateTimeFormat(getLocaleTag(), { dateStyle: 'medium' }).format(d);
}

/**
 * Formats a PocketBase date field that holds a calendar date (received,
 * review_date, a conversation's date): the date part as it was entered.
 *
 * @param {string} value
 * @returns {string}
 */
export function calendarDate(value) {
  const day = String(value || '').slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return '';
  return new Intl.DateTimeFormat(getLocaleTag(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(day + 'T00:00:00Z'));
}

/** @returns {string} */
function getLocaleTag() {
  return document.documentElement.lang === 'en' ? 'en-GB' : 'nl-NL';
}

/** @returns {string} today in Amsterdam, YYYY-MM-DD */
export function today() {
  return amsterdamDate(new Date());
}

/**
 * Downloads a file from the API with the session's token (a link cannot
 * carry it) and hands it to the browser as a download; nothing is kept.
 *
 * @param {string} path e.g. "/api/buurtplein/clients/<id>/export?format=pdf"
 * @param {string} filename
 * @returns {Promise<void>} rejects with an SDK-like error ({status, response})
 */
export async function download(path, filename) {
  let res;
  try {
    res = await fetch(pb.buildURL(path), { headers: { Authorization: pb.authStore.token }, cache: 'no-store' });
  } catch {
    throw { status: 0 };
  }
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw { status: res.status, response: data };
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // the browser has the file once the click is handled
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * Reports whether the memberships have been read (a direct address opened
 * at start-up comes before them).
 *
 * @returns {Promise<void>}
 */
function membershipsKnown() {
  return new Promise((resolve) => {
    if (getState().memberships.length) return resolve();
    let tries = 0;
    const timer = setInterval(() => {
      if (getState().memberships.length || ++tries > 30) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
}

/**
 * Mounts a regie screen once the memberships are known: a loading state
 * until then, and for someone in no buurtteam the message that the area
 * is the teams'.
 *
 * @param {HTMLElement} el
 * @param {(live: Live) => void} show builds the screen; live.destroyed
 *   tells it the screen is gone
 * @returns {() => void} cleanup
 */
export function mountRegie(el, show) {
  const live = new Live();
  replace(el, loading());
  membershipsKnown().then(() => {
    if (live.destroyed) return;
    if (!regieTeams().length) replace(el, noTeam());
    else show(live);
  });
  return () => live.destroy();
}

/**
 * Mounts a screen of one of my buurtteams (#/regie/team/<slug>/…): the
 * team found by its slug, or the message that it is not there.
 *
 * @param {HTMLElement} el
 * @param {string} slug
 * @param {(team: any, live: Live) => void} show
 * @returns {() => void} cleanup
 */
export function mountTeamScreen(el, slug, show) {
  return mountRegie(el, (live) => {
    const team = teamBySlug(slug);
    if (team) show(team, live);
    else replace(el, notFound());
  });
}

/** @returns {HTMLElement} */
function noTeam() {
  return h('div', { class: 'state state-empty card', dataset: { test: 'regie-no-team' } }, h('h1', null, t('regie.title')), h('p', null, t('regie.noTeam')));
}

/**
 * The message for a client or team that is not there (or not mine).
 *
 * @returns {HTMLElement}
 */
export function notFound() {
  return h('div', { class: 'state state-empty card', dataset: { test: 'regie-not-found' } }, h('p', null, t('regie.notFound')), h('a', { class: 'btn btn-secondary', href: '#/regie' }, t('regie.backToList')));
}

// the app's own confirmation dialog, shared by every screen
export { confirmDialog } from '../../components/dialog.js';

/**
 * The tabs of a team's regie screens: the cases and, for coordinators,
 * the template.
 *
 * @param {any} team
 * @param {'cases'|'template'} current
 * @returns {HTMLElement}
 */
export function regieTabs(team, current) {
  const tabs = [['cases', casesHash(team.slug)]];
  if (isCoordinatorOf(team.id)) tabs.push(['template', templateHash(team.slug)]);
  return h(
    'nav',
    { class: 'regie-tabs', 'aria-label': t('regie.tabsLabel') },
    h(
      'ul',
      null,
      tabs.map(([name, hash]) => h('li', null, h('a', { href: hash, class: ['regie-tab', name === current && 'active'], 'aria-current': name === current ? 'page' : null, dataset: { test: 'regie-tab-' + name } }, t('regie.tabs.' + name))))
    )
  );
}
