// One message of a conversation: its author, time, the message it replies
// to, its text (Markdown, rendered safely), photos and files, reactions,
// and what one may do with it. A message still in the outbox shows
// "wordt verzonden", or why the server refused it with the choice to send
// it again, change it or discard it.

import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { renderMarkdown } from '../../markdown.js';
import { describeError } from '../../errors.js';
import { avatar } from '../../components/ui.js';
import { timeEl, excerpt } from './model.js';

/** The reactions offered by a tap; any other emoji the server keeps shows too. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🙏', '✅', '😮'];

const IMAGE = /\.(jpe?g|png|gif|webp)$/i;

/**
 * @typedef {Object} MessageActions
 * @property {string} me the signed-in employee's id
 * @property {string} fileToken for protected files ("" while offline)
 * @property {(msg: any) => void} onReply
 * @property {(msg: any, emoji: string) => void} onReact
 * @property {(msg: any) => void} onEdit starts editing one's own message
 * @property {(msg: any) => void} onDelete asks to delete one's own message
 * @property {(item: import('./outbox.js').OutboxItem) => void} onRetry
 * @property {(item: import('./outbox.js').OutboxItem) => void} onChange puts a refused message back into the composer
 * @property {(item: import('./outbox.js').OutboxItem) => void} onDiscard
 */

/**
 * Returns a key of what a message shows: when it is unchanged, its
 * element stays.
 *
 * @param {any} msg a messages record or an outbox item (msg.outbox)
 * @returns {string}
 */
export function messageKey(msg) {
  if (msg.outbox) return ['o', msg.id, msg.state, msg.body, msg.error?.status || ''].join('|');
  return ['m', msg.id, msg.updated, msg.expand?.author?.name || '', msg.expand?.reply_to?.updated || ''].join('|');
}

/**
 * Builds a message's element (li[data-test=message]).
 *
 * @param {any} msg a messages record (expand author, reply_to) or an
 *   outbox item marked with outbox: true
 * @param {MessageActions} actions
 * @returns {HTMLElement}
 */
export function messageItem(msg, actions) {
  const own = msg.outbox ? true : msg.author === actions.me;
  const deleted = Boolean(msg.deleted);
  const state = msg.outbox ? msg.state : deleted ? 'deleted' : 'sent';
  const author = msg.outbox ? null : msg.expand?.author;

  return h(
    'li',
    { class: ['chat-msg', own && 'chat-msg-own', 'chat-state-' + state], dataset: { test: 'message', id: msg.id, state, own: String(own) } },
    h(
      'div',
      { class: 'chat-msg-head' },
      !own && avatar(author, 'sm'),
      h('span', { class: 'chat-msg-author', dataset: { test: 'message-author' } }, own ? t('chat.you') : author?.name || ''),
      msg.outbox ? null : timeEl(msg.created),
      msg.edited && !deleted && h('span', { class: 'chat-msg-edited', title: msg.edited, dataset: { test: 'message-edited' } }, t('chat.edited'))
    ),
    msg.reply_to && !deleted && quote(msg),
    deleted
      ? h('p', { class: 'chat-msg-deleted', dataset: { test: 'message-deleted' } }, t('chat.deleted'))
      : msg.body && h('div', { class: 'chat-msg-body prose', dataset: { test: 'message-body' } }, renderMarkdown(msg.body)),
    !deleted && files(msg, actions.fileToken),
    !deleted && !msg.outbox && reactions(msg, actions),
    msg.outbox ? outboxState(msg, actions) : !deleted && tools(msg, own, actions)
  );
}

/**
 * The replied message, quoted short.
 *
 * @param {any} msg
 * @returns {HTMLElement}
 */
function quote(msg) {
  const replied = msg.expand?.reply_to;
  const text = !replied ? t('chat.replyUnknown') : replied.deleted ? t('chat.deleted') : excerpt(replied.body) || t('chat.attachmentOnly');
  return h(
    'blockquote',
    { class: 'chat-quote', dataset: { test: 'message-quote', id: msg.reply_to } },
    replied?.expand?.author?.name && h('span', { class: 'chat-quote-author' }, replied.expand.author.name),
    h('span', { class: 'chat-quote-text' }, text)
  );
}

/**
 * Photos as thumbnails that open the full size, other files as download
 * links; an outbox item's files by name.
 *
 * @param {any} msg
 * @param {string} token
 * @returns {HTMLElement|null}
 */
function files(msg, token) {
  if (msg.outbox) {
    if (!msg.files?.length) return null;
    return h('ul', { class: 'chat-files' }, msg.files.map((f) => h('li', { class: 'chat-file' }, h('span', { class: 'chat-file-icon', 'aria-hidden': 'true' }), f.name)));
  }
  const names = Array.isArray(msg.attachments) ? msg.attachments : [];
  if (!names.length) return null;
  const photos = names.filter((n) => IMAGE.test(n));
  const docs = names.filter((n) => !IMAGE.test(n));
  return h(
    'div',
    { class: 'chat-attachments' },
    photos.length > 0 &&
      h(
        'div',
        { class: 'chat-photos' },
        photos.map((name) =>
          h(
            'a',
            { href: pb.files.getURL(msg, name, { token }), target: '_blank', rel: 'noopener noreferrer', class: 'chat-photo', dataset: { test: 'message-photo', file: name } },
            h('img', { src: pb.files.getURL(msg, name, { thumb: '480x0', token }), alt: t('chat.photoAlt'), loading: 'lazy', decoding: 'async' })
          )
        )
      ),
    docs.length > 0 &&
      h(
        'ul',
        { class: 'chat-files' },
        docs.map((name) =>
          h('li', { class: 'chat-file' }, h('a', { href: pb.files.getURL(msg, name, { token, download: 1 }), rel: 'noopener noreferrer', dataset: { test: 'message-file', file: name } }, h('span', { class: 'chat-file-icon', 'aria-hidden': 'true' }), name))
        )
      )
  );
}

/**
 * The reactions under a message: one button per emoji with its count,
 * pressed when the reader reacted so; a tap toggles it.
 *
 * @param {any} msg
 * @param {MessageActions} actions
 * @returns {HTMLElement|null}
 */
function reactions(msg, actions) {
  const all = msg.reactions && typeof msg.reactions === 'object' && !Array.isArray(msg.reactions) ? msg.reactions : {};
  const entries = Object.entries(all).filter(([, users]) => Array.isArray(users) && users.length > 0);
  if (!entries.length) return null;
  return h(
    'div',
    { class: 'chat-reactions', dataset: { test: 'reactions' } },
    entries.map(([emoji, users]) => {
      const mine = users.includes(actions.me);
      return h(
        'button',
        {
          type: 'button',
          class: ['chat-reaction', mine && 'chat-reaction-mine'],
          'aria-pressed': mine ? 'true' : 'false',
          'aria-label': t('chat.reactionLabel', { emoji, n: users.length }),
          dataset: { test: 'reaction', emoji },
          on: { click: () => actions.onReact(msg, emoji) },
        },
        h('span', { 'aria-hidden': 'true' }, emoji),
        h('span', { class: 'chat-reaction-count', 'aria-hidden': 'true' }, String(users.length))
      );
    })
  );
}

/**
 * What one may do with a sent message: reply, react and, one's own, edit
 * and delete.
 *
 * @param {any} msg
 * @param {boolean} own
 * @param {MessageActions} actions
 * @returns {HTMLElement}
 */
function tools(msg, own, actions) {
  const picker = h(
    'div',
    { class: 'chat-react-picker', hidden: true, dataset: { test: 'reaction-picker' } },
    QUICK_REACTIONS.map((emoji) =>
      h('button', { type: 'button', class: 'chat-react-choice', 'aria-label': t('chat.reactWith', { emoji }), dataset: { test: 'reaction-choice', emoji }, on: { click: () => actions.onReact(msg, emoji) } }, emoji)
    )
  );
  const react = h('button', { type: 'button', class: 'btn-link chat-tool', 'aria-expanded': 'false', dataset: { test: 'message-react' } }, t('chat.react'));
  react.addEventListener('click', () => {
    picker.hidden = !picker.hidden;
    react.setAttribute('aria-expanded', String(!picker.hidden));
  });
  return h(
    'div',
    { class: 'chat-tools' },
    h('button', { type: 'button', class: 'btn-link chat-tool', dataset: { test: 'message-reply' }, on: { click: () => actions.onReply(msg) } }, t('chat.reply')),
    react,
    own && h('button', { type: 'button', class: 'btn-link chat-tool', dataset: { test: 'message-edit' }, on: { click: () => actions.onEdit(msg) } }, t('chat.edit')),
    own && h('button', { type: 'button', class: 'btn-link chat-tool', dataset: { test: 'message-delete' }, on: { click: () => actions.onDelete(msg) } }, t('chat.delete')),
    picker
  );
}

/**
 * A message in the outbox: on its way, or refused with the reason.
 *
 * @param {import('./outbox.js').OutboxItem} item
 * @param {MessageActions} actions
 * @returns {HTMLElement}
 */
function outboxState(item, actions) {
  if (item.state !== 'failed') {
    return h('p', { class: 'chat-msg-pending', dataset: { test: 'message-pending' } }, h('span', { class: 'icon icon-clock', 'aria-hidden': 'true' }), t('chat.sending'));
  }
  const why = describeError(item.error?.err || { status: item.error?.status || 400 }, 'chatSend').message;
  return h(
    'div',
    { class: 'chat-msg-failed', role: 'alert', dataset: { test: 'message-failed', code: item.error?.code || '' } },
    h('p', null, h('span', { class: 'icon icon-alert', 'aria-hidden': 'true' }), why),
    h(
      'div',
      { class: 'chat-tools' },
      h('button', { type: 'button', class: 'btn-link chat-tool', dataset: { test: 'message-retry' }, on: { click: () => actions.onRetry(item) } }, t('chat.retry')),
      h('button', { type: 'button', class: 'btn-link chat-tool', dataset: { test: 'message-change' }, on: { click: () => actions.onChange(item) } }, t('chat.change')),
      h('button', { type: 'button', class: 'btn-link chat-tool', dataset: { test: 'message-discard' }, on: { click: () => actions.onDiscard(item) } }, t('chat.discard'))
    )
  );
}
