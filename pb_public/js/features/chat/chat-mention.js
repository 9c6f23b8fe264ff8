// The composer's @-picker: typing "@" and the start of a name offers the
// channel's members (and @team in a team channel, @iedereen), and choosing
// one writes "@Full Name" into the text, which is how the server finds
// whom to notify. Arrow keys move through the list, Enter or Tab chooses,
// Escape closes it (as the feed's picker).

import { h, replace } from '../../dom.js';
import { t } from '../../i18n.js';
import { avatar } from '../../components/ui.js';

const SHOWN = 8;

/**
 * @typedef {Object} MentionOption
 * @property {string} id a user id, or "team" / "everyone"
 * @property {string} name what "@" is followed by
 * @property {any} [user] the member, for the avatar
 */

/**
 * Adds the @-picker to a textarea; the list goes right after it.
 *
 * @param {HTMLTextAreaElement} textarea
 * @param {() => MentionOption[]} options everyone who may be mentioned, asked when the list opens
 * @returns {{isOpen: () => boolean}}
 */
export function attachChatMentions(textarea, options) {
  const uid = Math.random().toString(36).slice(2, 8);
  const listId = 'chat-mention-' + uid;
  const list = h('ul', { id: listId, class: 'mention-list', role: 'listbox', 'aria-label': t('mention.label'), dataset: { test: 'mention-list' }, hidden: true });
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', listId);
  textarea.after(h('div', { class: 'mention-wrap chat-mention-wrap' }, list));

  /** @type {MentionOption[]} */
  let shown = [];
  let active = -1;
  /** @type {{start: number, end: number}|null} */
  let range = null;

  function close() {
    list.hidden = true;
    shown = [];
    active = -1;
    range = null;
    textarea.removeAttribute('aria-activedescendant');
    replace(list);
  }

  function typed() {
    const end = textarea.selectionStart;
    if (end !== textarea.selectionEnd) return null;
    const m = textarea.value.slice(0, end).match(/(?:^|[\s(])@((?:[\p{L}\p{M}'’.-]+ ?){0,3})$/u);
    if (!m) return null;
    return { start: end - m[1].length - 1, end, query: fold(m[1].trim()) };
  }

  function search() {
    const found = typed();
    if (!found) return close();
    range = found;
    shown = options()
      .filter((o) => fold(o.name).split(/\s+/).some((w) => w.startsWith(found.query)) || fold(o.name).startsWith(found.query))
      .slice(0, SHOWN);
    if (!shown.length) return close();
    active = 0;
    replace(
      list,
      shown.map((o, n) =>
        h(
          'li',
          {
            id: listId + '-' + n,
            class: 'mention-option',
            role: 'option',
            dataset: { test: 'mention-option', user: o.id },
            on: { mousedown: (e) => e.preventDefault(), click: () => choose(n) },
          },
          o.user ? avatar(o.user, 'sm') : h('span', { class: 'avatar avatar-sm avatar-initials', 'aria-hidden': 'true' }, '@'),
          h('span', null, o.name)
        )
      )
    );
    list.hidden = false;
    mark();
  }

  function mark() {
    [...list.children].forEach((li, n) => li.setAttribute('aria-selected', n === active ? 'true' : 'false'));
    if (active >= 0) textarea.setAttribute('aria-activedescendant', listId + '-' + active);
  }

  function choose(n) {
    const o = shown[n];
    if (!o || !range) return;
    const text = '@' + o.name + ' ';
    textarea.value = textarea.value.slice(0, range.start) + text + textarea.value.slice(range.end);
    const caret = range.start + text.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  textarea.addEventListener('input', (e) => {
    if (e.isTrusted) search();
  });
  // closes once a tap on an option had its click; the focus coming back
  // first calls that off (a list opened since would close under the typing)
  let blurTimer = 0;
  textarea.addEventListener('blur', () => {
    blurTimer = setTimeout(close, 150);
  });
  textarea.addEventListener('focus', () => clearTimeout(blurTimer));
  textarea.addEventListener('keydown', (e) => {
    if (list.hidden || !shown.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + shown.length) % shown.length;
      mark();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      // the composer sends on Enter unless this took it
      e.preventDefault();
      choose(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  return { isOpen: () => !list.hidden };
}

/** @param {string} s */
function fold(s) {
  return String(s || '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}
