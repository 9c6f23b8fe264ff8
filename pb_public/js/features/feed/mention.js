// The @-picker of the compose and comment forms: typing "@" and the start
// of a name offers the colleagues who may read the post (a team post: the
// team's members; an organisation post: a search of the directory), and
// choosing one writes "@Full Name" into the text, which is how the server
// finds whom to notify. Arrow keys move through the list, Enter or Tab
// chooses, Escape closes it; screen readers hear how many were found and
// which one is active (aria-activedescendant).

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb } from '../../pb.js';
import { avatar } from '../../components/ui.js';

/** How many colleagues the list offers at most. */
const SHOWN = 8;

/**
 * Where the colleagues come from: a team id (its members) or "" (the
 * whole directory), asked each time the list opens, so a change of the
 * compose form's visibility counts.
 *
 * @typedef {() => string} Audience
 */

/** @type {Map<string, Promise<any[]>>} team id -> its members (users), read once per page load */
const teams = new Map();

/**
 * Adds the @-picker to a textarea. The list goes right after it.
 *
 * @param {HTMLTextAreaElement} textarea
 * @param {Audience} audience
 * @returns {HTMLElement} the list ([data-test=mention-list]), already placed after the textarea when it has a parent
 */
export function attachMentions(textarea, audience) {
  const uid = Math.random().toString(36).slice(2, 8);
  const listId = 'mention-list-' + uid;
  const list = h('ul', { id: listId, class: 'mention-list', role: 'listbox', 'aria-label': t('mention.label'), dataset: { test: 'mention-list' }, hidden: true });
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const wrap = h('div', { class: 'mention-wrap' }, list, status);
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', listId);
  textarea.after(wrap);

  /** @type {any[]} */
  let options = [];
  let active = -1;
  let asked = 0;
  /** @type {{start: number, end: number}|null} the "@query" being typed */
  let range = null;
  /** set while the text changes by a choice: that is no typing to search for */
  let choosing = false;

  function close() {
    list.hidden = true;
    options = [];
    active = -1;
    range = null;
    textarea.removeAttribute('aria-activedescendant');
    replace(list);
  }

  const search = debounce(async () => {
    const found = typed();
    if (!found) {
      close();
      return;
    }
    const team = audience();
    if (!team && found.query.length < 1) {
      close();
      return;
    }
    const mine = ++asked;
    let users = [];
    try {
      users = await candidates(team, found.query);
    } catch {
      users = []; // offline: no suggestions, typing goes on
    }
    if (mine !== asked || document.activeElement !== textarea) return;
    range = found;
    show(users.slice(0, SHOWN));
  }, 150);

  /** @returns {{start: number, end: number, query: string}|null} */
  function typed() {
    const end = textarea.selectionStart;
    if (end !== textarea.selectionEnd) return null;
    const before = textarea.value.slice(0, end);
    const m = before.match(/(?:^|[\s(])@((?:[\p{L}\p{M}'’.-]+ ?){0,3})$/u);
    if (!m) return null;
    return { start: end - m[1].length - 1, end, query: m[1].trim() };
  }

  function show(users) {
    options = users;
    active = users.length ? 0 : -1;
    replace(
      list,
      users.length
        ? users.map((user, n) =>
            h(
              'li',
              {
                id: listId + '-' + n,
                class: 'mention-option',
                role: 'option',
                dataset: { test: 'mention-option', user: user.id },
                'aria-selected': n === active ? 'true' : 'false',
                on: {
                  // keep the focus in the textarea
                  mousedown: (e) => e.preventDefault(),
                  click: () => choose(n),
                },
              },
              avatar(user, 'sm'),
              h('span', null, user.name)
            )
          )
        : h('li', { class: 'mention-none', role: 'option', 'aria-disabled': 'true' }, t('mention.none'))
    );
    list.hidden = false;
    mark();
    status.textContent = users.length ? t('mention.found', { n: users.length }) : t('mention.none');
  }

  function mark() {
    [...list.querySelectorAll('.mention-option')].forEach((li, n) => li.setAttribute('aria-selected', n === active ? 'true' : 'false'));
    if (active >= 0) textarea.setAttribute('aria-activedescendant', listId + '-' + active);
    else textarea.removeAttribute('aria-activedescendant');
  }

  function choose(n) {
    const user = options[n];
    if (!user || !range) return;
    const text = '@' + user.name + ' ';
    const value = textarea.value;
    textarea.value = value.slice(0, range.start) + text + value.slice(range.end);
    const caret = range.start + text.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
    // drafts and form state listen for input
    choosing = true;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    choosing = false;
  }

  textarea.addEventListener('input', () => choosing || search());
  // closes once a tap on an option had its click; the focus coming back
  // first calls that off (a list opened since would close under the typing)
  let blurTimer = 0;
  textarea.addEventListener('blur', () => {
    blurTimer = setTimeout(close, 150);
  });
  textarea.addEventListener('focus', () => clearTimeout(blurTimer));
  textarea.addEventListener('keydown', (e) => {
    if (list.hidden || !options.length) {
      if (e.key === 'Escape' && !list.hidden) close();
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length;
      mark();
    } else if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      choose(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  return wrap;
}

/**
 * Finds colleagues whose name matches the query: a team's members, or
 * the directory.
 *
 * @param {string} team a team id, or "" for everyone
 * @param {string} query
 * @returns {Promise<any[]>} users records
 */
async function candidates(team, query) {
  if (team) {
    const q = fold(query);
    const members = await membersOf(team);
    return members.filter((u) => !q || fold(u.name).split(/\s+/).some((word) => word.startsWith(q)) || fold(u.name).startsWith(q));
  }
  const result = await pb.collection('users').getList(1, SHOWN, {
    filter: pb.filter('name ~ {:q}', { q: query }),
    sort: 'name,id',
    skipTotal: true,
  });
  return result.items.filter((u) => u.name);
}

/**
 * @param {string} team
 * @returns {Promise<any[]>}
 */
function membersOf(team) {
  let members = teams.get(team);
  if (!members) {
    members = pb
      .collection('memberships')
      .getFullList({
        // through "user" the directory's rule comes along: blocked
        // colleagues stay out
        filter: pb.filter('team = {:team} && user.name != ""', { team }),
        expand: 'user',
      })
      .then((list) =>
        list
          .map((m) => m.expand?.user)
          .filter((u) => u?.name)
          .sort((a, b) => a.name.localeCompare(b.name))
      );
    members.catch(() => teams.delete(team));
    teams.set(team, members);
  }
  return members;
}

/** @param {string} s */
function fold(s) {
  return String(s || '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}
