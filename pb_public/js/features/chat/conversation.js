// One conversation (#/chat/<id>): the latest 50 messages, older ones as
// one scrolls up, the messages in the outbox ("wordt verzonden") after
// them, and the composer. Messages, edits, deletes, reactions and read
// states arrive live on the scoped topics; the channel is marked read as
// its newest messages are seen; in direct and group chats of up to 20
// people "gelezen door …" shows under one's own last message.

import { h, replace } from '../../dom.js';
import { t, intlLocale } from '../../i18n.js';
import { pb, currentUser, getFileToken } from '../../pb.js';
import { describeError } from '../../errors.js';
import { loading, loadError, toast, announce } from '../../components/ui.js';
import { Live } from '../../live.js';
import { confirmBox } from '../bob/model.js';
import { channelName, firstName, markChannelRead, setOpenChannel, READ_BY_MAX } from './model.js';
import { messageItem, messageKey } from './message-item.js';
import { createComposer } from './composer.js';
import { outboxItems, onOutbox, retry, discard, flush } from './outbox.js';
import { readThrough, keepRecent } from '../../offline/cache.js';
import { offlineMark } from '../../offline/mark.js';

const PAGE = 50;
const EXPAND = 'author,reply_to,reply_to.author';
/** How many conversations keep their latest messages for offline reading. */
const KEPT_CHATS = 5;

/**
 * Mounts a conversation.
 *
 * @param {HTMLElement} el
 * @param {{id: string}} params
 * @returns {() => void} cleanup
 */
export function mount(el, { id }) {
  const me = currentUser()?.id || '';
  const live = new Live();
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  let destroyed = false;
  /** @type {any} */
  let channel = null;
  let joined = true;
  /** @type {Map<string, any>} id -> a messages record */
  const messages = new Map();
  /** @type {Map<string, any>} id -> an outbox item (outbox: true) */
  const pending = new Map();
  /** @type {Map<string, {key: string, el: HTMLElement}>} */
  const shown = new Map();
  /** @type {Map<string, string>} user -> last_read */
  const reads = new Map();
  /** @type {any[]} */
  let members = [];
  let more = true;
  let loadingOlder = false;
  let fileToken = '';
  let lastMarked = '';
  let editing = '';
  let subscribed = false;
  /** @type {ReturnType<typeof createComposer>|null} */
  let composer = null;
  /** when what shows was kept, when it came from the reading cache (0: fresh) */
  let keptAt = 0;

  const root = h('section', { class: 'chat-room', dataset: { test: 'chat-room', id, state: 'loading' } });
  const list = h('ol', { class: 'chat-messages', dataset: { test: 'messages' }, 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const olderBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small chat-older', dataset: { test: 'chat-more' } }, t('chat.older'));
  const readBy = h('li', { class: 'chat-read-by', dataset: { test: 'read-by' }, 'aria-live': 'polite' });
  const bottom = h('div', { class: 'chat-bottom' });
  olderBtn.addEventListener('click', () => loadOlder());

  async function load() {
    replace(el, loading());
    setOpenChannel(id);
    try {
      // kept for offline reading, for the few conversations opened last
      const kept = await readThrough('chat/' + id, async () => {
        const ch = await pb.collection('channels').getOne(id, { expand: 'team,members' });
        const [latestPage, memberList, myRead] = await Promise.all([
          latest(),
          pb.send('/api/buurtplein/chat/channels/' + encodeURIComponent(id) + '/members', { method: 'GET' }).then((r) => r.items || []).catch(() => []),
          pb.collection('channel_reads').getList(1, 1, { filter: pb.filter('channel = {:id} && user = {:me}', { id, me }), skipTotal: true }).catch(() => ({ items: [] })),
        ]);
        return { channel: ch, page: latestPage, memberList, myRead };
      });
      if (!kept.savedAt) keepRecent('chat/recent', 'chat/' + id, KEPT_CHATS);
      keptAt = kept.savedAt;
      channel = kept.value.channel;
      const { page, memberList, myRead } = kept.value;
      const [items, token] = await Promise.all([outboxItems(id).catch(() => []), getFileToken()]);
      if (destroyed) return;
      fileToken = token;
      // a direct or group chat names its people itself
      members = memberList.length ? memberList : channel.expand?.members || [];
      joined = channel.kind !== 'organisation' || myRead.items.length > 0;
      for (const m of page) messages.set(m.id, m);
      more = page.length === PAGE;
      for (const item of items) pending.set(item.id, { ...item, outbox: true });
      if (showsReadBy()) await loadReads();
      if (destroyed) return;
      render();
      if (!subscribed) subscribe();
      subscribed = true;
      flush();
    } catch (err) {
      if (destroyed) return;
      if (err?.status === 404 || err?.status === 403) {
        replace(el, h('div', { class: 'state state-empty card', dataset: { test: 'chat-missing' } }, h('p', null, t('chat.notFound')), h('a', { class: 'btn btn-secondary', href: '#/chat' }, t('chat.backToList'))));
      } else {
        replace(el, loadError(err, load));
      }
    }
  }

  /**
   * Reads a page of the conversation, newest first, from the chat's page
   * route: it checks the membership once, where the record API's list
   * checks the rule on every message.
   *
   * @param {any} [oldest] the oldest message shown: the page before it
   * @returns {Promise<any[]>}
   */
  async function page(oldest) {
    const query = { perPage: PAGE, expand: EXPAND };
    if (oldest) Object.assign(query, { before: oldest.created, beforeId: oldest.id });
    const res = await pb.send('/api/buurtplein/chat/channels/' + encodeURIComponent(id) + '/messages', { method: 'GET', query });
    return res.items || [];
  }

  /** @returns {Promise<any[]>} the latest page, newest first */
  function latest() {
    return page();
  }

  function showsReadBy() {
    return (channel.kind === 'direct' || channel.kind === 'group') && (channel.members || []).length <= READ_BY_MAX;
  }

  async function loadReads() {
    const list = await pb.collection('channel_reads').getFullList({ filter: pb.filter('channel = {:id}', { id }) }).catch(() => []);
    reads.clear();
    for (const r of list) reads.set(r.user, r.last_read || '');
  }

  function render() {
    document.title = channelName(itemOf(channel)) + ' · ' + t('app.name');
    composer = joined
      ? createComposer({
          channel: id,
          mentionOptions,
          findMessage: (mid) => messages.get(mid),
          onQueued: () => requestAnimationFrame(toBottom),
        })
      : null;
    replace(
      root,
      h(
        'div',
        { class: 'chat-room-head' },
        h('a', { href: '#/chat', class: 'chat-back', 'aria-label': t('chat.backToList') }, '←'),
        h('h1', { class: 'chat-room-title', dataset: { test: 'chat-title' } }, channelName(itemOf(channel))),
        h('a', { href: '#/chat/' + encodeURIComponent(id) + '/members', class: 'btn btn-secondary btn-small', dataset: { test: 'chat-members-link' } }, t('chat.membersLink', { n: members.length }))
      ),
      keptAt ? offlineMark(keptAt) : null,
      h('div', { class: 'chat-older-wrap' }, olderBtn),
      list,
      bottom,
      composer
        ? composer.el
        : h(
            'div',
            { class: 'chat-join card' },
            h('p', null, t('chat.joinToWrite')),
            h('button', { type: 'button', class: 'btn btn-primary', dataset: { test: 'chat-join' }, on: { click: join } }, t('chat.join'))
          )
    );
    replace(el, root);
    root.dataset.state = 'ready';
    renderList();
    toBottom();
    observeOlder();
    markSeen();
  }

  /**
   * The channel record in the shape of the channel list's items, for its name.
   *
   * @param {any} ch
   */
  function itemOf(ch) {
    return { kind: ch.kind, name: ch.name, teamName: ch.expand?.team?.name || '', members: ch.expand?.members || [] };
  }

  /** @returns {import('./chat-mention.js').MentionOption[]} */
  function mentionOptions() {
    const people = members.filter((m) => m.id !== me && m.name).map((m) => ({ id: m.id, name: m.name, user: m }));
    /** @type {import('./chat-mention.js').MentionOption[]} */
    const all = [];
    if (members.length <= 50) {
      if (channel.kind === 'team') all.push({ id: 'team', name: 'team' });
      all.push({ id: 'everyone', name: 'iedereen' });
    }
    return [...people, ...all];
  }

  /** @type {import('./message-item.js').MessageActions} */
  const actions = {
    me,
    get fileToken() {
      return fileToken;
    },
    onReply: (msg) => composer?.replyTo(msg),
    onReact: react,
    onEdit: startEdit,
    onDelete: askDelete,
    onRetry: (item) => retry(item.id),
    onChange: (item) => {
      composer?.setText(item.body, item.reply_to);
      discard(item.id);
    },
    onDiscard: (item) => discard(item.id),
  };

  /** Shows the messages in order, the outbox after them, building only what changed. */
  function renderList() {
    const ordered = [...messages.values()].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    const queued = [...pending.values()].filter((p) => !messages.has(p.id)).sort((a, b) => a.created.localeCompare(b.created));
    /** @type {HTMLElement[]} */
    const els = [];
    const wanted = new Set();
    for (const msg of [...ordered, ...queued]) {
      wanted.add(msg.id);
      const key = messageKey(msg);
      let entry = shown.get(msg.id);
      if (!entry || (entry.key !== key && editing !== msg.id)) {
        const next = messageItem(msg, actions);
        entry?.el.replaceWith(next);
        entry = { key, el: next };
        shown.set(msg.id, entry);
      }
      els.push(entry.el);
    }
    for (const mid of [...shown.keys()]) if (!wanted.has(mid)) shown.delete(mid);

    // "gelezen door" right under my own last message the server has
    const mine = ordered.filter((m) => m.author === me && !m.deleted).at(-1);
    const text = mine && showsReadBy() ? readByText(mine) : '';
    readBy.textContent = text;
    if (text) els.splice(els.indexOf(shown.get(mine.id).el) + 1, 0, readBy);

    olderBtn.hidden = !more;
    if (!ordered.length && !queued.length) {
      replace(list, h('li', { class: 'state state-empty', dataset: { test: 'chat-empty' } }, t('chat.empty')));
      return;
    }
    list.querySelector('[data-test=chat-empty]')?.remove();
    let node = list.firstElementChild;
    for (const item of els) {
      if (node === item) {
        node = node.nextElementSibling;
        continue;
      }
      list.insertBefore(item, node);
    }
    while (node) {
      const next = node.nextElementSibling;
      node.remove();
      node = next;
    }
  }

  /**
   * Returns "gelezen door Carla", "gelezen door Carla en Eva" or "gelezen
   * door iedereen" for a message, "" when no one else has read it.
   *
   * @param {any} msg
   * @returns {string}
   */
  function readByText(msg) {
    const others = (channel.expand?.members || []).filter((u) => u.id !== me);
    const readers = others.filter((u) => (reads.get(u.id) || '') >= msg.created);
    if (!readers.length) return '';
    if (readers.length === others.length && others.length > 1) return t('chat.readByAll');
    const names = new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(readers.map((u) => firstName(u.name)));
    return t('chat.readBy', { names });
  }

  function nearBottom() {
    return main.scrollHeight - main.scrollTop - main.clientHeight < 160;
  }

  function toBottom() {
    main.scrollTop = main.scrollHeight;
  }

  let markTimer = 0;

  /** Marks the channel read up to its newest message, once it is seen (after a pause in scrolling). */
  function markSeen() {
    clearTimeout(markTimer);
    markTimer = setTimeout(markNow, 300);
  }

  function markNow() {
    markTimer = 0;
    if (!channel || document.hidden || !joined || !nearBottom()) return;
    const newest = [...messages.values()].reduce((a, b) => (!a || b.created > a.created ? b : a), null);
    if (!newest || newest.created <= lastMarked) return;
    lastMarked = newest.created;
    markChannelRead(id, newest.id).catch(() => {
      lastMarked = '';
    });
  }

  /** @type {IntersectionObserver|null} */
  let observer = null;

  function observeOlder() {
    observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadOlder(), { root: main, rootMargin: '200px 0px 0px 0px' });
    observer.observe(olderBtn);
  }

  /** Loads the 50 messages before the oldest shown, keeping the view where it is. */
  async function loadOlder() {
    if (loadingOlder || !more || destroyed) return;
    const older = (a, b) => b.created < a.created || (b.created === a.created && b.id < a.id);
    const oldest = [...messages.values()].reduce((a, b) => (!a || older(a, b) ? b : a), null);
    if (!oldest) return;
    loadingOlder = true;
    olderBtn.disabled = true;
    try {
      const items = await page(oldest);
      if (destroyed) return;
      const before = main.scrollHeight - main.scrollTop;
      for (const m of items) messages.set(m.id, m);
      more = items.length === PAGE;
      renderList();
      main.scrollTop = main.scrollHeight - before;
    } catch (err) {
      toast(describeError(err, 'load').message, 'error');
    } finally {
      loadingOlder = false;
      olderBtn.disabled = false;
    }
  }

  /**
   * Takes a message into the view (live, or the server's answer to a send).
   *
   * @param {any} record
   */
  function upsert(record) {
    const old = messages.get(record.id);
    // an event carries the author, not the replied message: keep what we had
    const expand = { ...(old?.expand || {}), ...(record.expand || {}) };
    if (record.reply_to && !expand.reply_to) {
      const replied = messages.get(record.reply_to);
      if (replied) expand.reply_to = replied;
    }
    if (!expand.author && record.author === me) expand.author = currentUser();
    messages.set(record.id, { ...record, expand });
  }

  function subscribe() {
    live.mark(root, [
      live.on('messages', '*', (e) => {
        if (e.record.channel !== id) return;
        const stick = nearBottom() || e.record.author === me;
        if (e.action === 'delete') messages.delete(e.record.id);
        else upsert(e.record);
        pending.delete(e.record.id);
        renderList();
        if (e.action === 'create') {
          if (stick) toBottom();
          if (e.record.author !== me) announce(t('chat.newFrom', { name: e.record.expand?.author?.name || '' }));
          markSeen();
        }
      }),
      live.on('channel_reads', '*', (e) => {
        if (e.record.channel !== id || !showsReadBy()) return;
        if (e.action === 'delete') reads.delete(e.record.user);
        else reads.set(e.record.user, e.record.last_read || '');
        renderList();
      }),
      live.on('channels', id, async (e) => {
        if (e.action === 'delete') return;
        const next = await pb.collection('channels').getOne(id, { expand: 'team,members' }).catch(() => null);
        if (!next || destroyed) return;
        channel = next;
        /** @type {HTMLElement|null} */ (root.querySelector('[data-test=chat-title]'))?.replaceChildren(channelName(itemOf(channel)));
      }),
      live.onReconnect(catchUp),
    ]);

    const stopOutbox = onOutbox((e) => {
      if (e.item.channel !== id) return;
      if (e.type === 'sent') {
        pending.delete(e.item.id);
        if (e.record) upsert(e.record);
      } else if (e.type === 'removed') {
        pending.delete(e.item.id);
      } else {
        pending.set(e.item.id, { ...e.item, outbox: true });
      }
      renderList();
      if (e.type === 'queued' || e.type === 'sent') toBottom();
    });
    const onScroll = () => markSeen();
    const onVisible = () => markSeen();
    main.addEventListener('scroll', onScroll, { passive: true });
    document.addEventListener('visibilitychange', onVisible);
    live.onDestroy(() => {
      stopOutbox();
      main.removeEventListener('scroll', onScroll);
      document.removeEventListener('visibilitychange', onVisible);
    });
  }

  /** After a reconnect: the latest messages and read states again. */
  async function catchUp() {
    try {
      const [page, token] = await Promise.all([latest(), getFileToken()]);
      if (destroyed) return;
      fileToken = token;
      for (const m of page) upsert(m);
      if (showsReadBy()) await loadReads();
      if (destroyed) return;
      // fresh again: no longer as last seen
      if (keptAt) root.querySelector('[data-test=offline-mark]')?.remove();
      keptAt = 0;
      renderList();
      markSeen();
    } catch {
      // the next reconnect tries again
    }
  }

  /**
   * Toggles the reader's reaction.
   *
   * @param {any} msg
   * @param {string} emoji
   */
  async function react(msg, emoji) {
    try {
      const next = await pb.send('/api/buurtplein/chat/messages/' + encodeURIComponent(msg.id) + '/reactions', { method: 'POST', body: { emoji } });
      if (destroyed || !next?.id) return;
      upsert(next);
      renderList();
    } catch (err) {
      toast(describeError(err, 'chatReact').message, 'error');
    }
  }

  /**
   * Edits one's own message in place.
   *
   * @param {any} msg
   */
  function startEdit(msg) {
    const entry = shown.get(msg.id);
    if (!entry) return;
    editing = msg.id;
    const area = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'body', rows: 3, maxlength: 4000, value: msg.body, 'aria-label': t('chat.edit') }));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h(
      'form',
      { class: 'chat-edit', dataset: { test: 'message-edit-form' } },
      area,
      error,
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('chat.save')),
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', on: { click: stop } }, t('common.cancel'))
      )
    );
    function stop() {
      editing = '';
      shown.delete(msg.id);
      entry.el.replaceWith(h('li'));
      renderList();
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const next = await pb.collection('messages').update(msg.id, { body: area.value }, { expand: EXPAND });
        upsert(next);
        stop();
      } catch (err) {
        error.textContent = describeError(err, 'chatEdit').message;
        error.hidden = false;
      }
    });
    const body = entry.el.querySelector('[data-test=message-body]');
    if (body) body.replaceWith(form);
    else entry.el.append(form);
    area.focus();
  }

  /**
   * Asks, in place, whether to delete one's own message.
   *
   * @param {any} msg
   */
  function askDelete(msg) {
    const entry = shown.get(msg.id);
    if (!entry || entry.el.querySelector('.bob-confirm, [data-test=message-delete-confirm]')) return;
    const box = confirmBox({
      question: t('chat.confirmDelete'),
      yes: t('chat.delete'),
      test: 'message-delete-confirm',
      onYes: async () => {
        try {
          await pb.collection('messages').delete(msg.id);
          const next = await pb.collection('messages').getOne(msg.id, { expand: EXPAND }).catch(() => null);
          if (next) upsert(next);
          renderList();
        } catch (err) {
          toast(describeError(err, 'chatDelete').message, 'error');
        }
      },
      onNo: () => {},
    });
    entry.el.append(box);
  }

  async function join() {
    try {
      await pb.collection('channel_reads').create({ channel: id, user: me });
      toast(t('chat.joined'));
      composer?.destroy();
      shown.clear();
      load();
    } catch (err) {
      toast(describeError(err, 'chatJoin').message, 'error');
    }
  }

  load();
  return () => {
    // what was on screen when leaving counts as seen
    if (markTimer) {
      clearTimeout(markTimer);
      markNow();
    }
    destroyed = true;
    setOpenChannel('');
    observer?.disconnect();
    composer?.destroy();
    live.destroy();
  };
}
