// A team's member list. Coordinators add colleagues (found in the
// directory by name, discipline or e-mail address) above the list, remove
// members and change roles in each row, and block or unblock a member's
// account apart from those routine actions, after the app's own
// confirmation; every member can leave, at the bottom, away from the add
// field.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { avatar, loading, loadError, errorLine, showError, toast, announce } from '../../components/ui.js';
import { confirmDialog } from '../../components/dialog.js';

/**
 * @typedef {Object} MembersOptions
 * @property {any} team the team record
 * @property {any|undefined} membership the signed-in user's membership of the team
 * @property {boolean} open whether the panel starts unfolded
 * @property {() => void} onOwnChange called after the signed-in user left
 */

/**
 * Creates the members panel of a team page.
 *
 * @param {MembersOptions} options
 * @returns {{el: HTMLElement, destroy: () => void}}
 */
export function createMembers({ team, membership, open, onOwnChange }) {
  const isCoordinator = membership?.role === 'coordinator';
  const list = h('ul', { class: 'member-list', dataset: { test: 'members' } });
  const error = errorLine();
  const count = h('span', { class: 'count' });
  // a disclosure: folded on phones above the feed, open beside it on desktops
  const el = h(
    'details',
    { class: 'members card', open: open },
    h('summary', null, h('h2', { id: 'members-heading' }, t('members.heading'), ' ', count)),
    error,
    list
  );
  /** @type {any[]} */
  let members = [];
  let destroyed = false;

  // adding comes first, above the list; leaving comes last, below it, so
  // a thumb aiming at one never lands on the other
  if (isCoordinator) list.before(addColleague());
  if (membership) {
    el.append(
      h(
        'div',
        { class: 'leave' },
        h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'leave-team' }, on: { click: leave } }, t('members.leave'))
      )
    );
  }

  async function load() {
    replace(list, h('li', null, loading()));
    try {
      members = await pb.collection('memberships').getFullList({
        // a filter through "user" brings the directory's rule along, which
        // leaves blocked colleagues out: only coordinators list them here
        filter: pb.filter(isCoordinator ? 'team = {:team}' : 'team = {:team} && user.name != ""', { team: team.id }),
        expand: 'user',
      });
      if (!destroyed) render();
    } catch (err) {
      if (!destroyed) replace(list, h('li', null, loadError(err, load)));
    }
  }

  function render() {
    members.sort(
      (a, b) =>
        (a.role === 'coordinator' ? 0 : 1) - (b.role === 'coordinator' ? 0 : 1) ||
        String(a.expand?.user?.name || '').localeCompare(String(b.expand?.user?.name || ''))
    );
    count.textContent = `(${members.length})`;
    replace(list, members.map(row));
  }

  function row(m) {
    const user = m.expand?.user;
    const me = currentUser();
    const self = user?.id === me?.id;
    return h(
      'li',
      { class: 'member', dataset: { test: 'member', id: m.id, user: m.user } },
      avatar(user),
      h(
        'div',
        { class: 'member-main' },
        h('span', { class: 'member-name' }, user?.name || '?', self ? ' ' + t('members.you') : '', user?.disabled ? h('span', { class: 'badge badge-must', dataset: { test: 'member-blocked' } }, t('members.blocked')) : null),
        h('span', { class: 'member-sub' }, [user?.discipline, m.role === 'coordinator' ? t('roles.coordinator') : null].filter(Boolean).join(' · '))
      ),
      isCoordinator &&
        !self &&
        h(
          'div',
          { class: 'member-actions' },
          h(
            'button',
            { type: 'button', class: 'btn-link', on: { click: () => setRole(m, m.role === 'coordinator' ? 'member' : 'coordinator') } },
            m.role === 'coordinator' ? t('members.makeMember') : t('members.makeCoordinator')
          ),
          h(
            'button',
            { type: 'button', class: 'btn-link btn-danger-link', dataset: { test: 'remove-member' }, 'aria-label': t('members.removeNamed', { name: user?.name || '' }), on: { click: () => remove(m) } },
            t('members.remove')
          )
        ),
      // blocking shuts the person out of the whole organisation: set apart
      // from the team's routine actions, on a line of its own
      isCoordinator &&
        !self &&
        user &&
        h(
          'div',
          { class: 'member-account' },
          h(
            'button',
            {
              type: 'button',
              class: user.disabled ? 'btn-link' : 'btn-link btn-danger-link',
              dataset: { test: user.disabled ? 'unblock-member' : 'block-member' },
              'aria-label': t(user.disabled ? 'members.unblockNamed' : 'members.blockNamed', { name: user.name || '' }),
              on: { click: () => (user.disabled ? setBlocked(m, false) : confirmBlock(m)) },
            },
            user.disabled ? t('members.unblock') : t('members.block')
          )
        )
    );
  }

  /**
   * Asks in the app's own dialog before blocking a member's account; a
   * refusal shows in the dialog.
   *
   * @param {any} m the membership
   */
  function confirmBlock(m) {
    const name = m.expand?.user?.name || '';
    confirmDialog({
      title: t('members.blockNamed', { name }),
      body: t('members.confirmBlock', { name }),
      yes: t('members.block'),
      test: 'block-member-dialog',
      onYes: () => changeBlocked(m, true),
    });
  }

  /**
   * Unblocks a member's account at once (harmless: no question first);
   * a refusal shows above the list.
   *
   * @param {any} m the membership
   * @param {boolean} blocked
   */
  async function setBlocked(m, blocked) {
    showError(error, '');
    try {
      await changeBlocked(m, blocked);
    } catch (err) {
      showError(error, err.message);
    }
  }

  /**
   * Blocks or unblocks a member's account: a blocked colleague is signed
   * out everywhere at once and cannot sign in until unblocked. It throws
   * an Error with the refusal's words.
   *
   * @param {any} m the membership
   * @param {boolean} blocked
   */
  async function changeBlocked(m, blocked) {
    const name = m.expand?.user?.name || '';
    try {
      await pb.send(`/api/buurtplein/users/${encodeURIComponent(m.user)}/${blocked ? 'disable' : 'enable'}`, { method: 'POST' });
    } catch (err) {
      throw new Error(describeError(err, 'block').message);
    }
    members = members.map((x) => (x.id === m.id ? { ...x, expand: { ...x.expand, user: { ...x.expand.user, disabled: blocked } } } : x));
    render();
    toast(t(blocked ? 'members.blockDone' : 'members.unblockDone', { name }));
  }

  async function setRole(m, role) {
    showError(error, '');
    try {
      const updated = await pb.collection('memberships').update(m.id, { role }, { expand: 'user' });
      members = members.map((x) => (x.id === m.id ? updated : x));
      render();
      announce(t('members.roleChanged', { name: updated.expand?.user?.name || '' }));
    } catch (err) {
      const problem = describeError(err, 'members');
      showError(error, problem.fields.role || problem.message);
    }
  }

  /**
   * Deletes a membership; a refusal throws an Error with its words (the
   * app's dialog shows them).
   *
   * @param {string} id
   */
  async function deleteMembership(id) {
    try {
      await pb.collection('memberships').delete(id);
    } catch (err) {
      const problem = describeError(err, 'members');
      throw new Error(problem.fields.role || problem.message);
    }
  }

  function remove(m) {
    const name = m.expand?.user?.name || '';
    confirmDialog({
      title: t('members.removeNamed', { name }),
      body: t('members.confirmRemove', { name, team: team.name }),
      yes: t('members.remove'),
      test: 'remove-member-dialog',
      onYes: async () => {
        await deleteMembership(m.id);
        members = members.filter((x) => x.id !== m.id);
        render();
        toast(t('members.removed', { name }));
      },
    });
  }

  function leave() {
    if (!membership) return;
    confirmDialog({
      title: t('members.leave'),
      body: t('members.confirmLeave', { team: team.name }),
      yes: t('members.leave'),
      test: 'leave-team-dialog',
      onYes: async () => {
        await deleteMembership(membership.id);
        toast(t('members.left', { team: team.name }));
        onOwnChange();
      },
    });
  }

  function addColleague() {
    const input = h('input', { type: 'search', id: 'add-member-search', name: 'q', autocomplete: 'off', placeholder: t('members.searchPlaceholder'), dataset: { test: 'add-member-search' } });
    const results = h('ul', { class: 'pick-list', 'aria-live': 'polite' });
    const addError = errorLine();

    const search = debounce(async () => {
      const q = input.value.trim();
      if (q.length < 2) {
        replace(results);
        return;
      }
      try {
        const found = await pb.collection('users').getList(1, 8, {
          // the address colleagues know (contact_email): the sign-in
          // address stays private, and the server refuses filters on it
          filter: pb.filter('name ~ {:q} || discipline ~ {:q} || contact_email ~ {:q}', { q }),
          sort: 'name',
          skipTotal: true,
        });
        if (input.value.trim() !== q) return;
        const memberIds = new Set(members.map((m) => m.user));
        const candidates = found.items.filter((u) => !memberIds.has(u.id) && !u.disabled);
        replace(
          results,
          candidates.length
            ? candidates.map((u) =>
                h(
                  'li',
                  { class: 'pick' },
                  avatar(u, 'sm'),
                  h('span', { class: 'pick-name' }, u.name, [u.discipline, u.contact_email].filter(Boolean).map((x) => h('span', { class: 'member-sub' }, ' · ' + x))),
                  h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { test: 'add-member' }, 'aria-label': t('members.addNamed', { name: u.name }), on: { click: () => add(u) } }, t('members.add'))
                )
              )
            : h('li', { class: 'hint' }, t('members.noCandidates'))
        );
      } catch (err) {
        showError(addError, describeError(err).message);
      }
    }, 250);
    input.addEventListener('input', search);

    async function add(user) {
      showError(addError, '');
      try {
        const created = await pb.collection('memberships').create({ team: team.id, user: user.id, role: 'member' }, { expand: 'user' });
        members.push(created);
        render();
        input.value = '';
        replace(results);
        toast(t('members.added', { name: user.name, team: team.name }));
        input.focus();
      } catch (err) {
        const problem = describeError(err, 'members');
        showError(addError, problem.message);
      }
    }

    return h(
      'div',
      { class: 'add-member' },
      h('h3', null, t('members.addHeading')),
      h('label', { for: 'add-member-search' }, t('members.searchLabel')),
      input,
      addError,
      results
    );
  }

  load();
  return {
    el,
    destroy() {
      destroyed = true;
    },
  };
}
