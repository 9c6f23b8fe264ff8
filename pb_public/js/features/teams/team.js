// A team's page (#/team/<slug>): its feed for members, its members, and a
// clear "not a member" state for everyone else.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { getState, membershipOf, subscribe } from '../../store.js';
import { createFeed } from '../feed/feed-list.js';
import { readTeamHead } from './team-head.js';
import { createMembers } from './members.js';
import { loading, loadError } from '../../components/ui.js';

/**
 * Mounts the team page.
 *
 * @param {HTMLElement} el the screen container
 * @param {{slug: string, reloadMemberships: () => Promise<void>}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { slug, reloadMemberships }) {
  /** @type {Array<() => void>} */
  let parts = [];
  let team = null;
  let destroyed = false;

  const clear = () => {
    for (const fn of parts.splice(0)) fn();
  };

  /** @type {any|undefined} the signed-in user's membership of this team */
  let membership;

  async function load() {
    replace(el, loading());
    try {
      // ask the server rather than the store: right after a reload the
      // store's memberships may still be on their way
      ({ team, membership } = await readTeamHead(slug, getState().user?.id || ''));
    } catch (err) {
      if (destroyed) return;
      if (err?.status === 404) {
        replace(el, h('div', { class: 'state state-empty' }, h('h1', null, t('team.notFoundTitle')), h('p', null, t('team.notFound', { slug })), h('a', { href: '#/teams', class: 'btn btn-secondary' }, t('team.allTeams'))));
      } else {
        replace(el, loadError(err, load));
      }
      return;
    }
    if (!destroyed) render();
  }

  function render() {
    clear();
    document.title = `${team.name} · ${t('app.name')}`;

    const head = h(
      'div',
      { class: 'page-head team-head' },
      h('h1', null, team.name, team.kind === 'bob' ? h('span', { class: 'badge badge-bob' }, t('team.bob')) : null),
      team.area && h('p', { class: 'page-sub' }, team.area),
      team.description && h('p', { class: 'team-description' }, team.description),
      membership && h('p', { class: 'team-role' }, membership.role === 'coordinator' ? t('team.youAreCoordinator') : t('team.youAreMember')),
      membership &&
        h(
          'p',
          { class: 'team-links' },
          h('a', { class: 'btn btn-secondary btn-small', href: '#/team/' + encodeURIComponent(team.slug) + '/tasks', dataset: { test: 'team-board-link' } }, h('span', { class: 'icon icon-tasks', 'aria-hidden': 'true' }), t('team.board'))
        )
    );

    const members = createMembers({
      team,
      membership,
      open: !membership || matchMedia('(min-width: 900px)').matches,
      onOwnChange: async () => {
        membership = undefined;
        await reloadMemberships();
        if (!destroyed) render();
      },
    });
    parts.push(members.destroy);

    let main;
    if (membership) {
      const feed = createFeed({ team });
      parts.push(feed.destroy);
      main = feed.el;
    } else {
      main = h(
        'section',
        { class: 'feed', dataset: { test: 'feed', team: team.slug, state: 'not-member' }, 'aria-labelledby': 'not-member-heading' },
        h(
          'div',
          { class: 'card notice', dataset: { test: 'not-member' } },
          h('h2', { id: 'not-member-heading' }, t('team.notMemberTitle')),
          h('p', null, t('team.notMember', { team: team.name }))
        )
      );
    }

    replace(el, head, h('div', { class: 'team-layout' }, h('div', { class: 'team-main' }, main), h('aside', { class: 'team-aside' }, members.el)));
  }

  // someone adds me to (or removes me from) this team while I look at it
  const unsubscribe = subscribe((state, changed) => {
    if (!team || !changed.includes('memberships')) return;
    const now = membershipOf(team.id);
    if (Boolean(now) !== Boolean(membership) || now?.role !== membership?.role) {
      membership = now;
      render();
    }
  });

  load();
  return () => {
    destroyed = true;
    unsubscribe();
    clear();
  };
}
