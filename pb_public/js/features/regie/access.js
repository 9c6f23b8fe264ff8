// The access report of a client (#/regie/case/<id>/access): who looked at
// or changed the client's file, when, what, in which role and on whose
// behalf, from the server's JSON (NEN 7513), for a period; and the same
// as a PDF to hand to the client. Reading the report is itself logged.

import { h, replace } from '../../dom.js';
import { t, has } from '../../i18n.js';
import { pb } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, errorLine, showError, announce } from '../../components/ui.js';
import { parseDate, fullDate } from '../../format.js';
import { mountRegie, caseHash, download, today } from './model.js';

/** The actions an entry can record, as the server names them. */
const ACTIONS = ['create', 'read', 'update', 'delete', 'export', 'print', 'erase', 'refused'];

/**
 * Mounts the access report.
 *
 * @param {HTMLElement} el
 * @param {{id: string}} props
 * @returns {() => void} cleanup
 */
export function mount(el, props) {
  return mountRegie(el, (live) => show(el, props.id, live));
}

/**
 * @param {HTMLElement} el
 * @param {string} id
 * @param {import('../../live.js').Live} live
 */
function show(el, id, live) {
  const base = '/api/buurtplein/clients/' + encodeURIComponent(id) + '/access-report';
  const yearAgo = new Date(Date.now() - 365 * 86400000).toISOString().slice(0, 10);
  const from = /** @type {HTMLInputElement} */ (h('input', { id: 'access-from', name: 'from', type: 'date', value: yearAgo, dataset: { test: 'access-from' } }));
  const to = /** @type {HTMLInputElement} */ (h('input', { id: 'access-to', name: 'to', type: 'date', value: today(), dataset: { test: 'access-to' } }));
  const title = h('h1', null, t('regie.access.title'));
  const root = h('section', { class: 'regie-access', dataset: { test: 'access-report', id, state: 'loading' } });
  const tableBox = h('div', null, loading());
  const error = errorLine();
  const pdf = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'access-pdf' } }, t('regie.access.pdf')));
  const form = h(
    'form',
    { class: 'card regie-period', dataset: { test: 'access-period' } },
    h('div', { class: 'regie-period-fields' }, h('div', { class: 'field' }, h('label', { for: 'access-from' }, t('regie.access.from')), from), h('div', { class: 'field' }, h('label', { for: 'access-to' }, t('regie.access.to')), to)),
    error,
    h('div', { class: 'form-actions' }, pdf, h('button', { type: 'submit', class: 'btn btn-primary', dataset: { test: 'access-show' } }, t('regie.access.show')))
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  pdf.addEventListener('click', async () => {
    showError(error, '');
    pdf.disabled = true;
    try {
      await download(base + '?format=pdf&' + period(), t('regie.access.filename', { code: root.dataset.code || id }));
      announce(t('regie.rights.downloaded'));
    } catch (err) {
      showError(error, describeError(err, 'regieReport').message);
    } finally {
      pdf.disabled = false;
    }
  });

  replace(el, h('p', { class: 'crumbs' }, h('a', { href: caseHash(id), dataset: { test: 'back-to-case' } }, t('regie.access.backToCase'))), h('div', { class: 'page-head' }, title, h('p', { class: 'page-sub' }, t('regie.access.intro'))), form, root);
  replace(root, tableBox);

  function period() {
    const q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    return q.toString();
  }

  let reading = 0;
  async function load() {
    const mine = ++reading;
    root.dataset.state = 'loading';
    showError(error, '');
    try {
      const report = await pb.send(base + '?format=json&' + period(), { method: 'GET' });
      if (live.destroyed || mine !== reading) return;
      root.dataset.code = report?.client?.code || '';
      title.textContent = t('regie.access.titleOf', { code: report?.client?.code || '' });
      replace(tableBox, entriesTable(Array.isArray(report?.entries) ? report.entries : []));
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed || mine !== reading) return;
      root.dataset.state = 'error';
      replace(tableBox, loadError(err, load));
    }
  }
  load();
}

/**
 * The entries as a table (on a phone each row reads as a small card).
 *
 * @param {any[]} entries chronological
 * @returns {HTMLElement}
 */
function entriesTable(entries) {
  if (!entries.length) return h('p', { class: 'state state-empty card', dataset: { test: 'access-empty' } }, t('regie.access.none'));
  const cols = ['when', 'action', 'who', 'team', 'onBehalfOf', 'record', 'ip'];
  return h(
    'div',
    { class: 'regie-table-wrap' },
    h('p', { class: 'hint', dataset: { test: 'access-count' } }, t('regie.access.count', { n: entries.length })),
    h(
      'table',
      { class: 'regie-table' },
      h('caption', { class: 'visually-hidden' }, t('regie.access.caption')),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t('regie.access.col.' + c))))),
      h(
        'tbody',
        null,
        entries.map((e) => {
          const when = parseDate(e.created);
          const cell = (c, ...children) => h('td', { 'data-label': t('regie.access.col.' + c) }, h('span', null, children));
          return h(
            'tr',
            { dataset: { test: 'access-entry', action: e.action, user: e.user } },
            cell('when', when ? h('time', { datetime: when.toISOString() }, fullDate(when)) : ''),
            cell('action', h('span', { class: ['badge', 'regie-action', 'regie-action-' + e.action] }, ACTIONS.includes(e.action) && has('regie.access.action.' + e.action) ? t('regie.access.action.' + e.action) : e.action)),
            cell('who', h('span', { dataset: { test: 'access-user' } }, e.user_name || e.user || t('regie.access.system')), e.role && h('span', { class: 'hint' }, ' (' + (has('regie.access.role.' + e.role) ? t('regie.access.role.' + e.role) : e.role) + ')')),
            cell('team', e.team_name || e.team || ''),
            cell('onBehalfOf', e.on_behalf_of || ''),
            cell('record', h('span', { class: 'regie-record' }, e.record || '')),
            cell('ip', e.ip || '')
          );
        })
      )
    )
  );
}
