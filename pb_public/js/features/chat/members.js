// A conversation's people (#/chat/<id>/members): who is in it; joining and
// leaving an organisation channel; adding colleagues to a group, and
// leaving it.

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { avatar, loading, loadError, toast, errorLine, showError } from '../../components/ui.js';
import { channelName, loadChannels } from './model.js';

/**
 * Mounts the members screen.
 *
 * @param {HTMLElement} el
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const me = currentUser()?.id || '';
  let destroyed = false;
  const error = errorLine();

  async function load() {
    replace(el, loading());
    try {
      const [channel, res, myRead] = await Promise.all([
        pb.collection('channels').getOne(id, { expand: 'team,members' }),
        pb.send('/api/buurtplein/chat/channels/' + encodeURIComponent(id) + '/members', { method: 'GET' }),
        pb.collection('channel_reads').getList(1, 1, { filter: pb.filter('channel = {:id} && user = {:me}', { id, me }), skipTotal: true }).catch(() => ({ items: [] })),
      ]);
      if (destroyed) return;
      show(channel, res.items || [], myRead.items[0] || null);
    } catch (err) {
      if (!destroyed) replace(el, loadError(err, load));
    }
  }

  /**
   * @param {any} channel
   * @param {any[]} people
   * @param {any|null} myRead
   */
  function show(channel, people, myRead) {
    const name = channelName({ kind: channel.kind, name: channel.name, teamName: channel.expand?.team?.name || '', members: channel.expand?.members || [] });
    const isOrg = channel.kind === 'organisation';
    const isGroup = channel.kind === 'group';
    replace(
      el,
      h(
        'section',
        { class: 'chat-members', dataset: { test: 'chat-members', kind: channel.kind } },
        h('div', { class: 'page-head' }, h('p', { class: 'crumbs' }, h('a', { href: '#/chat/' + encodeURIComponent(id) }, '← ', name)), h('h1', null, t('chat.members'))),
        channel.description && h('p', null, channel.description),
        h(
          'ul',
          { class: 'chat-people card' },
          people.map((p) => h('li', { class: 'chat-person', dataset: { test: 'chat-member', user: p.id } }, avatar({ ...p, collectionName: 'users', collectionId: '_pb_users_auth_' }, 'sm'), h('span', null, p.name), p.discipline && h('span', { class: 'hint' }, p.discipline)))
        ),
        error,
        isOrg && !myRead && h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'chat-join' }, on: { click: () => run(() => pb.collection('channel_reads').create({ channel: id, user: me }), 'chat.joined') } }, t('chat.join')),
        isOrg && myRead && h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'chat-leave' }, on: { click: () => run(() => pb.collection('channel_reads').delete(myRead.id), 'chat.left', true) } }, t('chat.leave')),
        isGroup && renamer(channel),
        isGroup && adder(people),
        isGroup && h('button', { type: 'button', class: 'btn btn-secondary', dataset: { test: 'chat-leave' }, on: { click: () => run(() => pb.collection('channels').update(id, { 'members-': [me] }), 'chat.left', true) } }, t('chat.leave'))
      )
    );
  }

  /**
   * The form to rename a group (any member may).
   *
   * @param {any} channel
   * @returns {HTMLElement}
   */
  function renamer(channel) {
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'chat-rename', name: 'name', maxlength: 80, value: channel.name || '', dataset: { test: 'chat-rename' } }));
    const form = h(
      'form',
      { class: 'card chat-rename', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'chat-rename' }, t('chat.groupName')), input),
      h('button', { type: 'submit', class: 'btn btn-secondary', dataset: { test: 'chat-rename-save' } }, t('chat.rename'))
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      run(() => pb.collection('channels').update(id, { name: input.value.trim() }), 'chat.renamed');
    });
    return form;
  }

  /**
   * The search to add colleagues to a group.
   *
   * @param {any[]} people
   * @returns {HTMLElement}
   */
  function adder(people) {
    const inGroup = new Set(people.map((p) => p.id));
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'chat-add-search', autocomplete: 'off', placeholder: t('chat.searchPlaceholder'), dataset: { test: 'chat-add-search' } }));
    const found = h('ul', { class: 'chat-people' });
    const find = debounce(async () => {
      const q = input.value.trim();
      if (!q) return replace(found);
      const res = await pb.collection('users').getList(1, 10, { filter: pb.filter('name ~ {:q}', { q }), sort: 'name', skipTotal: true }).catch(() => ({ items: [] }));
      if (destroyed) return;
      replace(
        found,
        res.items
          .filter((u) => u.name && !inGroup.has(u.id))
          .map((u) =>
            h(
              'li',
              { class: 'chat-person' },
              avatar(u, 'sm'),
              h('span', null, u.name),
              h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'chat-add', user: u.id }, on: { click: () => run(() => pb.collection('channels').update(id, { 'members+': [u.id] }), 'chat.added') } }, t('chat.add'))
            )
          )
      );
    }, 200);
    input.addEventListener('input', find);
    return h('div', { class: 'card chat-add' }, h('div', { class: 'field' }, h('label', { for: 'chat-add-search' }, t('chat.addPeople')), input), found);
  }

  /**
   * Runs a change, says it went well, and shows the screen again (or the
   * list, after leaving).
   *
   * @param {() => Promise<any>} fn
   * @param {string} done the i18n key of the sentence
   * @param {boolean} [leave]
   */
  async function run(fn, done, leave = false) {
    showError(error, '');
    try {
      await fn();
      toast(t(done));
      loadChannels().catch(() => {});
      if (leave) location.hash = '#/chat';
      else load();
    } catch (err) {
      showError(error, describeError(err, 'chatMembers').message);
    }
  }

  load();
  return () => {
    destroyed = true;
  };
}
