// The shift handover (#/handover, "overdracht"): at the end of a shift or
// before a holiday, offer all my open tasks to one colleague at once, with
// one note. The colleague accepts or declines each; until then the tasks
// stay mine.

import { h, replace, reveal } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { getState, subscribe } from '../../store.js';
import { describeError, codeMessage } from '../../errors.js';
import { loading, loadError, errorLine, showError, markFields, toast, announce } from '../../components/ui.js';
import { compareTasks, anyOf, formatDue, fetchMyPendingOffers } from './model.js';

/**
 * Mounts the shift handover screen.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  const me = currentUser();
  let destroyed = false;
  /** @type {any[]} my open tasks (expand team) */
  let tasks = [];
  /** @type {Map<string, {user: any, teams: Set<string>}>} colleagues in my teams, by id */
  let colleagues = new Map();
  /** @type {Map<string, any>} my pending offers by task id (expand to_user, to_team) */
  let offered = new Map();

  const body = h('div', { class: 'handover-body' });
  const result = h('section', { class: 'handover-result', dataset: { test: 'handover-result' }, hidden: true, 'aria-live': 'polite' });
  el.append(
    h('div', { class: 'page-head' }, h('p', { class: 'crumbs' }, h('a', { href: '#/tasks' }, '← ', t('tasks.mineTitle'))), h('h1', null, t('handover.title')), h('p', { class: 'page-sub' }, t('handover.intro'))),
    result,
    body
  );

  async function load() {
    if (!me) return;
    replace(body, loading());
    const teamIds = getState().memberships.map((m) => m.team);
    try {
      const [mine, memberships, pending] = await Promise.all([
        pb.collection('tasks').getFullList({
          filter: pb.filter('assignee = {:me} && (status = "open" || status = "in_progress")', { me: me.id }),
          expand: 'team',
        }),
        teamIds.length ? pb.collection('memberships').getFullList({ filter: `(${anyOf('team', teamIds)}) && user.disabled = false`, expand: 'user' }) : Promise.resolve([]),
        fetchMyPendingOffers(me.id),
      ]);
      offered = new Map(pending.map((o) => [o.task, o]));
      if (destroyed) return;
      tasks = mine.sort(compareTasks);
      colleagues = new Map();
      for (const m of memberships) {
        if (m.user === me.id || !m.expand?.user) continue;
        if (!colleagues.has(m.user)) colleagues.set(m.user, { user: m.expand.user, teams: new Set() });
        colleagues.get(m.user).teams.add(m.team);
      }
      render();
    } catch (err) {
      if (!destroyed) replace(body, loadError(err, load));
    }
  }

  function teamName(id) {
    return getState().memberships.find((m) => m.team === id)?.expand?.team?.name || '';
  }

  function render() {
    const error = errorLine();
    const preview = h('div', { class: 'handover-preview', dataset: { test: 'handover-preview' }, 'aria-live': 'polite' });
    const people = [...colleagues.values()].sort((a, b) => String(a.user.name || '').localeCompare(String(b.user.name || '')));
    const select = h(
      'select',
      { id: 'handover-to', name: 'to_user', required: true },
      h('option', { value: '' }, t('handoverForm.chooseColleague')),
      people.map((p) => h('option', { value: p.user.id }, `${p.user.name || '?'} (${[...p.teams].map(teamName).filter(Boolean).join(', ')})`))
    );
    // until a colleague is chosen the button says so, instead of "nothing to offer"
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', disabled: true, dataset: { test: 'handover-submit' } }, t('handover.chooseFirst'));

    const updatePreview = () => {
      const chosen = colleagues.get(select.value);
      // what the server will skip: another team, or an offer already pending
      const why = (x) =>
        offered.has(x.id)
          ? t('handover.alreadyOffered', { name: offered.get(x.id).expand?.to_user?.name || offered.get(x.id).expand?.to_team?.name || '?' })
          : !chosen?.teams.has(x.team)
            ? t('handover.notInTeam', { name: chosen?.user.name || '' })
            : '';
      const going = chosen ? tasks.filter((x) => !why(x)) : [];
      const staying = chosen ? tasks.filter((x) => why(x)) : [];
      submit.textContent = chosen ? t('handover.submit', { n: going.length }) : t('handover.chooseFirst');
      submit.disabled = !chosen || going.length === 0;
      replace(
        preview,
        !chosen
          ? h('p', { class: 'hint' }, t('handover.pickFirst', { n: tasks.length }))
          : [
              h('h3', null, t('handover.willOffer', { n: going.length, name: chosen.user.name || '' })),
              going.length ? taskLines(going) : h('p', { class: 'hint' }, t('handover.nothingShared', { name: chosen.user.name || '' })),
              staying.length > 0 && [h('h3', null, t('handover.willStay', { n: staying.length })), taskLines(staying, why)],
            ]
      );
    };
    select.addEventListener('change', updatePreview);

    const form = /** @type {HTMLFormElement} */ (
      h(
        'form',
        { class: 'card', dataset: { test: 'shift-handover' }, novalidate: true },
        tasks.length === 0 && h('p', { class: 'notice card' }, t('handover.noTasks')),
        h('div', { class: 'field' }, h('label', { for: 'handover-to' }, t('handover.to')), select),
        preview,
        h('div', { class: 'field' }, h('label', { for: 'handover-note' }, t('handover.note'), ' ', h('span', { class: 'optional' }, t('common.optional'))), h('textarea', { id: 'handover-note', name: 'note', rows: 4, maxlength: 2000, placeholder: t('handover.notePlaceholder') })),
        error,
        submit
      )
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!select.value) {
        markFields(form, { to_user: t('handoverForm.pickColleague') });
        showError(error, t('handoverForm.pickColleague'));
        return;
      }
      markFields(form, {});
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      showError(error, '');
      const chosen = colleagues.get(select.value);
      try {
        const res = await pb.send('/api/buurtplein/tasks/handover', {
          method: 'POST',
          body: { to_user: select.value, note: /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('note')).value.trim() },
        });
        await showResult(res, chosen?.user);
        form.reset();
        await load();
      } catch (err) {
        const problem = describeError(err, 'handover');
        markFields(form, problem.fields);
        showError(error, problem.message);
        submit.disabled = false;
      } finally {
        form.removeAttribute('aria-busy');
      }
    });
    replace(body, form);
    updatePreview();
  }

  /**
   * @param {any[]} list tasks
   * @param {(task: any) => string} [reason] why a task stays
   */
  function taskLines(list, reason) {
    return h(
      'ul',
      { class: 'handover-lines' },
      list.map((x) => h('li', null, h('a', { href: '#/tasks/' + encodeURIComponent(x.id) }, x.title), h('span', { class: 'member-sub' }, ' · ', [x.expand?.team?.name, x.due ? formatDue(x.due) : '', reason?.(x)].filter(Boolean).join(' · '))))
    );
  }

  async function showResult(res, user) {
    const offered = Array.isArray(res?.offered) ? res.offered : [];
    const skipped = Array.isArray(res?.skipped) ? res.skipped : [];
    const title = new Map(tasks.map((x) => [x.id, x.title]));
    /** @type {any[]} */
    let transfers = [];
    if (offered.length) {
      try {
        // in pieces: a filter holds at most 3,500 bytes (docs/SECURITY.md)
        for (let i = 0; i < offered.length; i += 50) {
          transfers.push(...(await pb.collection('task_transfers').getFullList({ filter: anyOf('id', offered.slice(i, i + 50)) })));
        }
      } catch {
        // the count alone still tells what happened
      }
    }
    const message = t('handover.done', { n: offered.length, name: user?.name || '' });
    toast(message);
    announce(message);
    result.hidden = false;
    replace(
      result,
      h(
        'div',
        { class: 'card' },
        h('h2', null, message),
        transfers.length > 0 && h('ul', { class: 'handover-lines', dataset: { test: 'handover-offered' } }, transfers.map((tr) => h('li', { dataset: { id: tr.id, task: tr.task } }, h('a', { href: '#/tasks/' + encodeURIComponent(tr.task) }, tr.task_title || title.get(tr.task) || '?')))),
        skipped.length > 0 && [
          h('h3', null, t('handover.skipped', { n: skipped.length })),
          h('ul', { class: 'handover-lines', dataset: { test: 'handover-skipped' } }, skipped.map((s) => h('li', { dataset: { task: s.task } }, h('a', { href: '#/tasks/' + encodeURIComponent(s.task) }, s.title || title.get(s.task) || '?'), h('span', { class: 'member-sub' }, ' · ', (s.code && codeMessage(s)) || t('handover.notOffered'))))),
        ],
        h('p', { class: 'hint' }, t('handover.stayUntilAccepted'))
      )
    );
    reveal(result);
  }

  load();
  const unsubscribe = subscribe((state, changed) => {
    // right after a reload the memberships may arrive after the first render
    if (changed.includes('memberships')) load();
  });
  return () => {
    destroyed = true;
    unsubscribe();
  };
}
