// The channel list (#/chat): the signed-in employee's conversations,
// newest activity first, each with its last message, time, unread count
// and a mark when an unread message mentions them; live on the scoped
// topics (the chat model). Below, the organisation's channels one has not
// joined, with a button to join.

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { getState, subscribe } from '../../store.js';
import { avatar, loading, loadError, toast } from '../../components/ui.js';
import { teamInitials } from '../../format.js';
import { channelName, loadChannels, setChannels, timeEl, chatLive } from './model.js';
import { readThrough } from '../../offline/cache.js';
import { markOf } from '../../offline/mark.js';

/**
 * Mounts the channel list.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  let destroyed = false;
  /** @type {any[]} organisation channels, all of them */
  let organisation = [];
  const root = h('section', { class: 'chat-list-page', dataset: { test: 'chat-list', state: 'loading' } });
  const list = h('ul', { class: 'chat-channels', dataset: { test: 'channels' } });
  const joinable = h('section', { class: 'chat-joinable', dataset: { test: 'joinable' }, 'aria-labelledby': 'chat-joinable-title' });

  async function load() {
    replace(el, loading());
    try {
      const [kept, orgs] = await Promise.all([
        readThrough('chat/channels', () => loadChannels()),
        pb.collection('channels').getFullList({ filter: 'kind = "organisation"', sort: 'name' }).catch(() => []),
      ]);
      if (destroyed) return;
      // offline: the list as last seen
      if (kept.savedAt) setChannels(kept.value);
      organisation = orgs;
      replace(
        root,
        h(
          'div',
          { class: 'page-head chat-list-head' },
          h('h1', null, t('chat.title')),
          h('a', { href: '#/chat/new', class: 'btn btn-primary btn-small', dataset: { test: 'chat-new' } }, t('chat.new'))
        ),
        markOf(kept),
        kept.savedAt ? h('p', { class: 'hint' }, t('offline.recentChats')) : null,
        list,
        joinable
      );
      replace(el, root);
      root.dataset.state = 'ready';
      root.dataset.live = 'pending';
      chatLive().then((ok) => destroyed || (root.dataset.live = String(ok)));
      show();
    } catch (err) {
      if (!destroyed) replace(el, loadError(err, load));
    }
  }

  function show() {
    const channels = getState().chatChannels || [];
    replace(list, channels.length ? channels.map(row) : h('li', { class: 'state state-empty' }, t('chat.none')));
    const mine = new Set(channels.map((c) => c.id));
    const open = organisation.filter((c) => !mine.has(c.id));
    replace(
      joinable,
      open.length > 0 && [
        h('h2', { id: 'chat-joinable-title' }, t('chat.joinable')),
        h(
          'ul',
          { class: 'chat-channels' },
          open.map((c) =>
            h(
              'li',
              { class: 'chat-channel chat-channel-join', dataset: { test: 'joinable-channel', id: c.id } },
              h('span', { class: 'chat-channel-badge', 'aria-hidden': 'true' }, '#'),
              h('div', { class: 'chat-channel-main' }, h('a', { href: '#/chat/' + encodeURIComponent(c.id), class: 'chat-channel-name' }, c.name), c.description && h('p', { class: 'chat-channel-excerpt' }, c.description)),
              h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { test: 'channel-join' }, on: { click: () => join(c) } }, t('chat.join'))
            )
          )
        ),
      ]
    );
  }

  /**
   * One conversation in the list.
   *
   * @param {import('./model.js').ChannelItem} ch
   * @returns {HTMLElement}
   */
  function row(ch) {
    const me = currentUser()?.id;
    const name = channelName(ch);
    const last = ch.lastMessage;
    const other = ch.kind === 'direct' ? (ch.members || []).find((m) => m.id !== me) : null;
    const by = last ? (last.author === me ? t('chat.you') : last.authorName.split(/\s+/)[0]) : '';
    const text = !last ? t('chat.noMessages') : last.excerpt || (last.attachments ? t('chat.attachmentOnly') : t('chat.deleted'));
    return h(
      'li',
      { class: ['chat-channel', ch.unread > 0 && 'chat-channel-unread'], dataset: { test: 'channel', id: ch.id, kind: ch.kind, unread: String(ch.unread || 0) } },
      other
        ? avatar({ ...other, collectionName: 'users', collectionId: '_pb_users_auth_' }, 'md')
        : h('span', { class: ['chat-channel-badge', 'chat-channel-' + ch.kind], 'aria-hidden': 'true' }, ch.kind === 'team' ? teamInitials(name) : ch.kind === 'organisation' ? '#' : String(ch.memberCount || '')),
      h(
        'a',
        { href: '#/chat/' + encodeURIComponent(ch.id), class: 'chat-channel-main', dataset: { test: 'channel-link' } },
        h('span', { class: 'chat-channel-top' }, h('span', { class: 'chat-channel-name', dataset: { test: 'channel-name' } }, name), last && timeEl(last.created)),
        h('span', { class: 'chat-channel-excerpt', dataset: { test: 'channel-excerpt' } }, by && last ? by + ': ' : '', text)
      ),
      ch.mentioned && h('span', { class: 'chat-mentioned', title: t('chat.mentioned'), dataset: { test: 'channel-mentioned' } }, '@', h('span', { class: 'visually-hidden' }, t('chat.mentioned'))),
      h('span', { class: 'chat-unread', hidden: !ch.unread, dataset: { test: 'channel-unread' }, 'aria-label': t('chat.unread', { n: ch.unread || 0 }) }, ch.unread >= 100 ? '99+' : String(ch.unread || 0))
    );
  }

  /** @param {any} c */
  async function join(c) {
    try {
      await pb.collection('channel_reads').create({ channel: c.id, user: currentUser()?.id });
      toast(t('chat.joined'));
      await loadChannels();
      if (!destroyed) location.hash = '#/chat/' + encodeURIComponent(c.id);
    } catch (err) {
      toast(describeError(err, 'chatJoin').message, 'error');
    }
  }

  const stop = subscribe((_, changed) => {
    if (changed.includes('chatChannels') && root.dataset.state === 'ready') show();
  });
  load();
  return () => {
    destroyed = true;
    stop();
  };
}
