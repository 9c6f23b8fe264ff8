// A case (#/regie/case/<id>): the client, the step the case is in with its
// deadline, what moves it on, the records its steps ask for (referral,
// conversations, plan), its timeline and the client's rights. Every read
// is logged by the server; changes arrive on the team's topic as ids only
// and the case is read again.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { loading, loadError } from '../../components/ui.js';
import { parseDate, fullDate } from '../../format.js';
import { mountRegie, teamById, loadTemplate, teamPeople, deadlineBadge, stepName, casesHash, notFound, CLIENT_DATA } from './model.js';
import { moveBox } from './case-move.js';
import { referralList, referralForm, conversationList, conversationForm, planList, planForm, disclosure, swapDisclosure } from './case-forms.js';
import { rightsBox } from './case-rights.js';

/**
 * Mounts a case.
 *
 * @param {HTMLElement} el
 * @param {{id: string}} props
 * @returns {() => void} cleanup
 */
export function mount(el, props) {
  return mountRegie(el, (live) => show(el, props.id, live));
}

/**
 * @typedef {Object} CaseData
 * @property {any} client
 * @property {any} team
 * @property {import('./model.js').Step[]} steps
 * @property {string} templateUpdated when the team's template last changed
 * @property {any[]} history case_steps, oldest first
 * @property {any[]} referrals
 * @property {any[]} conversations
 * @property {any[]} plans
 * @property {any[]} people
 */

/**
 * @param {HTMLElement} el
 * @param {string} id
 * @param {import('../../live.js').Live} live
 */
function show(el, id, live) {
  const root = h('article', { class: 'regie-case', dataset: { test: 'case-view', id, state: 'loading' } }, loading());
  replace(el, root);
  const liveNotice = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });

  const boxes = {
    crumbs: h('p', { class: 'crumbs' }),
    head: h('header', { class: 'card regie-head', dataset: { test: 'case-head' } }),
    move: h('div', { class: 'regie-move-box' }),
    referrals: h('div'),
    referralForm: h('div'),
    conversations: h('div'),
    conversationForm: h('div'),
    plans: h('div'),
    planForm: h('div'),
    timeline: h('div'),
    rights: h('div'),
  };
  /** @type {CaseData|null} */
  let shown = null;
  let built = false;

  function build() {
    const section = (name, title, ...children) => h('section', { class: 'card regie-section', 'aria-labelledby': 'regie-' + name, dataset: { test: 'case-' + name } }, h('h2', { id: 'regie-' + name }, title), children);
    replace(
      root,
      liveNotice,
      boxes.crumbs,
      boxes.head,
      boxes.move,
      section('referrals', t('regie.referral.title'), boxes.referrals, boxes.referralForm),
      section('conversations', t('regie.conversation.title'), boxes.conversations, boxes.conversationForm),
      section('plans', t('regie.plan.title'), boxes.plans, boxes.planForm),
      section('timeline', t('regie.timeline.title'), boxes.timeline),
      boxes.rights
    );
    built = true;
  }

  let reading = 0;
  async function load() {
    const mine = ++reading;
    try {
      const data = await read(id);
      if (live.destroyed || mine !== reading) return;
      render(data);
      root.dataset.state = 'ready';
    } catch (err) {
      if (live.destroyed || mine !== reading) return;
      root.dataset.state = 'error';
      built = false;
      replace(root, err?.status === 404 ? notFound() : loadError(err, load));
    }
  }

  /** @param {CaseData} data */
  function render(data) {
    if (!built) build();
    const { client, team, steps } = data;
    const moved = !shown || shown.client.step !== client.step || shown.client.status !== client.status || shown.templateUpdated !== data.templateUpdated;
    root.dataset.step = client.step;
    root.dataset.status = client.status;
    if (!shown) replace(boxes.crumbs, h('a', { href: casesHash(team.slug), dataset: { test: 'back-to-list' } }, t('regie.casesOf', { team: team.name })));
    replace(boxes.head, header(client, steps));
    // the move panel keeps what is being typed unless the case moved
    if (moved) replace(boxes.move, moveBox({ client, steps, onMoved: load }));
    replace(boxes.referrals, referralList(data.referrals));
    replace(boxes.conversations, conversationList(data.conversations));
    replace(boxes.plans, planList(data.plans, data.people));
    replace(boxes.timeline, timeline(data.history, steps));
    if (!shown) {
      replace(boxes.referralForm, disclosure(t('regie.referral.new'), 'referral-new', referralForm({ client, onSaved: load })));
      replace(boxes.conversationForm, disclosure(t('regie.conversation.new'), 'conversation-new', conversationForm({ client, onSaved: load })));
      replace(boxes.rights, rightsBox(client));
    }
    const latest = data.plans[0] || null;
    if (!shown || (shown.plans[0]?.id || '') !== (latest?.id || '') || shown.plans[0]?.updated !== latest?.updated) {
      swapDisclosure(boxes.planForm, disclosure(latest ? t('regie.plan.edit') : t('regie.plan.new'), 'plan-edit', planForm({ client, plan: latest, people: data.people, onSaved: load })));
    }
    shown = data;
  }

  const reload = debounce(() => {
    liveNotice.textContent = t('regie.updatedLive');
    load();
  }, 200);
  // an event names only a record. A move of this case updates the client
  // (its case_steps record needs no event of its own); a change or
  // deletion of a part concerns this case when the part is shown here; a
  // new part may be this case's or another's of the team, so it is read
  // again (which the log shows)
  const concerns = (e) => {
    const name = e.record.collectionName;
    if (name === 'clients') return e.record.id === id;
    if (name === 'case_steps') return false;
    if (e.action === 'create') return true;
    return Boolean(shown?.[name]?.some((r) => r.id === e.record.id));
  };
  const onPart = (e) => concerns(e) && reload();
  live.mark(root, [...CLIENT_DATA.map((c) => live.on(c, '*', onPart)), live.on('process_templates', '*', reload), live.onReconnect(load)]);
  load();
}

/**
 * Reads everything the case view shows.
 *
 * @param {string} id the client's id
 * @returns {Promise<CaseData>}
 */
async function read(id) {
  const client = await pb.collection('clients').getOne(id);
  const team = teamById(client.team);
  if (!team) throw { status: 404 };
  const byClient = { filter: pb.filter('client = {:client}', { client: id }) };
  const [template, history, referrals, conversations, plans, people] = await Promise.all([
    loadTemplate(client.team),
    pb.collection('case_steps').getFullList({ ...byClient, sort: 'created', expand: 'actor' }),
    pb.collection('referrals').getFullList({ ...byClient, sort: '-received,-created', expand: 'author' }),
    pb.collection('conversations').getFullList({ ...byClient, sort: '-date,-created', expand: 'author' }),
    pb.collection('plans').getFullList({ ...byClient, sort: '-created', expand: 'regisseur' }),
    teamPeople(client.team),
  ]);
  return { client, team, steps: template.steps, templateUpdated: template.record.updated, history, referrals, conversations, plans, people };
}

/**
 * @param {any} client
 * @param {import('./model.js').Step[]} steps
 * @returns {HTMLElement[]}
 */
function header(client, steps) {
  const since = parseDate(client.step_since);
  const facts = [
    client.birth_year && [t('regie.client.birth_year'), String(client.birth_year)],
    client.neighbourhood && [t('regie.client.neighbourhood'), client.neighbourhood],
    client.contact_preference && [t('regie.client.contact_preference'), t('regie.contact.' + client.contact_preference)],
    client.contact_notes && [t('regie.client.contact_notes'), client.contact_notes],
  ].filter(Boolean);
  return [
    h('h1', { class: 'regie-title' }, h('span', { class: 'regie-code', dataset: { test: 'case-code' } }, client.code), ' ', h('span', { class: 'regie-initials' }, client.initials)),
    h(
      'p',
      { class: 'regie-step-line' },
      client.status === 'closed'
        ? h('span', { class: 'badge regie-closed', dataset: { test: 'case-step', step: client.step } }, t('regie.closedIn', { step: stepName(steps, client.step) }))
        : h('span', { class: 'badge regie-step', dataset: { test: 'case-step', step: client.step } }, stepName(steps, client.step)),
      ' ',
      deadlineBadge(client),
      since && h('span', { class: 'hint' }, ' ', t('regie.stepSince', { when: fullDate(since) }))
    ),
    facts.length > 0 && h('dl', { class: 'regie-facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
  ];
}

/**
 * The case's history, oldest first: how it moved, who moved it, why, and
 * the answers given when it left a step.
 *
 * @param {any[]} history
 * @param {import('./model.js').Step[]} steps
 * @returns {HTMLElement}
 */
function timeline(history, steps) {
  if (!history.length) return h('p', { class: 'hint' }, t('regie.timeline.none'));
  return h(
    'ol',
    { class: 'regie-timeline', dataset: { test: 'timeline' } },
    history.map((s) => {
      const when = parseDate(s.created);
      const fields = steps.find((st) => st.key === s.from)?.fields || [];
      const answers = s.answers && typeof s.answers === 'object' && !Array.isArray(s.answers) ? Object.entries(s.answers) : [];
      return h(
        'li',
        { class: ['regie-event', 'regie-event-' + s.kind], dataset: { test: 'case-step-event', kind: s.kind, from: s.from, to: s.to } },
        h('p', { class: 'regie-event-what' }, t('regie.timeline.' + s.kind, { from: stepName(steps, s.from), to: stepName(steps, s.to) })),
        h('p', { class: 'hint' }, [when && fullDate(when), s.expand?.actor?.name].filter(Boolean).join(' · ')),
        s.reason && h('p', { class: 'regie-text' }, h('strong', null, t('regie.timeline.reason') + ': '), s.reason),
        answers.length > 0 &&
          h(
            'dl',
            { class: 'regie-facts' },
            answers.map(([key, value]) => [h('dt', null, fields.find((f) => f.key === key)?.label || key), h('dd', null, typeof value === 'boolean' ? t(value ? 'regie.yes' : 'regie.no') : String(value))])
          )
      );
    })
  );
}

