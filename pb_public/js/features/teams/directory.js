// The employee directory (#/directory): find a colleague by name,
// discipline or team, and call or mail them with one tap.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { avatar, loading, loadError } from '../../components/ui.js';

const PER_PAGE = 30;

/**
 * Mounts the directory.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  let destroyed = false;
  let page = 1;
  let requestNo = 0;
  /** @type {any[]} */
  let teams = [];

  const search = h('input', { type: 'search', id: 'directory-q', name: 'q', autocomplete: 'off', placeholder: t('directory.placeholder'), dataset: { test: 'directory-search' } });
  const teamSelect = h('select', { id: 'directory-team', name: 'team' }, h('option', { value: '' }, t('directory.allTeams')));
  const results = h('ul', { class: 'people', dataset: { test: 'directory' } });
  const status = h('div', { class: 'directory-status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-block', hidden: true }, t('feed.more'));

  el.append(
    h('div', { class: 'page-head' }, h('h1', null, t('directory.title')), h('p', { class: 'page-sub' }, t('directory.intro'))),
    h(
      'form',
      { class: 'card directory-filters', role: 'search', on: { submit: (e) => e.preventDefault() } },
      h('div', { class: 'field' }, h('label', { for: 'directory-q' }, t('directory.searchLabel')), search),
      h('div', { class: 'field' }, h('label', { for: 'directory-team' }, t('directory.teamLabel')), teamSelect)
    ),
    status,
    results,
    more
  );

  function filter() {
    const q = search.value.trim();
    const parts = [];
    const params = {};
    if (q) {
      parts.push('(name ~ {:q} || discipline ~ {:q} || memberships_via_user.team.name ?~ {:q})');
      params.q = q;
    }
    if (teamSelect.value) {
      parts.push('memberships_via_user.team ?= {:team}');
      params.team = teamSelect.value;
    }
    return parts.length ? pb.filter(parts.join(' && '), params) : '';
  }

  async function load(reset) {
    const no = ++requestNo;
    if (reset) {
      page = 1;
      replace(status, loading());
    }
    try {
      const result = await pb.collection('users').getList(page, PER_PAGE, { filter: filter(), sort: 'name,id', skipTotal: true });
      const memberships = await membershipsOf(result.items.map((u) => u.id));
      if (destroyed || no !== requestNo) return;
      if (reset) replace(results);
      for (const user of result.items) results.append(person(user, memberships.get(user.id) || []));
      more.hidden = result.items.length < PER_PAGE;
      const none = !results.children.length;
      replace(status, none ? h('p', { class: 'state state-empty' }, t('directory.none')) : h('p', { class: 'visually-hidden' }, t('directory.shown', { n: results.children.length })));
    } catch (err) {
      if (!destroyed && no === requestNo) replace(status, loadError(err, () => load(true)));
    }
  }

  search.addEventListener('input', debounce(() => load(true), 250));
  teamSelect.addEventListener('change', () => load(true));
  more.addEventListener('click', () => {
    page++;
    load(false);
  });

  pb.collection('teams')
    .getFullList({ sort: 'name' })
    .then((list) => {
      if (destroyed) return;
      teams = list;
      for (const team of teams) teamSelect.append(h('option', { value: team.id }, team.name));
    })
    .catch(() => {
      // the team filter stays empty; searching by team name still works
    });

  load(true);
  return () => {
    destroyed = true;
  };
}

/**
 * Fetches the memberships (team expanded) of some users in one request.
 *
 * @param {string[]} userIds
 * @returns {Promise<Map<string, any[]>>}
 */
async function membershipsOf(userIds) {
  /** @type {Map<string, any[]>} */
  const byUser = new Map();
  if (!userIds.length) return byUser;
  const params = Object.fromEntries(userIds.map((id, n) => ['u' + n, id]));
  const filter = pb.filter(userIds.map((_, n) => `user = {:u${n}}`).join(' || '), params);
  const list = await pb.collection('memberships').getFullList({ filter, expand: 'team' });
  for (const m of list) {
    if (!byUser.has(m.user)) byUser.set(m.user, []);
    byUser.get(m.user).push(m);
  }
  return byUser;
}

function person(user, memberships) {
  return h(
    'li',
    { class: 'person card', dataset: { test: 'person', id: user.id } },
    avatar(user, 'lg'),
    h(
      'div',
      { class: 'person-main' },
      h('h2', { class: 'person-name' }, user.name || '?', user.disabled ? h('span', { class: 'badge badge-must', dataset: { test: 'person-blocked' } }, t('directory.blocked')) : null),
      user.discipline && h('p', { class: 'person-discipline' }, user.discipline),
      contactLinks(user),
      memberships.length > 0 &&
        h(
          'ul',
          { class: 'person-teams', 'aria-label': t('directory.teamsOf', { name: user.name || '' }) },
          memberships
            .filter((m) => m.expand?.team)
            .map((m) =>
              h(
                'li',
                null,
                h('a', { href: '#/team/' + encodeURIComponent(m.expand.team.slug), class: 'chip' }, m.expand.team.name, m.role === 'coordinator' ? ' · ' + t('roles.coordinator') : '')
              )
            )
        )
    )
  );
}

/**
 * The links to call and to mail a colleague (users.phone and
 * contact_email), or nothing when they left both empty. The visible text
 * is the number or address itself, so it can be read off too.
 *
 * @param {any} user
 * @returns {HTMLElement|null}
 */
function contactLinks(user) {
  const name = user.name || '';
  const links = [];
  const phone = String(user.phone || '').trim();
  // tel: takes digits and a leading +, not the spaces people write, nor
  // the "(0)" of "+31 (0)20", which is not dialled after a country code
  const dial = phone.replace(/\(0\)/g, '').replace(/[^0-9+]/g, '');
  if (dial) {
    links.push(
      h('li', null, h('a', { href: 'tel:' + dial, class: 'person-contact', dataset: { test: 'person-phone' } }, h('span', { class: 'visually-hidden' }, t('directory.call', { name }) + ' '), phone))
    );
  }
  const mail = String(user.contact_email || '').trim();
  if (mail) {
    links.push(
      h('li', null, h('a', { href: 'mailto:' + encodeURIComponent(mail).replace(/%40/g, '@'), class: 'person-contact', dataset: { test: 'person-email' } }, h('span', { class: 'visually-hidden' }, t('directory.mail', { name }) + ' '), mail))
    );
  }
  return links.length ? h('ul', { class: 'person-contacts', 'aria-label': t('directory.contactOf', { name }) }, links) : null;
}
