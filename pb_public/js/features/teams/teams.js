// My teams (#/teams): the teams I am in, then every other team.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState, subscribe } from '../../store.js';
import { loading, loadError } from '../../components/ui.js';
import { teamInitials } from '../../format.js';

/**
 * Mounts the teams screen.
 *
 * @param {HTMLElement} el the screen container
 * @returns {() => void} cleanup
 */
export function mount(el) {
  let destroyed = false;
  const mine = h('section', { class: 'card', 'aria-labelledby': 'my-teams' });
  const others = h('section', { class: 'card', 'aria-labelledby': 'other-teams' });
  el.append(h('div', { class: 'page-head' }, h('h1', null, t('teams.title'))), h('div', { class: 'stack' }, mine, others));

  async function load() {
    const memberships = getState().memberships;
    replace(
      mine,
      h('h2', { id: 'my-teams' }, t('teams.mine')),
      memberships.length
        ? h(
            'ul',
            { class: 'team-list', dataset: { test: 'my-teams' } },
            memberships.map((m) => teamItem(m.expand?.team, m.role))
          )
        : h('p', { class: 'state state-empty' }, t('teams.none'))
    );

    replace(others, h('h2', { id: 'other-teams' }, t('teams.others')), loading());
    try {
      const all = await pb.collection('teams').getFullList({ sort: 'name' });
      if (destroyed) return;
      const mineIds = new Set(memberships.map((m) => m.team));
      const rest = all.filter((team) => !mineIds.has(team.id));
      replace(
        others,
        h('h2', { id: 'other-teams' }, t('teams.others')),
        rest.length ? h('ul', { class: 'team-list' }, rest.map((team) => teamItem(team, null))) : h('p', { class: 'state state-empty' }, t('teams.noOthers'))
      );
    } catch (err) {
      if (!destroyed) replace(others, h('h2', { id: 'other-teams' }, t('teams.others')), loadError(err, load));
    }
  }

  load();
  // right after a reload the memberships may arrive after the first render
  const unsubscribe = subscribe((state, changed) => {
    if (changed.includes('memberships')) load();
  });
  return () => {
    destroyed = true;
    unsubscribe();
  };
}

function teamItem(team, role) {
  if (!team) return null;
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'team-link', href: '#/team/' + encodeURIComponent(team.slug) },
      h('span', { class: 'team-badge', 'aria-hidden': 'true' }, teamInitials(team.name)),
      h(
        'span',
        { class: 'team-link-main' },
        h('span', { class: 'team-link-name' }, team.name),
        h('span', { class: 'team-link-sub' }, [team.area, team.kind === 'bob' ? t('team.bob') : null].filter(Boolean).join(' · '))
      ),
      role && h('span', { class: ['badge', role === 'coordinator' && 'badge-coordinator'] }, t('roles.' + role))
    )
  );
}
