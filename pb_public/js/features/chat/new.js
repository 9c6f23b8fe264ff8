// A new chat (#/chat/new): choose one colleague from the directory for a
// direct chat, or several (with a name) for a group. A direct chat that
// exists already simply opens (the server answers with it).

import { h, replace, debounce } from '../../dom.js';
import { t } from '../../i18n.js';
import { pb, currentUser } from '../../pb.js';
import { describeError } from '../../errors.js';
import { avatar, errorLine, showError } from '../../components/ui.js';

/**
 * Mounts the new-chat screen.
 *
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mount(el) {
  const me = currentUser();
  let destroyed = false;
  /** @type {Map<string, any>} */
  const picked = new Map();

  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'chat-new-search', autocomplete: 'off', placeholder: t('chat.searchPlaceholder'), dataset: { test: 'chat-new-search' } }));
  const results = h('ul', { class: 'chat-people', dataset: { test: 'chat-new-results' } });
  const chosen = h('ul', { class: 'chat-chosen', dataset: { test: 'chat-new-chosen' }, 'aria-live': 'polite' });
  const nameField = h(
    'div',
    { class: 'field', hidden: true },
    h('label', { for: 'chat-new-name' }, t('chat.groupName')),
    h('input', { type: 'text', id: 'chat-new-name', name: 'name', maxlength: 80, dataset: { test: 'chat-new-name' } })
  );
  const error = errorLine();
  const start = h('button', { type: 'submit', class: 'btn btn-primary btn-block', disabled: true, dataset: { test: 'chat-new-start' } }, t('chat.startDirect'));
  const form = h('form', { class: 'card chat-new-form', novalidate: true }, h('div', { class: 'field' }, h('label', { for: 'chat-new-search' }, t('chat.searchLabel')), search), results, chosen, nameField, error, start);

  replace(el, h('section', { class: 'chat-new', dataset: { test: 'chat-new-page' } }, h('div', { class: 'page-head' }, h('p', { class: 'crumbs' }, h('a', { href: '#/chat' }, '← ', t('chat.title'))), h('h1', null, t('chat.new'))), form));

  let asked = 0;
  const find = debounce(async () => {
    const q = search.value.trim();
    const mine = ++asked;
    try {
      const res = await pb.collection('users').getList(1, 20, { filter: q ? pb.filter('name ~ {:q} && id != {:me}', { q, me: me?.id }) : pb.filter('id != {:me}', { me: me?.id }), sort: 'name', skipTotal: true });
      if (destroyed || mine !== asked) return;
      replace(
        results,
        res.items.filter((u) => u.name).map((u) =>
          h(
            'li',
            { class: 'chat-person' },
            h(
              'label',
              { class: 'chat-person-pick' },
              h('input', { type: 'checkbox', value: u.id, checked: picked.has(u.id), dataset: { test: 'chat-new-person', user: u.id }, on: { change: (e) => toggle(u, e.target.checked) } }),
              avatar(u, 'sm'),
              h('span', null, u.name),
              u.discipline && h('span', { class: 'hint' }, u.discipline)
            )
          )
        )
      );
    } catch (err) {
      if (!destroyed) showError(error, describeError(err, 'load').message);
    }
  }, 200);
  search.addEventListener('input', find);
  find();

  /**
   * @param {any} user
   * @param {boolean} on
   */
  function toggle(user, on) {
    if (on) picked.set(user.id, user);
    else picked.delete(user.id);
    replace(chosen, [...picked.values()].map((u) => h('li', { class: 'chip' }, u.name)));
    nameField.hidden = picked.size < 2;
    start.disabled = picked.size === 0;
    start.textContent = picked.size > 1 ? t('chat.startGroup') : t('chat.startDirect');
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!picked.size || !me) return;
    const group = picked.size > 1;
    const name = /** @type {HTMLInputElement} */ (nameField.querySelector('input')).value.trim();
    start.disabled = true;
    showError(error, '');
    try {
      const channel = await pb.collection('channels').create({ kind: group ? 'group' : 'direct', name: group ? name : '', members: [me.id, ...picked.keys()], created_by: me.id });
      if (!destroyed) location.hash = '#/chat/' + encodeURIComponent(channel.id);
    } catch (err) {
      showError(error, describeError(err, 'chatNew').message);
      start.disabled = false;
    }
  });

  return () => {
    destroyed = true;
  };
}
