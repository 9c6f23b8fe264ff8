// A team's cases (#/regie/team/<slug>): the open cases grouped by the
// steps of the team's template, in its order, each with its deadline
// badge (overdue first within a step). Closed cases on request. Changes
// arrive on the team's topic as ids only: the list is read again.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { loading, loadError } from '../../components/ui.js';
import { parseDate, relativeTime } from '../../format.js';
import { mountTeamScreen, regieTeams, loadTemplate, deadlineBadge, caseHash, casesHash, newClientHash, regieTabs } from './model.js';

/**
 * Mounts a team's case list.
 *
 * @param {HTMLElement} el
 * @param {{slug: string}} props
 * @returns {() => void} cleanup
 */
export function mount(el, props) {
  return mountTeamScreen(el, props.slug, (team, live) => {
    show(el, team, live);
  });
}

/**
 * @param {HTMLElement} el
 * @param {any} team
 * @param {import('../../live.js').Live} live
 */
function show(el, team, live) {
  const root = h('section', { class: 'regie-cases', dataset: { test: 'case-list', team: team.slug, state: 'loading' } });
  const listBox = h('div', null, loading());
  const closed = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'regie-show-closed', dataset: { test: 'show-closed' } }));
  closed.addEventListener('change', () => load());
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });

  const teams = regieTeams();
  replace(
    el,
    h(
      'div',
      { class: 'page-head page-head-actions' },
      h('h1', null, t('regie.casesOf', { team: team.name })),
      h('a', { class: 'btn btn-primary', href: newClientHash(team.slug), dataset: { test: 'client-new-link' } }, t('regie.newClient'))
    ),
    teams.length > 1 && teamSwitch(team, teams),
    regieTabs(team, 'cases'),
    root
  );
  replace(root, liveNotice, h('label', { class: 'regie-check' }, closed, ' ', t('regie.showClosed')), listBox);

  let reading = 0;
  async function load() {
    const mine = ++reading;
    try {
      const filter = closed.checked ? pb.filter('team = {:team}', { team: team.id }) : pb.filter('team = {:team} && status = "open"', { team: team.id });
      const [template, clients] = await Promise.all([loadTemplate(team.id), pb.collection('clients').getFullList({ filter, sort: 'step_due,code', batch: 500 })]);
      if (live.destroyed || mine !== reading) return;
      replace(listBox, groups(template.steps, clients));
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed || mine !== reading) return;
      root.dataset.state = 'error';
      replace(listBox, loadError(err, load));
    }
  }

  const reload = debounce(() => {
    liveNotice.textContent = t('regie.updatedLive');
    load();
  }, 200);
  live.mark(root, [live.on('clients', '*', reload), live.on('process_templates', '*', reload), live.onReconnect(load)]);
  load();
}

/**
 * @param {any} team
 * @param {any[]} teams
 * @returns {HTMLElement}
 */
function teamSwitch(team, teams) {
  const select = /** @type {HTMLSelectElement} */ (h('select', { id: 'regie-team', dataset: { test: 'regie-team-switch' } }, teams.map((other) => h('option', { value: other.slug, selected: other.id === team.id }, other.name))));
  select.addEventListener('change', () => (location.hash = casesHash(select.value)));
  return h('div', { class: 'field regie-team-switch' }, h('label', { for: 'regie-team' }, t('regie.team')), select);
}

/**
 * Groups the cases by step, in the template's order; open cases of a step
 * the template no longer has, and closed cases, come last.
 *
 * @param {import('./model.js').Step[]} steps
 * @param {any[]} clients
 * @returns {HTMLElement}
 */
function groups(steps, clients) {
  // the first deadline first; cases without one after those with one
  const byDue = (a, b) => (a.step_due ? 0 : 1) - (b.step_due ? 0 : 1) || String(a.step_due).localeCompare(String(b.step_due)) || String(a.code).localeCompare(String(b.code));
  const open = clients.filter((c) => c.status !== 'closed').sort(byDue);
  const known = new Set(steps.map((s) => s.key));
  const sections = steps.map((s) => section(s.key, s.name, open.filter((c) => c.step === s.key)));
  const orphans = open.filter((c) => !known.has(c.step));
  if (orphans.length) sections.push(section('', t('regie.otherStep'), orphans));
  const done = clients.filter((c) => c.status === 'closed');
  if (done.length) sections.push(section('closed', t('regie.closedCases'), done));
  if (!clients.length) sections.unshift(h('p', { class: 'state state-empty card', dataset: { test: 'cases-empty' } }, t('regie.noCases')));
  return h('div', { class: 'regie-groups' }, sections);
}

/**
 * @param {string} key
 * @param {string} name
 * @param {any[]} clients
 * @returns {HTMLElement}
 */
function section(key, name, clients) {
  const headingId = 'regie-step-' + (key || 'other');
  return h(
    'section',
    { class: 'regie-group', 'aria-labelledby': headingId, dataset: { test: 'step-group', step: key } },
    h('h2', { id: headingId, class: 'regie-group-title' }, name, h('span', { class: 'regie-count', dataset: { test: 'step-count' } }, String(clients.length))),
    clients.length ? h('ul', { class: 'regie-list' }, clients.map(row)) : h('p', { class: 'regie-group-empty' }, t('regie.stepEmpty'))
  );
}

/**
 * @param {any} c a clients record
 * @returns {HTMLElement}
 */
function row(c) {
  const since = parseDate(c.step_since);
  return h(
    'li',
    { class: 'regie-row', dataset: { test: 'case', id: c.id, code: c.code, step: c.step, status: c.status } },
    h(
      'a',
      { class: 'regie-row-link', href: caseHash(c.id), dataset: { test: 'case-link' } },
      h('span', { class: 'regie-row-title' }, h('span', { class: 'regie-code', dataset: { test: 'case-code' } }, c.code), ' ', h('span', { class: 'regie-initials' }, c.initials)),
      h(
        'span',
        { class: 'regie-row-meta' },
        deadlineBadge(c),
        c.neighbourhood && h('span', null, c.neighbourhood),
        since && h('span', null, t('regie.inStepSince', { when: relativeTime(since) }))
      )
    )
  );
}
